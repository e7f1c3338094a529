import { join } from 'node:path';
import { fixtureCtx, fixtureDir } from '../core/__fixtures__/codec-fixtures';
import type { DeploymentTarget, HttpRequestSpec, ProviderContext } from '../core/adapter';
import { ProviderError } from '../core/provider-error';
import type { VideoRequest, VideoTaskRef } from '../core/video';
import { soraVideoCodec } from './sora.video';

/**
 * Golden fixtures in __fixtures__/sora-*.json (providers.md §5, §9; plain `.json` so the chat spec's
 * `.req/.res/.error.json` globs leave them alone):
 * - `sora-create-*`: `{deployment?, request (VideoRequest), expected: {method, url, headers, body}}`
 * - `sora-submit`: a create answer → `expected` task, and the `poll` request of that task
 * - `sora-poll-*`: a Video object → `expected` snapshot
 * - `sora-remix`, `sora-delete`, `sora-download`: the task (or output URL) → the request
 * - `sora-refusals`: requests refused before sending → `param` and `message`
 * - `sora-error-*`: `{status, headers, body}` → the ProviderError's fields
 */
const { files, read } = fixtureDir(join(__dirname, '__fixtures__'));
const sora = (prefix: string) => files.filter((f) => f.startsWith(`sora-${prefix}`));

const ctx = (deployment: Partial<DeploymentTarget> = {}): ProviderContext =>
  fixtureCtx('openai', 'sora-2', deployment);

/** A request spec as the fixtures write it: the JSON body parsed, absent when there is none. */
function wire(spec: HttpRequestSpec) {
  return {
    method: spec.method,
    url: spec.url,
    headers: spec.headers,
    ...(spec.body !== undefined ? { body: JSON.parse(String(spec.body)) } : {}),
  };
}

describe('Sora video codec (golden fixtures)', () => {
  it.each(sora('create-'))('%s: the create request', (name) => {
    const f = read(name);
    const deployment = (f.deployment ?? {}) as Partial<DeploymentTarget>;
    expect(wire(soraVideoCodec.buildSubmit(f.request as VideoRequest, ctx(deployment)))).toEqual(f.expected);
  });

  it('sora-submit.json: the created video is the task, polled by its id', () => {
    const f = read('sora-submit.json');
    const task = soraVideoCodec.parseSubmit(f.body, { prompt: 'x' });
    expect(task).toEqual(f.expected);
    expect(wire(soraVideoCodec.buildPoll(task, ctx()))).toEqual(f.poll);
  });

  it('refuses a create answer without an id', () => {
    for (const body of [{ object: 'video', status: 'queued' }, { id: '' }, null, 'oops'])
      expect(() => soraVideoCodec.parseSubmit(body, { prompt: 'x' })).toThrow(
        expect.objectContaining({ kind: 'upstream' }),
      );
  });

  it.each(sora('poll-'))('%s: the task snapshot', (name) => {
    const f = read(name);
    expect(soraVideoCodec.parsePoll(f.body)).toEqual(f.expected);
  });

  it('sora-remix.json: remix posts the prompt under the video, its answer is a new task', () => {
    const f = read('sora-remix.json');
    const spec = soraVideoCodec.buildRemix!(f.task as VideoTaskRef, String(f.prompt), ctx());
    expect(wire(spec)).toEqual(f.expected);
    expect(soraVideoCodec.parseSubmit(f.answer, { prompt: String(f.prompt) })).toEqual(f.expectedTask);
  });

  it('sora-delete.json: delete is DELETE on the video', () => {
    const f = read('sora-delete.json');
    expect(wire(soraVideoCodec.buildDelete!(f.task as VideoTaskRef, ctx()))).toEqual(f.expected);
  });

  const downloads = read('sora-download.json').cases as Array<{
    url: string;
    variant?: string;
    deployment?: Partial<DeploymentTarget>;
    expected: unknown;
  }>;
  it.each(downloads.map((c) => [c.variant ?? '(none)', c] as const))(
    'sora-download.json: variant %s',
    (_variant, c) => {
      expect(wire(soraVideoCodec.buildDownload!(c.url, ctx(c.deployment), c.variant))).toEqual(c.expected);
    },
  );

  it('downloads only paths under the base URL, and only the variants Sora serves', () => {
    const refuse = (url: string, variant: string | undefined, param: string) =>
      expect(() => soraVideoCodec.buildDownload!(url, ctx(), variant)).toThrow(
        expect.objectContaining({ kind: 'invalid_request', param }),
      );
    refuse('https://evil.example.com/videos/v/content', undefined, 'url');
    refuse('//evil.example.com/videos/v/content', undefined, 'url');
    refuse('videos/v/content', 'poster', 'variant');
  });

  const refusals = read('sora-refusals.json').cases as Array<{
    request: VideoRequest;
    param: string;
    message: string;
  }>;
  it.each(refusals.map((c) => [c.param, c.message, c] as const))(
    'sora-refusals.json: %s — %s',
    (_param, _message, c) => {
      let thrown: unknown;
      try {
        soraVideoCodec.buildSubmit(c.request, ctx());
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(ProviderError);
      const { kind, param, message } = thrown as ProviderError;
      expect({ kind, param, message }).toEqual({
        kind: 'invalid_request',
        param: c.param,
        message: c.message,
      });
    },
  );

  it('a deployment without a key is an auth error', () => {
    expect(() => soraVideoCodec.buildSubmit({ prompt: 'x' }, ctx({ apiKey: undefined }))).toThrow(
      expect.objectContaining({ kind: 'auth' }),
    );
  });

  it.each(sora('error-'))('%s: the provider error', (name) => {
    const f = read(name);
    const err = soraVideoCodec.parseError(f.status as number, f.body, f.headers as Record<string, string>);
    const { kind, upstreamStatus, upstreamCode, retryAfterMs, param, message } = err;
    const fields = { kind, upstreamStatus, upstreamCode, retryAfterMs, param, message };
    expect(JSON.parse(JSON.stringify(fields))).toEqual(f.expected);
  });

  it('states the values it allows', () => {
    expect(soraVideoCodec.options).toEqual({
      seconds: [4, 8, 12],
      aspectRatios: ['16:9', '9:16'],
      resolutions: ['720p', '1024p', '1080p'],
    });
  });
});
