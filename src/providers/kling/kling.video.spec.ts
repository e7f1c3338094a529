import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProviderContext } from '../core/adapter';
import { ProviderError } from '../core/provider-error';
import type { VideoRequest } from '../core/video';
import { klingJwt } from './kling.jwt';
import { klingVideoCodec, parseKlingError } from './kling.video';

const FIXTURES = join(__dirname, '__fixtures__');
const fixture = (name: string) => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));
const NOW = Date.UTC(2026, 11, 3, 12, 0, 0);

function ctx(upstreamModel = 'kling-v2-1-master', apiKey = 'ak-test:sk-test'): ProviderContext {
  return {
    deployment: {
      id: 'dep-kling',
      provider: 'kling',
      upstreamModel,
      apiKey,
      connectTimeoutMs: 5_000,
      timeoutMs: 60_000,
      streamIdleTimeoutMs: 60_000,
      settings: {},
    },
    requestId: 'req-1',
    nowMs: NOW,
  };
}

describe('Kling video codec (golden fixtures)', () => {
  it.each(['text2video.req.json', 'image2video.req.json'])('%s: the submit request', (name) => {
    const f = fixture(name);
    const spec = klingVideoCodec.buildSubmit(f.request as VideoRequest, ctx(f.upstreamModel));
    expect({ method: spec.method, url: spec.url, body: JSON.parse(String(spec.body)) }).toEqual(f.expected);
    expect(spec.headers['content-type']).toBe('application/json');
    expect(spec.headers.authorization).toBe(`Bearer ${klingJwt('ak-test:sk-test', NOW)}`);
  });

  it('submit answer → the task to poll, under the route it was created on', () => {
    const f = fixture('submit.res.json');
    expect(klingVideoCodec.parseSubmit(f.body, { prompt: 'x' })).toEqual(f.expected);
    const image = klingVideoCodec.parseSubmit(f.body, { image: { url: 'https://example.com/a.png' } });
    expect(image.route).toBe('image2video');
    const poll = klingVideoCodec.buildPoll(image, ctx());
    expect([poll.method, poll.url, poll.body]).toEqual([
      'GET',
      'https://api-singapore.klingai.com/v1/videos/image2video/CjMkWmdnYKkAAAAAAA5hGw',
      undefined,
    ]);
  });

  const polls = readdirSync(FIXTURES).filter((f) => f.startsWith('poll-'));
  it.each(polls)('%s: the task snapshot', (name) => {
    const f = fixture(name);
    expect(klingVideoCodec.parsePoll(f.body)).toEqual(f.expected);
  });

  it('refuses text-to-video without a prompt, naming it, and a deployment key that is no key pair', () => {
    expect(() => klingVideoCodec.buildSubmit({ durationSeconds: 5 }, ctx())).toThrow(
      expect.objectContaining({ kind: 'invalid_request', param: 'prompt' }),
    );
    expect(() => klingVideoCodec.buildSubmit({ prompt: 'x' }, ctx('kling-v1', 'no-separator'))).toThrow(
      expect.objectContaining({ kind: 'auth' }),
    );
  });
});

describe('klingJwt', () => {
  it('is an HS256 JWT of {iss, exp: now + 1800, nbf: now - 5} signed with the secret key', () => {
    const token = klingJwt('ak-1|sk-1', NOW);
    const [header, payload, signature] = token.split('.');
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
    const now = NOW / 1000;
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toEqual({
      iss: 'ak-1',
      exp: now + 1800,
      nbf: now - 5,
    });
    expect(signature).toBe(createHmac('sha256', 'sk-1').update(`${header}.${payload}`).digest('base64url'));
  });
});

describe('parseKlingError', () => {
  it.each([
    [401, 1002, 'auth'],
    [401, 1004, 'auth'],
    [429, 1101, 'insufficient_credit'],
    [429, 1102, 'insufficient_credit'],
    [400, 1201, 'invalid_request'],
    [404, 1203, 'not_found'],
    [400, 1301, 'content_filter'],
    [429, 1302, 'rate_limit'],
    [429, 1303, 'rate_limit'],
    [500, 5000, 'upstream'],
    [503, 5001, 'overloaded'],
    [504, 5002, 'timeout'],
  ])('HTTP %i code %i → %s', (status, code, kind) => {
    const body = { code, message: `kling ${code}`, request_id: 'r' };
    const err = parseKlingError(status, body);
    expect(err).toBeInstanceOf(ProviderError);
    expect([err.kind, err.upstreamStatus, err.upstreamCode, err.message]).toEqual([
      kind,
      status,
      String(code),
      `kling ${code}`,
    ]);
  });

  it('an error in a 200 envelope is that error, on submit and on poll', () => {
    const body = { code: 1102, message: 'resource pack exhausted', request_id: 'r' };
    expect(() => klingVideoCodec.parseSubmit(body, { prompt: 'x' })).toThrow(
      expect.objectContaining({ kind: 'insufficient_credit', upstreamCode: '1102' }),
    );
    expect(() => klingVideoCodec.parsePoll(body)).toThrow(expect.objectContaining({ upstreamCode: '1102' }));
  });

  it('falls back to the HTTP status when the body has no code', () => {
    expect(parseKlingError(502, 'Bad Gateway').kind).toBe('upstream');
    expect(parseKlingError(429, {}).kind).toBe('rate_limit');
  });
});
