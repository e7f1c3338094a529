import { Injectable } from '@nestjs/common';
import type { DeploymentTarget, HttpRequestSpec, ProviderContext } from '../../providers/core/adapter';
import type { CancelSignal } from '../../providers/core/cancel';
import type { UpstreamResponse } from '../../providers/core/http-executor';
import { ProviderClient } from '../../providers/core/provider-client';
import { ProviderError } from '../../providers/core/provider-error';
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
export class VideoUpstream {
  constructor(
    private readonly client: ProviderClient,
    private readonly providers: ProviderRegistry,
    private readonly catalog: CatalogService,
  ) {}

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
    if (res.status >= 400) throw ep.codec.parseError(res.status, res.body, res.headers);
    return res.body;
  }

  /** Opens a download (the body is the caller's to read); an HTTP error other than 416 is thrown. */
  async open(ep: VideoEndpoint, spec: HttpRequestSpec, signal?: CancelSignal): Promise<UpstreamResponse> {
    const res = await this.client.open(spec, ep.ctx, signal);
    if (res.status >= 400 && res.status !== 416) {
      const text = await res.body.text().catch(() => '');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      throw ep.codec.parseError(res.status, body, res.headers);
    }
    return res;
  }

  /** A download of a public URL the provider handed out (Kling, Seedance), without credentials. */
  openPublic(url: string, ep: VideoEndpoint, headers: Record<string, string>): Promise<UpstreamResponse> {
    if (!/^https?:\/\//.test(url))
      throw new ProviderError({ kind: 'upstream', message: 'the provider gave no downloadable video URL' });
    return this.open(ep, { method: 'GET', url, headers });
  }
}
