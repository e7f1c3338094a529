import type { AuditLogPage, AuditLogResponse } from '../../src/modules/audit/dto/audit-log.response';
import type { KeyPage, KeyResponse, KeyWithSecretsResponse } from '../../src/modules/keys/dto/key.response';
import type {
  DeploymentPage,
  DeploymentResponse,
  ModelPage,
  ModelResponse,
  RouterSettingsResponse,
} from '../../src/modules/routing/admin/catalog-admin.response';
import type { TeamPage, TeamResponse } from '../../src/modules/teams/dto/team.response';
import type {
  UsageLogPage,
  UsageLogResponse,
  UsageSummaryResponse,
} from '../../src/modules/usage/dto/usage.response';
import { registerSecret } from './run-secrets';

/** The admin API's answers, as /docs-json describes them (the response DTOs of src/modules). */
export type {
  AuditLogPage,
  AuditLogResponse,
  DeploymentPage,
  DeploymentResponse,
  KeyPage,
  KeyResponse,
  KeyWithSecretsResponse,
  ModelPage,
  ModelResponse,
  RouterSettingsResponse,
  TeamPage,
  TeamResponse,
  UsageLogPage,
  UsageLogResponse,
  UsageSummaryResponse,
};

/** An error answer of the admin API (the OpenAI error shape, contract §3). */
export interface AdminErrorBody {
  error: { message: string; type: string; code: string | null; param: string | null };
}

export interface AdminResponse<T> {
  status: number;
  /** The parsed JSON body, as the caller declares it (`request<KeyResponse>(…)`); undefined when empty. */
  body: T;
}

/** A tiny client for the admin API, for tests that need teams and keys. */
export class AdminClient {
  constructor(
    readonly baseUrl: string,
    readonly key: string,
  ) {}

  async request<T = unknown>(
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
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  /** Creates a team; throws unless 201. */
  async createTeam(body: Record<string, unknown> = {}): Promise<TeamResponse> {
    return this.ok(
      await this.request<TeamResponse>('POST', '/admin/teams', {
        name: `team-${Math.random().toString(36).slice(2, 8)}`,
        ...body,
      }),
      201,
    );
  }

  /** Creates a key; the result carries the plaintext `key` and `webhook_secret`. Throws unless 201. */
  async createKey(body: Record<string, unknown> = {}): Promise<KeyWithSecretsResponse> {
    return registered(this.ok(await this.request<KeyWithSecretsResponse>('POST', '/admin/keys', body), 201));
  }

  async revokeKey(id: string): Promise<KeyResponse> {
    return this.ok(await this.request<KeyResponse>('POST', `/admin/keys/${id}/revoke`), 200);
  }

  async rotateKey(id: string, gracePeriodSeconds?: number): Promise<KeyWithSecretsResponse> {
    return registered(
      this.ok(
        await this.request<KeyWithSecretsResponse>(
          'POST',
          `/admin/keys/${id}/rotate`,
          gracePeriodSeconds === undefined ? {} : { grace_period_seconds: gracePeriodSeconds },
        ),
        200,
      ),
    );
  }

  private ok<T>(res: AdminResponse<T>, status: number): T {
    if (res.status !== status)
      throw new Error(`admin API answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  }
}

/** A key handed out in the run: its secrets are looked for in every log at the end (run-secrets.ts). */
function registered(k: KeyWithSecretsResponse): KeyWithSecretsResponse {
  registerSecret(k.key);
  registerSecret(k.webhook_secret);
  return k;
}
