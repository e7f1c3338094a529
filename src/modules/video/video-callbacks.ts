import { createHmac } from 'node:crypto';
import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { SecretBox } from '../../common/crypto/secret-box';
import { GatewayError } from '../../common/errors/gateway-error';
import { SafeFetchError, SafeHttpClient } from '../../common/http/safe-fetch';
import type { Logger } from '../../common/logging/logger';
import { LOGGER } from '../../common/logging/logger.module';
import { APP_CONFIG } from '../../config/app-config';
import type { AppConfig } from '../../config/config.types';
import { PrismaService } from '../../database/prisma.service';
import { VideoQueue } from './video-queue';
import { renderVideoTask } from './video-render';
import { VideoTaskStore, videoTaskView } from './video-task.store';
import type { VideoDialect } from './video-task.view';

const CALLBACK_TIMEOUT_MS = 10_000;
const MAX_ANSWER_BYTES = 64 * 1024;

/** `sha256=<hex HMAC-SHA256 of the raw body>` with the key's webhook secret (contract §5). */
export function callbackSignature(secret: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

/**
 * Signed callbacks: when a task with a `callback_url` ends, its final object (in the dialect it was
 * created in) is POSTed there, signed with the creating key's `webhook_secret`, through the same SSRF
 * guard as media URLs; a refusal or a non-2xx answer is retried by the queue (5 retries, backoff from
 * 1 s doubling).
 */
@Injectable()
export class VideoCallbacks implements OnModuleDestroy {
  private readonly http: SafeHttpClient;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly store: VideoTaskStore,
    private readonly db: PrismaService,
    private readonly box: SecretBox,
    private readonly queue: VideoQueue,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.http = new SafeHttpClient({ allowPrivate: config.allowPrivateUrls });
  }

  /**
   * At submit: a callback URL whose host is, or resolves to, a loopback, private or link-local address
   * is a 400 naming `callback_url` (it would never be delivered). A name that does not resolve now is
   * left to delivery, which checks again at connect time.
   */
  async assertDeliverable(url: string): Promise<void> {
    try {
      await this.http.assertDestination(new URL(url));
    } catch (err) {
      if (err instanceof SafeFetchError && err.kind === 'refused')
        throw new GatewayError('invalid_request', `'callback_url' must be a public URL: ${err.message}`, {
          param: 'callback_url',
        });
    }
  }

  schedule(taskId: string): Promise<void> {
    return this.queue.scheduleCallback(taskId);
  }

  /** One delivery attempt (`attempt` from 1); throws to have the queue retry it. */
  async deliver(taskId: string, attempt: number): Promise<void> {
    const row = await this.store.get(taskId);
    if (!row?.callbackUrl || row.callbackDeliveredAt) return;
    const body = JSON.stringify(
      renderVideoTask(videoTaskView(row), row.dialect as VideoDialect, {
        publicBaseUrl: this.config.publicUrl ?? `http://localhost:${this.config.port}`,
        requestId: row.requestId ?? row.id,
      }),
    );
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'switchboard',
    };
    const secret = await this.secretOf(row.keyId);
    if (secret) headers['x-switchboard-signature'] = callbackSignature(secret, body);
    let status = 0;
    try {
      const res = await this.http.fetch(row.callbackUrl, {
        method: 'POST',
        headers,
        body,
        maxBytes: MAX_ANSWER_BYTES,
        timeoutMs: CALLBACK_TIMEOUT_MS,
        maxRedirects: 0,
      });
      status = res.status;
    } catch (err) {
      await this.store.callbackDone(taskId, attempt, false);
      throw err;
    }
    const delivered = status >= 200 && status < 300;
    await this.store.callbackDone(taskId, attempt, delivered);
    if (!delivered) throw new Error(`callback answered HTTP ${status}`);
    this.logger.info({ task_id: taskId, attempt }, 'video: callback delivered');
  }

  private async secretOf(keyId: string | null): Promise<string | undefined> {
    if (!keyId) return undefined;
    const key = await this.db.apiKey.findUnique({ where: { id: keyId }, select: { webhookSecretEnc: true } });
    return key?.webhookSecretEnc ? this.box.open(key.webhookSecretEnc).plaintext : undefined;
  }

  async onModuleDestroy(): Promise<void> {
    await this.http.close();
  }
}
