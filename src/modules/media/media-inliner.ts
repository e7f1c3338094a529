import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { GatewayError } from '../../common/errors/gateway-error';
import { SafeFetchError, SafeHttpClient } from '../../common/http/safe-fetch';
import { APP_CONFIG } from '../../config/app-config';
import type { AppConfig } from '../../config/config.types';
import type { ChatMessage, ChatRequest, ContentBlock } from '../../providers/core/canonical';
import { ProviderError } from '../../providers/core/provider-error';
import { guessMimeType, toDataUri } from '../../providers/gemini/gemini.media';
import { MAX_REMOTE_MEDIA_BYTES, mediaMimeType, needsFetching } from './remote-media';
import { toAbortSignal, type CancelSignal } from '../../providers/core/cancel';

const CONCURRENCY = 4;
const FETCH_TIMEOUT_MS = 30_000;

interface Job {
  message: number;
  part: number;
  url: string;
  param: string;
}

/**
 * Fetches the http(s) images and files of a chat request and turns them into data URIs, for
 * providers that only take inline bytes (Gemini reads neither arbitrary URLs nor signed links).
 * The fetch is SSRF-guarded (safe-fetch), capped at 20 MB per item, and a failure is a 400 naming
 * the field (`messages[0].content[1].image_url.url`). The result is remembered per request object,
 * so a retry on another deployment does not fetch again.
 */
@Injectable()
export class MediaInliner implements OnModuleDestroy {
  private readonly http: SafeHttpClient;
  private readonly done = new WeakMap<ChatRequest, Promise<ChatRequest>>();

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.http = new SafeHttpClient({ allowPrivate: config.allowPrivateUrls });
  }

  inline(req: ChatRequest, signal?: CancelSignal): Promise<ChatRequest> {
    let pending = this.done.get(req);
    if (!pending) {
      pending = this.run(req, signal);
      this.done.set(req, pending);
    }
    return pending;
  }

  onModuleDestroy(): Promise<void> {
    return this.http.close();
  }

  private async run(req: ChatRequest, signal?: CancelSignal): Promise<ChatRequest> {
    const jobs = collectJobs(req);
    if (jobs.length === 0) return req;
    const fetched = new Map<Job, { dataUri: string; mimeType: string }>();
    let next = 0;
    const worker = async () => {
      while (next < jobs.length) {
        const job = jobs[next++];
        fetched.set(job, await this.fetchOne(job, mimeDeclared(req, job), signal));
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, jobs.length) }, worker));

    // An image stays an image and a file a file, so each message keeps the blocks its role allows.
    const messages = req.messages.map((m) => ({ ...m, content: [...m.content] as ContentBlock[] }));
    for (const [job, media] of fetched) {
      const part = messages[job.message].content[job.part];
      messages[job.message].content[job.part] = inlined(part, media);
    }
    return { ...req, messages: messages as ChatMessage[] };
  }

  private async fetchOne(job: Job, declared: string | undefined, signal?: CancelSignal) {
    try {
      const res = await this.http.fetch(job.url, {
        maxBytes: MAX_REMOTE_MEDIA_BYTES,
        timeoutMs: FETCH_TIMEOUT_MS,
        headers: { accept: '*/*' },
        signal: toAbortSignal(signal),
      });
      if (res.status < 200 || res.status >= 300)
        throw new SafeFetchError('network', `the URL answered HTTP ${res.status}`);
      if (res.body.length === 0) throw new SafeFetchError('network', 'the URL answered with an empty body');
      const contentType = res.headers['content-type'];
      const mimeType = mediaMimeType({
        declared,
        contentType: Array.isArray(contentType) ? contentType[0] : contentType,
        bytes: res.body,
        guessFromUrl: guessMimeType(res.url) ?? guessMimeType(job.url),
      });
      return { dataUri: toDataUri(mimeType, res.body.toString('base64')), mimeType };
    } catch (err) {
      if (err instanceof SafeFetchError) {
        const why =
          err.kind === 'too_large'
            ? `the media is larger than ${MAX_REMOTE_MEDIA_BYTES / 1024 / 1024} MB`
            : err.message;
        throw new GatewayError(
          'invalid_request',
          `${job.param}: the gateway could not fetch this URL: ${why}`,
          { param: job.param },
        );
      }
      if (signal?.aborted)
        throw new ProviderError({
          kind: 'connection',
          upstreamCode: 'client_aborted',
          message: 'request aborted',
        });
      throw err;
    }
  }
}

function collectJobs(req: ChatRequest): Job[] {
  const jobs: Job[] = [];
  req.messages.forEach((m, i) =>
    m.content.forEach((p, j) => {
      const where = `messages[${i}].content[${j}]`;
      if (p.type === 'image' && needsFetching(p.url))
        jobs.push({ message: i, part: j, url: p.url, param: `${where}.image_url.url` });
      if (p.type === 'file' && p.data === undefined && p.uri !== undefined && needsFetching(p.uri)) {
        jobs.push({ message: i, part: j, url: p.uri, param: `${where}.file.file_id` });
      }
    }),
  );
  return jobs;
}

function mimeDeclared(req: ChatRequest, job: Job): string | undefined {
  const part = req.messages[job.message].content[job.part];
  return part.type === 'image' || part.type === 'file' ? part.mimeType : undefined;
}

function inlined(part: ContentBlock, media: { dataUri: string; mimeType: string }): ContentBlock {
  if (part.type === 'image') return { ...part, url: media.dataUri };
  if (part.type === 'file') {
    const { uri: _uri, ...rest } = part;
    return { ...rest, data: media.dataUri, mimeType: part.mimeType ?? media.mimeType };
  }
  return part;
}
