import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { SafeFetchError, SafeHttpClient, type SafeStreamResult } from '../../common/http/safe-fetch';
import { APP_CONFIG } from '../../config/app-config';
import type { AppConfig } from '../../config/config.types';
import type { DeploymentTarget, HttpRequestSpec, ProviderContext } from '../../providers/core/adapter';
import type { CancelSignal } from '../../providers/core/cancel';
import type { UpstreamResponse } from '../../providers/core/http-executor';
import { ProviderClient } from '../../providers/core/provider-client';
import { ProviderError } from '../../providers/core/provider-error';
import { withoutCredential } from '../../providers/core/redact-secrets';
import type { VideoCodec } from '../../providers/core/video';
import { ProviderRegistry } from '../providers/provider-registry.service';
import { CatalogService } from '../routing/catalog.service';

/** What a video call needs: the provider's codec and the deployment it talks to. */
export interface VideoEndpoint {
  codec: VideoCodec;
  ctx: ProviderContext;
}

/**
 * Video I/O with the provider: a task's deployment found again by its id (its credential as stored now,
 * so a rotated provider key keeps working), requests sent through the one ProviderClient, refusals
 * parsed by the provider's codec.
 */
@Injectable()
export class VideoUpstream implements OnModuleDestroy {
  /** Downloads of URLs a provider handed out go through the SSRF guard, like media and callbacks. */
  private readonly publicHttp: SafeHttpClient;

  constructor(
    private readonly client: ProviderClient,
    private readonly providers: ProviderRegistry,
    private readonly catalog: CatalogService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.publicHttp = new SafeHttpClient({ allowPrivate: config.allowPrivateUrls });
  }

  onModuleDestroy(): Promise<void> {
    return this.publicHttp.close();
  }

  /** The video codec of a provider, if it makes videos. */
  codecOf(provider: string): VideoCodec | undefined {
    return this.providers.get(provider as DeploymentTarget['provider'])?.video;
  }

  /**
   * The endpoint of a stored task: its own deployment (enabled or not) and upstream model. Undefined
   * when the deployment is gone from the catalog.
   */
  endpointOf(task: { deploymentId: string; provider: string; upstreamModel: string }, requestId: string) {
    const deployment = this.catalog.deployment(task.deploymentId);
    const codec = this.codecOf(task.provider);
    if (!deployment || !codec) return undefined;
    const target: DeploymentTarget = { ...deployment, upstreamModel: task.upstreamModel };
    return { codec, ctx: { deployment: target, requestId } } satisfies VideoEndpoint;
  }

  /** The catalog entry of a deployment (its rpm limit), if it is still there. */
  deploymentLimits(id: string): { rpmLimit?: number } | undefined {
    return this.catalog.deployment(id);
  }

  /** Sends a request and answers its parsed body; an HTTP error is the codec's ProviderError. */
  async call(ep: VideoEndpoint, spec: HttpRequestSpec, signal?: CancelSignal): Promise<unknown> {
    const res = await this.client.sendRaw(spec, ep.ctx, signal);
    if (res.status >= 400)
      throw withoutCredential(ep.codec.parseError(res.status, res.body, res.headers), ep.ctx);
    return res.body;
  }

  /** Opens a download (the body is the caller's to read); an HTTP error other than 416 is thrown. */
  async open(ep: VideoEndpoint, spec: HttpRequestSpec, signal?: CancelSignal): Promise<UpstreamResponse> {
    const res = await this.client.open(spec, ep.ctx, signal);
    if (res.status >= 400 && res.status !== 416)
      throw withoutCredential(ep.codec.parseError(res.status, await bodyOf(res), res.headers), ep.ctx);
    return res;
  }

  /**
   * A download of a public URL the provider handed out (Kling, Seedance), without credentials and
   * through the SSRF guard: a URL on a loopback, private or link-local address (also by DNS, checked
   * again at connect time) is refused as an upstream error, never fetched.
   */
  async openPublic(
    url: string,
    ep: VideoEndpoint,
    headers: Record<string, string>,
  ): Promise<SafeStreamResult> {
    if (!/^https?:\/\//.test(url))
      throw new ProviderError({ kind: 'upstream', message: 'the provider gave no downloadable video URL' });
    let res: SafeStreamResult;
    try {
      res = await this.publicHttp.open(url, { headers, timeoutMs: DOWNLOAD_IDLE_TIMEOUT_MS });
    } catch (err) {
      if (!(err instanceof SafeFetchError)) throw err;
      const kind = err.kind === 'timeout' ? 'timeout' : 'upstream';
      throw new ProviderError({ kind, message: `the provider's video URL was not fetched: ${err.message}` });
    }
    if (res.status < 400 || res.status === 416) return res;
    throw withoutCredential(ep.codec.parseError(res.status, await bodyOf(res), res.headers), ep.ctx);
  }
}

/** An error answer's body (its first 64 KiB): parsed JSON, else its text (empty when unreadable). */
async function bodyOf(res: { body: AsyncIterable<Buffer> }): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body) {
      chunks.push(chunk);
      if ((size += chunk.length) >= ERROR_BODY_BYTES) break;
    }
  } catch {
    /* what was read so far */
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const ERROR_BODY_BYTES = 64 * 1024;
/** Wait for the download's headers, and between its chunks. */
const DOWNLOAD_IDLE_TIMEOUT_MS = 60_000;
