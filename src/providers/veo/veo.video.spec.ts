import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProviderContext } from '../core/adapter';
import type { VideoRequest } from '../core/video';
import { veoVideoCodec } from './veo.video';

const FIXTURES = join(__dirname, '__fixtures__');
const fixture = (name: string) => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));
const ctx = (upstreamModel = 'veo-3.1-generate-preview', baseUrl?: string): ProviderContext => ({
  deployment: {
    id: 'dep-veo',
    provider: 'gemini',
    upstreamModel,
    apiKey: 'g-key',
    ...(baseUrl ? { baseUrl } : {}),
    connectTimeoutMs: 5_000,
    timeoutMs: 60_000,
    streamIdleTimeoutMs: 60_000,
    settings: {},
  },
  requestId: 'req-1',
});

describe('Veo video codec (golden fixtures)', () => {
  it.each(readdirSync(FIXTURES).filter((f) => f.endsWith('.req.json')))('%s: the submit request', (name) => {
    const f = fixture(name);
    const spec = veoVideoCodec.buildSubmit(f.request as VideoRequest, ctx(f.upstreamModel));
    expect({ method: spec.method, url: spec.url, body: JSON.parse(String(spec.body)) }).toEqual(f.expected);
    expect(spec.headers['x-goog-api-key']).toBe('g-key');
  });

  it.each(readdirSync(FIXTURES).filter((f) => f.startsWith('poll-')))('%s: the task snapshot', (name) => {
    const f = fixture(name);
    expect(veoVideoCodec.parsePoll(f.body)).toEqual(f.expected);
  });

  it('polls the operation by its name, and downloads a file with the deployment key', () => {
    const task = veoVideoCodec.parseSubmit({ name: 'models/veo-3.1-generate-preview/operations/abc123' }, {});
    const poll = veoVideoCodec.buildPoll(task, ctx('veo-3.1-generate-preview', 'http://127.0.0.1:9/v1beta/'));
    expect([poll.method, poll.url, poll.headers['x-goog-api-key']]).toEqual([
      'GET',
      'http://127.0.0.1:9/v1beta/models/veo-3.1-generate-preview/operations/abc123',
      'g-key',
    ]);
    const file = 'https://generativelanguage.googleapis.com/v1beta/files/3k9x:download?alt=media';
    expect(veoVideoCodec.buildDownload!(file, ctx()).headers['x-goog-api-key']).toBe('g-key');
    // The key never goes to another host, whatever the operation says.
    expect(() => veoVideoCodec.buildDownload!('https://evil.example/files/3k9x', ctx())).toThrow(
      expect.objectContaining({ kind: 'upstream' }),
    );
    expect(() => veoVideoCodec.parseSubmit({ done: false }, {})).toThrow(
      expect.objectContaining({ kind: 'upstream' }),
    );
  });

  it('refuses what the Gemini API cannot honour, naming it', () => {
    const refuse = (req: VideoRequest, param: string) =>
      expect(() => veoVideoCodec.buildSubmit(req, ctx())).toThrow(
        expect.objectContaining({ kind: 'invalid_request', param }),
      );
    refuse({ prompt: 'x', seed: 1 }, 'seed');
    refuse({ prompt: 'x', audio: false }, 'audio');
    refuse({ prompt: 'x', image: { url: 'https://example.com/a.png' } }, 'image');
    refuse({}, 'prompt');
  });
});
