import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProviderContext } from '../core/adapter';
import type { VideoRequest } from '../core/video';
import { parseSeedanceError, seedanceVideoCodec } from './seedance.video';

const FIXTURES = join(__dirname, '__fixtures__');
const fixture = (name: string) => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));

function ctx(upstreamModel = 'doubao-seedance-1-0-pro-250528'): ProviderContext {
  return {
    deployment: {
      id: 'dep-seedance',
      provider: 'seedance',
      upstreamModel,
      apiKey: 'ark-test-key',
      connectTimeoutMs: 5_000,
      timeoutMs: 60_000,
      streamIdleTimeoutMs: 60_000,
      settings: {},
    },
    requestId: 'req-1',
  };
}

const requests = readdirSync(FIXTURES).filter((f) => f.endsWith('.req.json'));
const polls = readdirSync(FIXTURES).filter((f) => f.startsWith('poll-'));

describe('Seedance video codec (golden fixtures)', () => {
  it.each(requests)('%s: the submit request (inline commands, frame roles)', (name) => {
    const f = fixture(name);
    const spec = seedanceVideoCodec.buildSubmit(f.request as VideoRequest, ctx(f.upstreamModel));
    expect({ method: spec.method, url: spec.url, body: JSON.parse(String(spec.body)) }).toEqual(f.expected);
    expect(spec.headers).toEqual({
      authorization: 'Bearer ark-test-key',
      'content-type': 'application/json',
    });
  });

  it.each(polls)('%s: the task snapshot', (name) => {
    const f = fixture(name);
    expect(seedanceVideoCodec.parsePoll(f.body)).toEqual(f.expected);
  });

  it('submit answer → task; polled and cancelled at its own path', () => {
    const task = seedanceVideoCodec.parseSubmit({ id: 'cgt-20250331175019-68d9t' }, { prompt: 'x' });
    expect(task).toEqual({ upstreamTaskId: 'cgt-20250331175019-68d9t' });
    const url =
      'https://ark.cn-beijing.volces.com/api/v3/contents/generations/tasks/cgt-20250331175019-68d9t';
    expect([
      seedanceVideoCodec.buildPoll(task, ctx()).method,
      seedanceVideoCodec.buildPoll(task, ctx()).url,
    ]).toEqual(['GET', url]);
    const cancel = seedanceVideoCodec.buildCancel!(task, ctx());
    expect([cancel.method, cancel.url, cancel.body]).toEqual(['DELETE', url, undefined]);
  });

  it('an unknown status is a failure, never polled forever; a request with nothing to make is refused', () => {
    expect(seedanceVideoCodec.parsePoll({ id: 't', status: 'paused' })).toMatchObject({
      state: 'failed',
      upstreamStatus: 'paused',
    });
    expect(() => seedanceVideoCodec.buildSubmit({}, ctx())).toThrow(
      expect.objectContaining({ kind: 'invalid_request', param: 'prompt' }),
    );
  });
});

describe('parseSeedanceError', () => {
  const body = (code: string, param?: string) => ({
    error: { code, message: `${code} Request id: 0217`, type: 'BadRequest', ...(param ? { param } : {}) },
  });
  it.each([
    [400, 'InvalidParameter', 'invalid_request'],
    [400, 'InputTextSensitiveContentDetected', 'content_filter'],
    [401, 'AuthenticationError', 'auth'],
    [403, 'AccountOverdueError', 'insufficient_credit'],
    [404, 'ModelNotOpen', 'auth'],
    [404, 'InvalidEndpointOrModel.NotFound', 'not_found'],
    [429, 'RateLimitExceeded.EndpointRPMExceeded', 'rate_limit'],
    [429, 'QuotaExceeded', 'rate_limit'],
    [500, 'InternalServiceError', 'upstream'],
    [503, 'ServerOverloaded', 'overloaded'],
  ])('HTTP %i %s → %s', (status, code, kind) => {
    const err = parseSeedanceError(status, body(code, 'content[0].image_url.url'));
    expect([err.kind, err.upstreamStatus, err.upstreamCode, err.param]).toEqual([
      kind,
      status,
      code,
      'content[0].image_url.url',
    ]);
  });
});
