/** The values of one request in a batched script call (flattened into ARGV after the batch header). */
export type ScriptArgs = Array<string | number>;

/** Sends one batch as one command; resolves with one reply per request, in order. */
export type BatchSender<R> = (requests: ScriptArgs[]) => Promise<R[]>;

interface Waiting<R> {
  args: ScriptArgs;
  resolve: (reply: R) => void;
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
}

/**
 * Coalesces the script calls made during one event-loop turn into one command (one EVALSHA, one Lua
 * run, one reply): under load, the per-command cost of the client and of Redis is paid per batch
 * instead of per request. A lone call waits only for the end of the current turn (setImmediate).
 * Batches are capped so that one Lua run stays short (Redis is single-threaded).
 */
export class ScriptBatcher<R> {
  private queue: Array<Waiting<R>> = [];
  private readonly flushed: Array<(left: boolean) => void> = [];
  private scheduled = false;

  constructor(
    private readonly send: BatchSender<R>,
    /** After `send`: resolves true once the written bytes have left the process, false if unknown. */
    private readonly written: () => Promise<boolean>,
    private readonly maxBatch = 128,
  ) {}

  call(args: ScriptArgs): BatchedCall<R> {
    const reply = new Promise<R>((resolve, reject) => this.queue.push({ args, resolve, reject }));
    const sent = new Promise<boolean>((resolve) => this.flushed.push(resolve));
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
    return { sent, reply };
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    const all = this.queue;
    const flushed = this.flushed.splice(0);
    this.queue = [];
    for (let i = 0; i < all.length; i += this.maxBatch) {
      const batch = all.slice(i, i + this.maxBatch);
      let pending: Promise<R[]>;
      try {
        pending = this.send(batch.map((w) => w.args));
      } catch (err) {
        pending = Promise.reject(err);
      }
      pending.then(
        (replies) => batch.forEach((w, j) => w.resolve(replies[j])),
        (err: unknown) => batch.forEach((w) => w.reject(err)),
      );
    }
    void this.written().then(
      (left) => flushed.forEach((done) => done(left)),
      () => flushed.forEach((done) => done(false)),
    );
  };
}
