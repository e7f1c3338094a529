import { Injectable } from '@nestjs/common';
import { GatewayError } from '../../common/errors/gateway-error';
import type { InferenceRequest, InferenceResponse } from '../../common/http/inference-request';
import { requestIdOf } from '../../common/http/request-context';
import { toGatewayError } from '../inference/pipeline/provider-error.mapping';
import type { VideoTaskRow } from './video-task.store';
import { VideoUpstream } from './video-upstream';

/** Answer headers passed on from the provider's download (ranges, length, type, caching validators). */
const PASSED_HEADERS = [
  'content-type',
  'content-length',
  'content-range',
  'accept-ranges',
  'etag',
  'last-modified',
];
const VARIANTS = new Set(['video', 'thumbnail', 'spritesheet']);

/**
 * `GET …/content` and Veo's `files/{id}:download`: the output's bytes streamed through the gateway
 * (provider credentials never leave it), with the client's `Range` passed on, so a video player can
 * seek (206 / 416 as the provider answers). Downloads use the deployment that made the task.
 */
@Injectable()
export class VideoContentService {
  constructor(private readonly upstream: VideoUpstream) {}

  async stream(
    row: VideoTaskRow,
    req: InferenceRequest,
    res: InferenceResponse,
    opts: { index?: number; variant?: string } = {},
  ): Promise<void> {
    if (row.status !== 'completed')
      throw new GatewayError('not_found', `video '${row.id}' has no content: it is ${row.status}`, {
        param: 'video_id',
      });
    const variant = opts.variant ?? 'video';
    if (!VARIANTS.has(variant))
      throw new GatewayError('invalid_request', `variant must be one of video, thumbnail, spritesheet`, {
        param: 'variant',
      });
    const outputs = ((row.result ?? {}) as { outputs?: Array<{ url: string }> }).outputs ?? [];
    const output = outputs[opts.index ?? 0];
    if (!output)
      throw new GatewayError('not_found', `video '${row.id}' has no such output`, { param: 'video_id' });
    const ep = this.upstream.endpointOf(row, requestIdOf(req));
    if (!ep)
      throw new GatewayError(
        'upstream_error',
        `the deployment that made video '${row.id}' is gone from the catalog`,
      );
    const range = typeof req.headers.range === 'string' ? { range: req.headers.range } : undefined;
    let upstream;
    try {
      if (ep.codec.buildDownload) {
        const spec = ep.codec.buildDownload(output.url, ep.ctx, variant === 'video' ? undefined : variant);
        upstream = await this.upstream.open(ep, { ...spec, headers: { ...spec.headers, ...range } });
      } else {
        if (variant !== 'video')
          throw new GatewayError('invalid_request', `the provider of video '${row.id}' has no ${variant}`, {
            param: 'variant',
          });
        upstream = await this.upstream.openPublic(output.url, ep, { ...range });
      }
    } catch (err) {
      throw toGatewayError(err);
    }
    res.statusCode = upstream.status;
    for (const name of PASSED_HEADERS) {
      const v = upstream.headers[name];
      if (v !== undefined) res.setHeader(name, v);
    }
    if (!res.hasHeader('content-type')) res.setHeader('content-type', 'video/mp4');
    res.setHeader('cache-control', 'private, max-age=3600');
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    let aborted = false;
    res.on('close', () => (aborted = !res.writableFinished));
    for await (const chunk of upstream.body) {
      if (aborted) break;
      if (!res.write(chunk)) await drainedOrClosed(res);
    }
    res.end();
  }
}

/** Resolves when the answer can take more bytes, or when the client went away. */
function drainedOrClosed(res: InferenceResponse): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
