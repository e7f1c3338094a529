import { Client } from 'pg';
import { TEST_MASTER_KEY } from './support/gateway';
import { connects } from './support/gateway-process';
import { startProcessRig, type ProcessRig } from './support/process-rig';

/**
 * Graceful shutdown of a real gateway process (role `all`): SIGTERM closes the listener at once,
 * lets the requests in flight finish within SWITCHBOARD_SHUTDOWN_GRACE_MS (less a reserve for the
 * flush), cuts what is left, writes their usage to Postgres and exits 0.
 */
describe('faults: graceful shutdown on SIGTERM', () => {
  let rig: ProcessRig;

  beforeAll(async () => {
    rig = await startProcessRig();
  }, 180_000);

  afterAll(() => rig?.close());

  /** A ready gateway process with the given grace, on its own database and Redis prefix. */
  async function start(graceMs: number) {
    // a loaded CI machine boots slowly
    const gw = await rig.startAllRole('shutdown', { SWITCHBOARD_SHUTDOWN_GRACE_MS: String(graceMs) }, 90_000);
    const exited = new Promise<number | null>((resolve) =>
      gw.proc.child.once('exit', (code) => resolve(code)),
    );
    return { ...gw, exited };
  }

  /** A streamed chat call, read to its first bytes; `rest()` reads on to the end (or the cut). */
  async function openStream(base: string, requestId: string) {
    const res = await fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TEST_MASTER_KEY}`,
        'content-type': 'application/json',
        'x-request-id': requestId,
      },
      body: JSON.stringify({
        model: 'gpt-fake',
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: 'user', content: 'a slow answer' }],
      }),
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = decoder.decode((await reader.read()).value, { stream: true });
    const rest = async (): Promise<{ text: string; cut: boolean }> => {
      try {
        for (let r = await reader.read(); !r.done; r = await reader.read())
          text += decoder.decode(r.value, { stream: true });
        return { text, cut: false };
      } catch {
        return { text, cut: true };
      }
    };
    return rest;
  }

  async function records(databaseUrl: string, requestId: string) {
    const c = new Client({ connectionString: databaseUrl });
    await c.connect();
    try {
      const r = await c.query<{ status_code: number; stream: boolean }>(
        'SELECT status_code, stream FROM usage_records WHERE request_id = $1',
        [requestId],
      );
      return r.rows;
    } finally {
      await c.end();
    }
  }

  /** Text deltas of an OpenAI SSE body, joined. */
  const contentOf = (sse: string) =>
    sse
      .split('\n')
      .filter((l) => l.startsWith('data: {'))
      .map((l) => (JSON.parse(l.slice(6)) as { choices: Array<{ delta?: { content?: string } }> }).choices)
      .map((choices) => choices[0]?.delta?.content ?? '')
      .join('');

  it('refuses new connections at once, lets the stream in flight finish intact, meters it once in Postgres and exits 0 within the grace', async () => {
    const graceMs = 6_000;
    const gw = await start(graceMs);
    const answer = 'The stream in flight finishes intact after SIGTERM.';
    rig.fake.script({ kind: 'stream_chunk_delay', delayMs: 150, text: answer }); // 9 pieces: ~1.4 s
    const rest = await openStream(gw.base, 'drain-intact');

    const sigterm = Date.now();
    gw.proc.child.kill('SIGTERM');
    await expectRefused(gw.port, 1_000);
    await expect(fetch(`${gw.base}/health/live`)).rejects.toThrow();

    const { text, cut } = await rest();
    expect(cut).toBe(false);
    expect(contentOf(text)).toBe(answer);
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(await gw.exited).toBe(0);
    expect(Date.now() - sigterm).toBeLessThan(graceMs);
    // Written before the exit: no writer is left to do it afterwards.
    expect(await records(gw.databaseUrl, 'drain-intact')).toEqual([{ status_code: 200, stream: true }]);
  }, 150_000);

  it('cuts a stream longer than the grace at the deadline, meters it once as aborted, and still exits 0', async () => {
    const graceMs = 2_500;
    const gw = await start(graceMs);
    rig.fake.script({ kind: 'stream_chunk_delay', delayMs: 200, text: 'x'.repeat(6 * 50) }); // ~10 s
    const rest = await openStream(gw.base, 'drain-cut');

    const sigterm = Date.now();
    gw.proc.child.kill('SIGTERM');
    const { text, cut } = await rest();
    const cutAfter = Date.now() - sigterm;
    expect(cut).toBe(true);
    expect(text).not.toContain('[DONE]');
    // The deadline is the grace less a fifth of it (the reserve for the flush): 2 s here.
    expect(cutAfter).toBeGreaterThanOrEqual(1_900);
    expect(cutAfter).toBeLessThan(graceMs);
    expect(await gw.exited).toBe(0);
    expect(Date.now() - sigterm).toBeLessThan(graceMs + 1_000);
    expect(await records(gw.databaseUrl, 'drain-cut')).toEqual([{ status_code: 499, stream: true }]);
  }, 150_000);
});

/** Connecting to `port` fails (ECONNREFUSED) within `ms`. */
async function expectRefused(port: number, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (await connects(port)) {
    if (Date.now() > end) throw new Error(`port ${port} still accepts connections ${ms} ms after SIGTERM`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
