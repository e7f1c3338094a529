/* eslint-disable @typescript-eslint/no-explicit-any -- test helper: admin JSON bodies are read loosely */
/** A tiny client for the admin API, for tests that need teams and keys. */
export interface AdminResponse<T = any> {
  status: number;
  body: T;
}

export class AdminClient {
  constructor(
    readonly baseUrl: string,
    readonly key: string,
  ) {}

  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    key = this.key,
  ): Promise<AdminResponse<T>> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  /** Creates a team; throws unless 201. */
  async createTeam(body: Record<string, unknown> = {}): Promise<any> {
    return this.ok(
      await this.request('POST', '/admin/teams', {
        name: `team-${Math.random().toString(36).slice(2, 8)}`,
        ...body,
      }),
      201,
    );
  }

  /** Creates a key; the result carries the plaintext `key` and `webhook_secret`. Throws unless 201. */
  async createKey(body: Record<string, unknown> = {}): Promise<any> {
    return this.ok(await this.request('POST', '/admin/keys', body), 201);
  }

  async revokeKey(id: string): Promise<any> {
    return this.ok(await this.request('POST', `/admin/keys/${id}/revoke`), 200);
  }

  async rotateKey(id: string, gracePeriodSeconds?: number): Promise<any> {
    return this.ok(
      await this.request(
        'POST',
        `/admin/keys/${id}/rotate`,
        gracePeriodSeconds === undefined ? {} : { grace_period_seconds: gracePeriodSeconds },
      ),
      200,
    );
  }

  private ok<T>(res: AdminResponse<T>, status: number): T {
    if (res.status !== status)
      throw new Error(`admin API answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  }
}
