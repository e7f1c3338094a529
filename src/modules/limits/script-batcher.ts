/** The values of one request in a batched script call (flattened into ARGV after the batch header). */
export type ScriptArgs = Array<string | number>;

/** Merges a lane's calls of one batch into one call whose reply every one of them gets. */
export type LaneMerger = (calls: ScriptArgs[]) => ScriptArgs;

/**
 * Sends one batch as one command: the requests of each lane, in order, with the batch's id; resolves
 * with their replies.
 */
export type BatchSender = (lanes: ScriptArgs[][], batchId: string) => Promise<unknown[][]>;

interface Waiting {
  args: ScriptArgs;
  call: BatchedCall<unknown>;
  resolve: (reply: unknown) => void;
  reject: (err: unknown) => void;
}

/**
 * The outcome of one call. `sent` resolves once its batch has been handed to the connection: true when
 * the bytes have left the process (they reach Redis even if this process dies now), false when that is
 * not known (not connected: the command waits in the client's offline queue). `reply` is the answer.
 */
export interface BatchedCall<R> {
  sent: Promise<boolean>;
  reply: Promise<R>;
  /** The id of the batch the call went out in (set when it is sent; unique per process and batch). */
  batchId?: string;
}

/**
 * Coalesces the script calls made during one event-loop turn into one command (one EVALSHA, one Lua
 * run, one reply): under load, the per-command cost of the client, the socket and Redis is paid per
 * batch instead of per request. Calls go into lanes (settlements, admissions), which one script handles
 * in lane order. A lone call waits only for the end of the current turn (setImmediate). Batches are
 * capped so that one Lua run stays short (Redis is single-threaded). A lane with a merger sends its
 * calls of a batch as one (the merger's), and each of them gets that one's reply.
 */
export class ScriptBatcher {
  private queues: Waiting[][];
  private flushed: Array<(left: boolean) => void> = [];
  private scheduled = false;
  private batches = 0;

  constructor(
    private readonly lanes: number,
    private readonly send: BatchSender,
    /** After `send`: resolves true once the written bytes have left the process, false if unknown. */
    private readonly written: () => Promise<boolean>,
    /** Makes batch ids unique across processes. */
    private readonly idPrefix = '',
    private readonly maxBatch = 128,
    /** Per lane, optionally: how its calls of one batch become one. */
    private readonly mergers: ReadonlyArray<LaneMerger | undefined> = [],
  ) {
    this.queues = this.emptyQueues();
  }

  call<R>(lane: number, args: ScriptArgs): BatchedCall<R> {
    const call = { sent: undefined, reply: undefined } as unknown as BatchedCall<R>;
    call.reply = new Promise<R>((resolve, reject) =>
      this.queues[lane].push({
        args,
        call: call as BatchedCall<unknown>,
        resolve: resolve as (reply: unknown) => void,
        reject,
      }),
    );
    call.sent = new Promise<boolean>((resolve) => this.flushed.push(resolve));
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
    return call;
  }

  private emptyQueues(): Waiting[][] {
    const queues: Waiting[][] = [];
    for (let i = 0; i < this.lanes; i++) queues.push([]);
    return queues;
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    const queues = this.queues;
    const flushed = this.flushed;
    this.queues = this.emptyQueues();
    this.flushed = [];
    const offsets = queues.map(() => 0);
    for (;;) {
      // The next batch: up to maxBatch calls, taken lane by lane.
      let room = this.maxBatch;
      const batch = queues.map((q, lane) => {
        const part = q.slice(offsets[lane], offsets[lane] + room);
        offsets[lane] += part.length;
        room -= part.length;
        return part;
      });
      if (room === this.maxBatch) break;
      this.dispatch(batch);
    }
    void this.written().then(
      (left) => flushed.forEach((done) => done(left)),
      () => flushed.forEach((done) => done(false)),
    );
  };

  private dispatch(batch: Waiting[][]): void {
    const batchId = `${this.idPrefix}${(++this.batches).toString(36)}`;
    for (const part of batch) for (const w of part) w.call.batchId = batchId;
    const merged = batch.map((part, lane) => part.length > 1 && this.mergers[lane] !== undefined);
    let pending: Promise<unknown[][]>;
    try {
      pending = this.send(
        batch.map((part, lane) => {
          const args = part.map((w) => w.args);
          return merged[lane] ? [this.mergers[lane]!(args)] : args;
        }),
        batchId,
      );
    } catch (err) {
      pending = Promise.reject(err);
    }
    pending.then(
      (replies) =>
        batch.forEach((part, lane) =>
          part.forEach((w, j) => w.resolve(replies[lane]?.[merged[lane] ? 0 : j])),
        ),
      (err: unknown) => batch.forEach((part) => part.forEach((w) => w.reject(err))),
    );
  }
}
