import { ScriptBatcher, type ScriptArgs } from './script-batcher';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('ScriptBatcher', () => {
  it('sends the calls of one event-loop turn, from every lane, as one batch; each caller gets its reply', async () => {
    const sent: ScriptArgs[][][] = [];
    const batcher = new ScriptBatcher(
      2,
      async (lanes) => {
        sent.push(lanes);
        return lanes.map((calls, lane) => calls.map((args) => `${lane}:${String(args[0])}`));
      },
      async () => true,
    );
    const admits = ['a', 'b'].map((id) => batcher.call<string>(1, [id, 1]));
    const settle = batcher.call<string>(0, ['s']);
    expect(sent).toHaveLength(0);
    await expect(Promise.all(admits.map((c) => c.reply))).resolves.toEqual(['1:a', '1:b']);
    await expect(settle.reply).resolves.toBe('0:s');
    await expect(Promise.all([...admits, settle].map((c) => c.sent))).resolves.toEqual([true, true, true]);
    expect(sent).toEqual([
      [
        [['s']],
        [
          ['a', 1],
          ['b', 1],
        ],
      ],
    ]);

    await batcher.call(1, ['d']).reply;
    expect(sent).toHaveLength(2);
    expect(sent[1]).toEqual([[], [['d']]]);
  });

  it("sends a merging lane's calls of a batch as one, and gives each of them that one's reply", async () => {
    const sent: ScriptArgs[][][] = [];
    const batcher = new ScriptBatcher(
      2,
      async (lanes) => {
        sent.push(lanes);
        return lanes.map((calls) => calls.map((args) => `reply:${args.join('+')}`));
      },
      async () => true,
      'p.',
      128,
      [undefined, (calls) => [calls.map((c) => c[0]).join('|')]],
    );
    const merged = ['a', 'b', 'c'].map((id) => batcher.call<string>(1, [id]));
    const plain = ['x', 'y'].map((id) => batcher.call<string>(0, [id]));
    await expect(Promise.all(merged.map((c) => c.reply))).resolves.toEqual([
      'reply:a|b|c',
      'reply:a|b|c',
      'reply:a|b|c',
    ]);
    await expect(Promise.all(plain.map((c) => c.reply))).resolves.toEqual(['reply:x', 'reply:y']);
    expect(sent).toEqual([[[['x'], ['y']], [['a|b|c']]]]);
    // A lone call is sent as it is.
    await expect(batcher.call(1, ['d']).reply).resolves.toBe('reply:d');
    expect(sent[1]).toEqual([[], [['d']]]);
  });

  it('splits a large turn into batches of at most maxBatch calls, lane by lane', async () => {
    const sizes: number[][] = [];
    const ids: string[] = [];
    const batcher = new ScriptBatcher(
      2,
      async (lanes, batchId) => {
        sizes.push(lanes.map((l) => l.length));
        ids.push(batchId);
        return lanes.map((l) => l.map(() => 1));
      },
      async () => true,
      'p.',
      2,
    );
    const calls = [batcher.call(0, [1]), ...[2, 3, 4].map((i) => batcher.call(1, [i])), batcher.call(0, [5])];
    await Promise.all(calls.map((c) => c.reply));
    expect(sizes).toEqual([
      [2, 0],
      [0, 2],
      [0, 1],
    ]);
    // Each batch has its own id, and each call knows the one it went out in.
    expect(ids).toEqual(['p.1', 'p.2', 'p.3']);
    expect(calls.map((c) => c.batchId)).toEqual(['p.1', 'p.2', 'p.2', 'p.3', 'p.1']);
  });

  it('rejects every call of a failed batch (thrown or rejected) and still reports the send', async () => {
    let mode: 'throw' | 'reject' = 'throw';
    const batcher = new ScriptBatcher(
      2,
      (): Promise<unknown[][]> => {
        if (mode === 'throw') throw new Error('connection is closed');
        return Promise.reject(new Error('NOSCRIPT'));
      },
      async () => false,
    );
    const a = batcher.call(0, [1]);
    const b = batcher.call(1, [2]);
    await expect(a.reply).rejects.toThrow('connection is closed');
    await expect(b.reply).rejects.toThrow('connection is closed');
    await expect(a.sent).resolves.toBe(false);
    mode = 'reject';
    await turn();
    await expect(batcher.call(1, [3]).reply).rejects.toThrow('NOSCRIPT');
  });
});
