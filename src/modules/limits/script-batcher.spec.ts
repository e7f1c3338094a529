import { ScriptBatcher, type ScriptArgs } from './script-batcher';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('ScriptBatcher', () => {
  it('sends the calls of one event-loop turn as one batch and hands each caller its own reply', async () => {
    const sent: ScriptArgs[][] = [];
    const batcher = new ScriptBatcher<string>(
      async (batch) => {
        sent.push(batch);
        return batch.map((args) => `reply:${String(args[0])}`);
      },
      async () => true,
    );
    const calls = ['a', 'b', 'c'].map((id) => batcher.call([id, 1]));
    expect(sent).toHaveLength(0);
    await expect(Promise.all(calls.map((c) => c.reply))).resolves.toEqual(['reply:a', 'reply:b', 'reply:c']);
    await expect(Promise.all(calls.map((c) => c.sent))).resolves.toEqual([true, true, true]);
    expect(sent).toEqual([
      [
        ['a', 1],
        ['b', 1],
        ['c', 1],
      ],
    ]);

    await batcher.call(['d']).reply;
    expect(sent).toHaveLength(2);
  });

  it('splits a large turn into batches of at most maxBatch', async () => {
    const sizes: number[] = [];
    const batcher = new ScriptBatcher<number>(
      async (batch) => {
        sizes.push(batch.length);
        return batch.map(() => 1);
      },
      async () => true,
      2,
    );
    await Promise.all([1, 2, 3, 4, 5].map((i) => batcher.call([i]).reply));
    expect(sizes).toEqual([2, 2, 1]);
  });

  it('rejects every call of a failed batch (thrown or rejected) and still reports the send', async () => {
    let mode: 'throw' | 'reject' = 'throw';
    const batcher = new ScriptBatcher<number>(
      (): Promise<number[]> => {
        if (mode === 'throw') throw new Error('connection is closed');
        return Promise.reject(new Error('NOSCRIPT'));
      },
      async () => false,
    );
    const a = batcher.call([1]);
    const b = batcher.call([2]);
    await expect(a.reply).rejects.toThrow('connection is closed');
    await expect(b.reply).rejects.toThrow('connection is closed');
    await expect(a.sent).resolves.toBe(false);
    mode = 'reject';
    await turn();
    await expect(batcher.call([3]).reply).rejects.toThrow('NOSCRIPT');
  });
});
