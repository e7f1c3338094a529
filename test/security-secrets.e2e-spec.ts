import { startFakeOpenAi, type FakeOpenAi } from './fakes/fake-openai';
import { AdminClient, type DeploymentResponse, type KeyWithSecretsResponse } from './support/admin-client';
import { startGateway, type TestGateway } from './support/gateway';
import { sql } from './support/security';

/**
 * Issue 18, items 3 and 5: secrets never leave the gateway. A representative flow (a deployment with
 * a provider credential, a virtual key, calls in three dialects, a provider that echoes the
 * credential back in its errors, every admin read, /metrics) is recorded whole — every answer body
 * and header and every log line — and scanned for the virtual key, the provider key, the master
 * key and any `Bearer <value>`. The provider credential is ciphertext in the database.
 */

const PROVIDER_KEY = 'sk-provider-SECRET-0123456789abcdefghijklmnop';

describe('security: secrets stay out of logs, answers and metrics', () => {
  let fake: FakeOpenAi;
  let gw: TestGateway;
  let admin: AdminClient;
  let key: KeyWithSecretsResponse;
  let deployment: DeploymentResponse;
  /** Everything the gateway said to a client, except the one answer that hands out a key. */
  const seen: string[] = [];

  beforeAll(async () => {
    fake = await startFakeOpenAi({ apiKey: PROVIDER_KEY });
    gw = await startGateway();
    admin = new AdminClient(gw.url, gw.masterKey);
    const created = await admin.request<DeploymentResponse>('POST', '/admin/deployments', {
      model_name: 'sec-gpt',
      provider: 'openai',
      upstream_model: 'gpt-4o-mini',
      base_url: `${fake.baseUrl}/v1`,
      api_key: PROVIDER_KEY,
    });
    expect(created.status).toBe(201);
    deployment = created.body;
    seen.push(JSON.stringify(created.body));
    key = await admin.createKey({ name: 'scanned' });
  });

  afterAll(async () => {
    await gw?.close();
    await fake?.close();
  });

  /** A request whose whole answer (status line aside) goes into `seen`. */
  async function record(path: string, init: RequestInit = {}): Promise<{ status: number; text: string }> {
    const res = await fetch(`${gw.url}${path}`, init);
    const text = await res.text();
    seen.push(text, JSON.stringify([...res.headers.entries()]));
    return { status: res.status, text };
  }

  const chat = (headers: Record<string, string>, path = '/v1/chat/completions', body?: unknown) =>
    record(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body ?? { model: 'sec-gpt', messages: [{ role: 'user', content: 'hi' }] }),
    });

  /** What the real OpenAI does on a bad key, here worse: the whole credential echoed back. */
  const echo = (status: number) => ({
    kind: 'error' as const,
    status,
    body: {
      error: {
        message: `Incorrect API key provided: Bearer ${PROVIDER_KEY}. Header was "Authorization: Bearer ${PROVIDER_KEY}"`,
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_api_key',
      },
    },
    headers: { 'x-echo-authorization': `Bearer ${PROVIDER_KEY}` },
  });

  it('a flow through every kind of answer leaks none of the secrets', async () => {
    const bearer = { authorization: `Bearer ${key.key}` };
    expect((await chat(bearer)).status).toBe(200);
    // The provider echoes its credential in 401, 400 and 500 errors; the gateway passes the errors on.
    for (const status of [401, 400, 500]) {
      fake.script(echo(status), echo(status), echo(status));
      const r = await chat(bearer);
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.text).toContain('upstream');
    }
    fake.script(echo(400));
    await chat({ 'x-api-key': key.key }, '/v1/messages', {
      model: 'sec-gpt',
      max_tokens: 8,
      messages: [{ role: 'user', content: 'hi' }],
    });
    fake.script(echo(400));
    await chat({}, `/v1beta/models/sec-gpt:generateContent?key=${key.key}`, {
      contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
    });
    // Refused calls: a wrong key, the master key where a virtual key is expected.
    await chat({ authorization: `Bearer ${key.key}x` });
    await record(`/v1/models?key=${key.key}`);
    const master = { authorization: `Bearer ${gw.masterKey}` };
    for (const path of [
      '/admin/keys',
      `/admin/keys/${key.id}`,
      '/admin/deployments',
      `/admin/deployments/${deployment.id}`,
      '/admin/models',
      '/admin/models/sec-gpt',
      '/admin/audit-logs',
      '/admin/usage/logs',
      '/admin/usage/logs?format=csv',
      '/admin/usage/summary?group_by=key,model',
    ])
      expect({ path, status: (await record(path, { headers: master })).status }).toEqual({
        path,
        status: 200,
      });
    await record('/v1/key', { headers: bearer });
    await record('/v1/usage', { headers: bearer });
    expect((await record('/metrics')).status).toBe(200);
    // A patch that rotates the provider credential answers without it too.
    await record(`/admin/deployments/${deployment.id}`, {
      method: 'PATCH',
      headers: { ...master, 'content-type': 'application/json' },
      body: JSON.stringify({ api_key: PROVIDER_KEY }),
    });
    // Give the usage writer and the access log a moment to have written.
    await new Promise((r) => setTimeout(r, 300));

    const places = { answers: seen.join('\n'), logs: gw.logs.join('\n') };
    expect(gw.logs.length).toBeGreaterThan(0);
    for (const [where, text] of Object.entries(places))
      expect({ where, leaks: leaksIn(text, [key.key, PROVIDER_KEY, gw.masterKey]) }).toEqual({
        where,
        leaks: [],
      });
  });

  it('the provider credential is ciphertext at rest, and no table holds a plaintext secret', async () => {
    const [row] = await sql<{ api_key_enc: string | null }>(
      gw.config.databaseUrl,
      'SELECT api_key_enc FROM deployments WHERE id = $1',
      [deployment.id],
    );
    expect(row.api_key_enc).toEqual(expect.any(String));
    expect(row.api_key_enc!.length).toBeGreaterThan(PROVIDER_KEY.length);
    for (const form of encodings(PROVIDER_KEY)) expect(row.api_key_enc).not.toContain(form);
    // No row of any table holds a plaintext key (keys are stored as SHA-256, secrets encrypted).
    for (const table of ['api_keys', 'deployments', 'audit_logs', 'usage_records', 'teams', 'models']) {
      const rows = await sql(gw.config.databaseUrl, `SELECT * FROM ${table}`);
      const text = JSON.stringify(rows);
      for (const secret of [key.key, PROVIDER_KEY, gw.masterKey])
        for (const form of encodings(secret))
          expect({ table, found: text.includes(form) }).toEqual({ table, found: false });
    }
  });
});

/** The plaintext, base64 and hex forms of a secret (a leak may be encoded). */
function encodings(secret: string): string[] {
  return [secret, Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('hex')];
}

/** Which secrets (by position) or `Bearer <value>` occurrences appear in `text`. */
function leaksIn(text: string, secrets: string[]): string[] {
  const found = secrets.flatMap((s, i) =>
    encodings(s).some((form) => text.includes(form)) ? [`secret #${i} (${s.slice(0, 8)}…)`] : [],
  );
  const bearer = /Bearer\s+[A-Za-z0-9_\-.~+/]{8,}/g.exec(text);
  if (bearer) found.push(`a Bearer value: ${bearer[0].slice(0, 14)}…`);
  return found;
}
