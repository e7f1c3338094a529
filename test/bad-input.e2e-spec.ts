import { connect } from 'node:net';
import { startFakeAnthropic, type FakeAnthropic } from './fakes/fake-anthropic';
import { ensureUndiciGlobalDispatcher, startFakeGemini, type FakeGemini } from './fakes/fake-gemini';
import { startFakeOpenAi, type FakeOpenAi } from './fakes/fake-openai';
import { startFakeVideo, type FakeVideo } from './fakes/fake-video';
import { AdminClient } from './support/admin-client';
import { startGateway, type TestGateway } from './support/gateway';
import { videoCatalogYaml } from './support/video-catalog';

type Json = Record<string, unknown>;
type Shape = 'openai' | 'anthropic' | 'google' | 'kling' | 'seedance';

/** One bad request: what is sent, the dialect its error must come in, and the field it must name. */
interface Row {
  key: string;
  method: string;
  path: string;
  shape: Shape;
  /** An object is sent as JSON; a string or Buffer as is (with `type`). */
  body?: unknown;
  type?: string;
  headers?: Record<string, string>;
  /** Caller: an inference key (default) or the master key (admin routes). */
  admin?: boolean;
  /** The exact status expected (default: any 4xx). */
  status?: number;
  /** Text the message or `param` must contain (the field at fault); absent: not checked. */
  names?: string;
  /** A 413 that must also close the connection (the rest of the body is not read). */
  closes?: boolean;
  /** An opaque header value: a 2xx is right too, as long as the value is never echoed into a header. */
  opaque?: boolean;
}

const MAX_BODY = 64 * 1024;
const TRAVERSAL = '..%2f..%2fetc%2fpasswd';
const NUL = 'a%00b';
const CRLF = 'a%0d%0aSet-Cookie:%20x=1';
/** The JSON text with an invalid UTF-8 sequence inside its first string value. */
function badUtf8(json: string): Buffer {
  const at = json.indexOf(':"') + 2;
  if (at === 1) return Buffer.from([...Buffer.from('{"x":"'), 0xc3, 0x28, ...Buffer.from('"}')]);
  return Buffer.concat([
    Buffer.from(json.slice(0, at)),
    Buffer.from([0xc3, 0x28]),
    Buffer.from(json.slice(at)),
  ]);
}
const deep = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

/** The JSON endpoints: a valid body (the fakes would answer it) and the fields a row may break. */
interface Endpoint {
  name: string;
  method?: string;
  path: string;
  shape: Shape;
  valid: Json;
  admin?: boolean;
  /** Required fields, each dropped by a row of its own. */
  required: string[];
  /** [field, a value of the wrong type]. */
  wrongTypes: Array<[string, unknown]>;
}

const USER = [{ role: 'user', content: 'hi' }];
const CONTENTS = [{ role: 'user', parts: [{ text: 'hi' }] }];
const G = '/v1beta/models';
const SEEDANCE = '/seedance/api/v3/contents/generations/tasks';

// prettier-ignore
const ENDPOINTS: Endpoint[] = [
  { name: 'chat', path: '/v1/chat/completions', shape: 'openai', valid: { model: 'gpt-fake', messages: USER }, required: ['model', 'messages'], wrongTypes: [['messages', 'hi'], ['temperature', 'hot'], ['stream', 'yes'], ['tools', {}]] },
  { name: 'completions', path: '/v1/completions', shape: 'openai', valid: { model: 'gpt-fake', prompt: 'hi' }, required: ['model'], wrongTypes: [['prompt', { a: 1 }], ['max_tokens', 'ten']] },
  { name: 'embeddings', path: '/v1/embeddings', shape: 'openai', valid: { model: 'gpt-fake', input: 'hi' }, required: ['model', 'input'], wrongTypes: [['input', { a: 1 }], ['dimensions', 'x']] },
  { name: 'speech', path: '/v1/audio/speech', shape: 'openai', valid: { model: 'tts', input: 'hi', voice: 'alloy' }, required: ['model', 'input'], wrongTypes: [['input', 5], ['speed', 'fast']] },
  { name: 'images', path: '/v1/images/generations', shape: 'openai', valid: { model: 'gpt-image', prompt: 'a cat' }, required: ['model', 'prompt'], wrongTypes: [['prompt', 5], ['n', 'two']] },
  { name: 'responses', path: '/v1/responses', shape: 'openai', valid: { model: 'gpt-fake', input: 'hi' }, required: ['model'], wrongTypes: [['input', 5], ['max_output_tokens', 'x'], ['tools', 'x']] },
  { name: 'messages', path: '/v1/messages', shape: 'anthropic', valid: { model: 'claude', max_tokens: 10, messages: USER }, required: ['model', 'messages', 'max_tokens'], wrongTypes: [['messages', 'hi'], ['max_tokens', 'ten'], ['system', 5]] },
  { name: 'count_tokens', path: '/v1/messages/count_tokens', shape: 'anthropic', valid: { model: 'claude', messages: USER }, required: ['model', 'messages'], wrongTypes: [['messages', {}]] },
  { name: 'generateContent', path: `${G}/gem:generateContent`, shape: 'google', valid: { contents: CONTENTS }, required: ['contents'], wrongTypes: [['contents', 'hi'], ['generationConfig', 'x'], ['systemInstruction', 5]] },
  { name: 'streamGenerateContent', path: `${G}/gem:streamGenerateContent`, shape: 'google', valid: { contents: CONTENTS }, required: ['contents'], wrongTypes: [['contents', 5]] },
  { name: 'countTokens', path: `${G}/gem:countTokens`, shape: 'google', valid: { contents: CONTENTS }, required: [], wrongTypes: [['contents', 5]] },
  { name: 'embedContent', path: `${G}/gem:embedContent`, shape: 'google', valid: { content: { parts: [{ text: 'hi' }] } }, required: ['content'], wrongTypes: [['content', 'hi']] },
  { name: 'batchEmbedContents', path: `${G}/gem:batchEmbedContents`, shape: 'google', valid: { requests: [{ content: { parts: [{ text: 'hi' }] } }] }, required: ['requests'], wrongTypes: [['requests', {}]] },
  { name: 'cachedContents', path: '/v1beta/cachedContents', shape: 'google', valid: { model: 'models/gem', contents: CONTENTS, ttl: '60s' }, required: ['model'], wrongTypes: [['ttl', 60], ['contents', 'x']] },
  { name: 'videos', path: '/v1/videos', shape: 'openai', valid: { model: 'sora-2', prompt: 'a cat' }, required: ['model', 'prompt'], wrongTypes: [['prompt', 5], ['seconds', {}], ['size', 5]] },
  { name: 'kling', path: '/kling/v1/videos/text2video', shape: 'kling', valid: { model_name: 'kling-v2-1-master', prompt: 'a cat' }, required: ['prompt'], wrongTypes: [['prompt', 5], ['duration', {}]] },
  { name: 'seedance', path: SEEDANCE, shape: 'seedance', valid: { model: 'seedance-1-0-pro-250528', content: [{ type: 'text', text: 'a cat' }] }, required: ['model', 'content'], wrongTypes: [['content', 'x']] },
  { name: 'veo', path: `${G}/veo-3.0-generate-001:predictLongRunning`, shape: 'google', valid: { instances: [{ prompt: 'a cat' }] }, required: ['instances'], wrongTypes: [['instances', 'x'], ['parameters', 5]] },
  { name: 'veo.fetch', path: `${G}/veo-3.0-generate-001:fetchPredictOperation`, shape: 'google', valid: { operationName: 'x' }, required: ['operationName'], wrongTypes: [['operationName', 5]] },
  { name: 'admin.keys', path: '/admin/keys', shape: 'openai', admin: true, valid: { name: 'k' }, required: [], wrongTypes: [['name', 5], ['rpm_limit', 'x'], ['allowed_models', 'x']] },
  { name: 'admin.keys.update', method: 'PATCH', path: '/admin/keys/00000000-0000-7000-8000-000000000000', shape: 'openai', admin: true, valid: { name: 'k' }, required: [], wrongTypes: [['tpm_limit', 'x']] },
  { name: 'admin.teams', path: '/admin/teams', shape: 'openai', admin: true, valid: { name: 't' }, required: ['name'], wrongTypes: [['name', 5], ['max_budget_usd', {}], ['metadata', 'x']] },
  { name: 'admin.deployments', path: '/admin/deployments', shape: 'openai', admin: true, valid: { model_name: 'x', provider: 'openai', upstream_model: 'gpt', base_url: 'http://127.0.0.1:1/v1', api_key: 'k' }, required: ['model_name', 'provider'], wrongTypes: [['weight', 'x'], ['provider', 5]] },
  { name: 'admin.pricing', method: 'PUT', path: '/admin/models/gpt-fake/pricing', shape: 'openai', admin: true, valid: { input_per_mtok: '1' }, required: [], wrongTypes: [['input_per_mtok', 'lots']] },
  { name: 'admin.fallbacks', method: 'PUT', path: '/admin/models/gpt-fake/fallbacks', shape: 'openai', admin: true, valid: { fallbacks: [] }, required: [], wrongTypes: [['fallbacks', 'x']] },
  { name: 'admin.aliases', method: 'PUT', path: '/admin/models/gpt-fake/aliases', shape: 'openai', admin: true, valid: { aliases: [] }, required: [], wrongTypes: [['aliases', 'x']] },
  { name: 'admin.router', method: 'PUT', path: '/admin/router', shape: 'openai', admin: true, valid: {}, required: [], wrongTypes: [['num_retries', 'x']] },
  { name: 'admin.rotate', path: '/admin/keys/00000000-0000-7000-8000-000000000000/rotate', shape: 'openai', admin: true, valid: {}, required: [], wrongTypes: [['grace_period_seconds', 'x']] },
  { name: 'admin.resolve', path: '/admin/video-tasks/00000000-0000-7000-8000-000000000000/resolve', shape: 'openai', admin: true, valid: { outcome: 'failed' }, required: [], wrongTypes: [] },
];

/** Rows every JSON endpoint gets: a dropped field, a wrong type, not an object, too big, too deep, bad UTF-8. */
function endpointRows(e: Endpoint): Row[] {
  const base = { method: e.method ?? 'POST', path: e.path, shape: e.shape, admin: e.admin };
  const without = (f: string) => Object.fromEntries(Object.entries(e.valid).filter(([k]) => k !== f));
  const text = JSON.stringify(e.valid);
  return [
    ...e.required.map((f) => ({ ...base, key: `${e.name}: missing ${f}`, body: without(f), names: f })),
    ...e.wrongTypes.map(([f, v]) => ({
      ...base,
      key: `${e.name}: ${f} of a wrong type`,
      body: { ...e.valid, [f]: v },
      names: f,
    })),
    { ...base, key: `${e.name}: body is an array`, body: [e.valid], status: 400 },
    {
      ...base,
      key: `${e.name}: oversized body`,
      body: { ...e.valid, pad: 'x'.repeat(MAX_BODY) },
      status: 413,
    },
    {
      ...base,
      key: `${e.name}: deep JSON`,
      body: `${text.slice(0, -1)}${text.length > 2 ? ',' : ''}"x":${deep(20_000)}}`,
      type: 'application/json',
      status: 400,
    },
    { ...base, key: `${e.name}: invalid UTF-8`, body: badUtf8(text), type: 'application/json', status: 400 },
    ...(e.admin
      ? [
          {
            ...base,
            key: `${e.name}: unknown field`,
            body: { ...e.valid, is_admin_hack: true },
            names: 'is_admin_hack',
            status: 400,
          },
        ]
      : []),
  ];
}

/** A multipart body with the given parts (a part with `filename` is a file); `cut` stops mid-part. */
function multipart(
  parts: Array<[name: string, value: string, filename?: string]>,
  cut = false,
): { body: Buffer; type: string } {
  const b = 'badinputboundary';
  let text = parts
    .map(
      ([n, v, f]) =>
        `--${b}\r\ncontent-disposition: form-data; name="${n}"${f ? `; filename="${f}"\r\ncontent-type: application/octet-stream` : ''}\r\n\r\n${v}\r\n`,
    )
    .join('');
  text = cut ? text.slice(0, -20) : `${text}--${b}--\r\n`;
  return { body: Buffer.from(text), type: `multipart/form-data; boundary=${b}` };
}

const T = '/v1/audio/transcriptions';
const E = '/v1/images/edits';
const mp = (key: string, path: string, m: { body: Buffer; type: string }, names?: string): Row => ({
  key,
  method: 'POST',
  path,
  shape: 'openai',
  ...m,
  names,
});

/** Rows of their own: ranges, media, multipart, ids in paths and headers. */
// prettier-ignore
const SPECIAL: Row[] = [
  { key: 'chat: max_tokens out of range', method: 'POST', path: '/v1/chat/completions', shape: 'openai', body: { model: 'gpt-fake', messages: USER, max_tokens: -5 }, names: 'max_tokens' },
  { key: 'chat: n out of range', method: 'POST', path: '/v1/chat/completions', shape: 'openai', body: { model: 'gpt-fake', messages: USER, n: 129 }, names: 'n' },
  { key: 'chat: temperature out of range', method: 'POST', path: '/v1/chat/completions', shape: 'openai', body: { model: 'gpt-fake', messages: USER, temperature: 99 }, names: 'temperature' },
  { key: 'chat: invalid base64 image', method: 'POST', path: '/v1/chat/completions', shape: 'openai', body: { model: 'gpt-fake', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,@@not base64@@' } }] }] }, names: 'image_url' },
  { key: 'chat: max_tokens too large', method: 'POST', path: '/v1/chat/completions', shape: 'openai', body: { model: 'gpt-fake', messages: USER, max_tokens: 2 ** 40 }, names: 'max_tokens' },
  { key: 'completions: n out of range', method: 'POST', path: '/v1/completions', shape: 'openai', body: { model: 'gpt-fake', prompt: 'hi', n: 129 }, names: 'n' },
  { key: 'images: n out of range', method: 'POST', path: '/v1/images/generations', shape: 'openai', body: { model: 'gpt-image', prompt: 'x', n: 11 }, names: 'n' },
  { key: 'embeddings: dimensions out of range', method: 'POST', path: '/v1/embeddings', shape: 'openai', body: { model: 'gpt-fake', input: 'hi', dimensions: -1 }, names: 'dimensions' },
  { key: 'responses: max_output_tokens out of range', method: 'POST', path: '/v1/responses', shape: 'openai', body: { model: 'gpt-fake', input: 'hi', max_output_tokens: -1 }, names: 'max_output_tokens' },
  { key: 'messages: max_tokens too large', method: 'POST', path: '/v1/messages', shape: 'anthropic', body: { model: 'claude', max_tokens: 2 ** 40, messages: USER }, names: 'max_tokens' },
  { key: 'generateContent: candidateCount too large', method: 'POST', path: `${G}/gem:generateContent`, shape: 'google', body: { contents: CONTENTS, generationConfig: { candidateCount: 1e6 } }, names: 'candidateCount' },
  { key: 'generateContent: maxOutputTokens too large', method: 'POST', path: `${G}/gem:generateContent`, shape: 'google', body: { contents: CONTENTS, generationConfig: { maxOutputTokens: 2 ** 40 } }, names: 'maxOutputTokens' },
  { key: 'videos: seconds out of range', method: 'POST', path: '/v1/videos', shape: 'openai', body: { model: 'sora-2', prompt: 'x', seconds: '-4' }, names: 'seconds' },
  { key: 'messages: max_tokens out of range', method: 'POST', path: '/v1/messages', shape: 'anthropic', body: { model: 'claude', max_tokens: -1, messages: USER }, names: 'max_tokens' },
  { key: 'messages: invalid base64 image', method: 'POST', path: '/v1/messages', shape: 'anthropic', body: { model: 'claude', max_tokens: 10, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: '@@not base64@@' } }] }] }, names: 'data' },
  { key: 'generateContent: candidateCount out of range', method: 'POST', path: `${G}/gem:generateContent`, shape: 'google', body: { contents: CONTENTS, generationConfig: { candidateCount: -3 } }, names: 'candidateCount' },
  { key: 'generateContent: maxOutputTokens out of range', method: 'POST', path: `${G}/gem:generateContent`, shape: 'google', body: { contents: CONTENTS, generationConfig: { maxOutputTokens: -3 } }, names: 'maxOutputTokens' },
  { key: 'generateContent: invalid base64 inlineData', method: 'POST', path: `${G}/gem:generateContent`, shape: 'google', body: { contents: [{ role: 'user', parts: [{ inlineData: { mimeType: 'image/png', data: '@@not base64@@' } }] }] }, names: 'data' },
  { key: 'chat: oversized body closes the connection', method: 'POST', path: '/v1/chat/completions', shape: 'openai', body: { model: 'gpt-fake', messages: USER, pad: 'x'.repeat(MAX_BODY) }, status: 413, closes: true },
  { key: 'admin.keys: oversized body closes the connection', method: 'POST', path: '/admin/keys', shape: 'openai', admin: true, body: { name: 'x'.repeat(MAX_BODY) }, status: 413, closes: true },
  { key: 'admin.keys: form-encoded body', method: 'POST', path: '/admin/keys', shape: 'openai', admin: true, body: 'name=k', type: 'application/x-www-form-urlencoded', status: 415 },
  mp('transcriptions: no file', T, multipart([['model', 'whisper']]), 'file'),
  mp('transcriptions: cut mid-part', T, multipart([['model', 'whisper'], ['file', 'RIFF....', 'a.wav']], true), 'body'),
  mp('transcriptions: no model', T, multipart([['file', 'RIFF....', 'a.wav']]), 'model'),
  mp('translations: no file', '/v1/audio/translations', multipart([['model', 'whisper']]), 'file'),
  mp('image edits: no image', E, multipart([['model', 'gpt-image'], ['prompt', 'x']]), 'image'),
  mp('image edits: cut mid-part', E, multipart([['model', 'gpt-image'], ['prompt', 'x'], ['image', 'PNG', 'a.png']], true), 'body'),
  mp('image edits: no prompt', E, multipart([['model', 'gpt-image'], ['image', 'PNG', 'a.png']]), 'prompt'),
  mp('videos: multipart cut mid-part', '/v1/videos', multipart([['model', 'sora-2'], ['prompt', 'x']], true), 'body'),
  { key: 'videos: JSON shaped like a form (fields, files)', method: 'POST', path: '/v1/videos', shape: 'openai', body: { fields: {}, files: [{}] }, names: 'model' },
  { key: 'admin.teams: NUL in name', method: 'POST', path: '/admin/teams', shape: 'openai', admin: true, body: { name: 'a\u0000b' }, names: 'name' },
  { key: 'admin.keys: NUL in metadata', method: 'POST', path: '/admin/keys', shape: 'openai', admin: true, body: { metadata: { a: 'x\u0000' } }, names: 'metadata' },
  { key: 'admin.keys: NUL in a metadata key', method: 'POST', path: '/admin/keys', shape: 'openai', admin: true, body: { metadata: { 'a\u0000': 1 } }, names: 'metadata' },
  { key: 'responses: NUL in a stored input', method: 'POST', path: '/v1/responses', shape: 'openai', body: { model: 'gpt-fake', input: 'hi\u0000', store: true }, opaque: true },
  { key: 'videos: NUL in the prompt', method: 'POST', path: '/v1/videos', shape: 'openai', body: { model: 'sora-2', prompt: 'a\u0000cat' }, names: 'prompt' },
  { key: 'kling: NUL in the prompt', method: 'POST', path: '/kling/v1/videos/text2video', shape: 'kling', body: { model_name: 'kling-v2-1-master', prompt: 'a\u0000cat' }, names: 'prompt' },
  { key: 'cachedContents: NUL in displayName', method: 'POST', path: '/v1beta/cachedContents', shape: 'google', body: { model: 'models/gem', contents: CONTENTS, ttl: '60s', displayName: 'a\u0000' }, names: 'displayName' },
  { key: 'admin.keys: NUL in a query value', method: 'GET', path: '/admin/keys?name=a%00b', shape: 'openai', admin: true, names: 'name' },
  { key: 'responses: NUL in previous_response_id', method: 'POST', path: '/v1/responses', shape: 'openai', body: { model: 'gpt-fake', input: 'hi', previous_response_id: 'resp_\u0000' }, names: 'previous_response_id' },
  { key: 'seedance.list: filter.status an inherited member name', method: 'GET', path: `${SEEDANCE}?filter.status=constructor`, shape: 'seedance', names: 'filter.status' },
  { key: 'kling: duration an object with a data toString', method: 'POST', path: '/kling/v1/videos/text2video', shape: 'kling', body: { model_name: 'kling-v2-1-master', prompt: 'x', duration: { toString: 1 } }, names: 'duration' },
  { key: 'responses: input item type an object with a data toString', method: 'POST', path: '/v1/responses', shape: 'openai', body: { model: 'gpt-fake', input: [{ type: { toString: 1 } }] }, names: 'input[0].type' },
  { key: 'generateContent: responseModalities item an object', method: 'POST', path: `${G}/gem:generateContent`, shape: 'google', body: { contents: CONTENTS, generationConfig: { responseModalities: [{ toString: 1 }] } }, names: 'responseModalities' },
  { key: 'generateContent: mediaResolution level an inherited member name', method: 'POST', path: `${G}/gem:generateContent`, shape: 'google', body: { contents: [{ role: 'user', parts: [{ inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' }, mediaResolution: { level: 'constructor' } }] }] }, names: 'mediaResolution' },
  { key: 'seedance: content type an object with a data toString', method: 'POST', path: SEEDANCE, shape: 'seedance', body: { model: 'seedance-1-0-pro-250528', content: [{ type: { toString: 1 } }] }, names: 'content[0].type' },
  { key: 'admin.deployments: provider an object with a data toString', method: 'POST', path: '/admin/deployments', shape: 'openai', admin: true, body: { model_name: 'x', provider: { toString: 1 } }, names: 'provider' },
  { key: 'generateContent: executableCode language an object with a data toString', method: 'POST', path: `${G}/gem:generateContent`, shape: 'google', body: { contents: [{ role: 'model', parts: [{ executableCode: { language: { toString: 1 }, code: 'x' } }] }, ...CONTENTS] }, opaque: true },
  { key: 'chat: max_tokens 1e309', method: 'POST', path: '/v1/chat/completions', shape: 'openai', body: '{"model":"gpt-fake","messages":[{"role":"user","content":"hi"}],"max_tokens":1e309}', names: 'max_tokens' },
  { key: 'chat: temperature 1e309', method: 'POST', path: '/v1/chat/completions', shape: 'openai', body: '{"model":"gpt-fake","messages":[{"role":"user","content":"hi"}],"temperature":1e309}', names: 'temperature' },
  { key: 'generateContent: temperature 1e309', method: 'POST', path: `${G}/gem:generateContent`, shape: 'google', body: '{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"generationConfig":{"temperature":1e309}}', names: 'temperature' },
  { key: 'messages: max_tokens 1e309', method: 'POST', path: '/v1/messages', shape: 'anthropic', body: '{"model":"claude","max_tokens":1e309,"messages":[{"role":"user","content":"hi"}]}', names: 'max_tokens' },
  { key: 'transcriptions: multipart without a boundary', method: 'POST', path: T, shape: 'openai', body: 'x', type: 'multipart/form-data', names: 'body' },
  { key: 'image edits: empty image file', method: 'POST', path: E, shape: 'openai', ...multipart([['model', 'gpt-image'], ['prompt', 'x'], ['image', '', 'a.png']]), names: 'image' },
  { key: 'image edits: unknown file field', method: 'POST', path: E, shape: 'openai', ...multipart([['model', 'gpt-image'], ['prompt', 'x'], ['image', 'PNG', 'a.png'], ['other', 'x', 'b.png']]), names: 'other' },
  { key: 'transcriptions: response_format unknown', method: 'POST', path: T, shape: 'openai', ...multipart([['model', 'whisper'], ['response_format', 'xml'], ['file', 'RIFF', 'a.wav']]), names: 'response_format' },
  { key: 'videos: Idempotency-Key too long', method: 'POST', path: '/v1/videos', shape: 'openai', body: { model: 'sora-2', prompt: 'x' }, headers: { 'idempotency-key': 'k'.repeat(300) }, names: 'Idempotency-Key' },
  { key: 'videos: Idempotency-Key with CR/LF', method: 'POST', path: '/v1/videos', shape: 'openai', body: { model: 'sora-2', prompt: 'x' }, headers: { 'idempotency-key': CRLF }, opaque: true },
  { key: 'messages: anthropic-beta with CR/LF', method: 'POST', path: '/v1/messages', shape: 'anthropic', body: { model: 'claude', max_tokens: 10, messages: USER }, headers: { 'anthropic-beta': CRLF }, opaque: true },
  { key: 'models: x-request-id with CR/LF', method: 'GET', path: '/v1/models', shape: 'openai', headers: { 'x-request-id': CRLF }, opaque: true },
  { key: 'admin: x-request-id with CR/LF', method: 'GET', path: '/admin/keys', shape: 'openai', admin: true, headers: { 'x-request-id': CRLF }, opaque: true },
  { key: 'admin.keys: limit out of range', method: 'GET', path: '/admin/keys?limit=-1', shape: 'openai', admin: true, names: 'limit' },
  { key: 'admin.usage.logs: limit of a wrong type', method: 'GET', path: '/admin/usage/logs?limit=lots', shape: 'openai', admin: true, names: 'limit' },
  { key: 'admin.audit-logs: limit of a wrong type', method: 'GET', path: '/admin/audit-logs?limit=lots', shape: 'openai', admin: true, names: 'limit' },
  { key: 'admin.video-tasks: status unknown', method: 'GET', path: '/admin/video-tasks?status=%0d%0a', shape: 'openai', admin: true, names: 'status' },
  { key: 'videos.list: limit of a wrong type', method: 'GET', path: '/v1/videos?limit=lots', shape: 'openai', names: 'limit' },
  { key: 'cachedContents.list: pageSize out of range', method: 'GET', path: '/v1beta/cachedContents?pageSize=-1', shape: 'google', names: 'pageSize' },
  { key: 'seedance.list: page_size of a wrong type', method: 'GET', path: `${SEEDANCE}?page_size=lots`, shape: 'seedance', names: 'page_size' },
  { key: 'transcriptions: JSON instead of multipart', method: 'POST', path: T, shape: 'openai', body: { model: 'whisper' }, names: 'content-type' },
];

/** GET/DELETE routes with an id in the path: CR/LF (encoded) and traversal in it. */
// prettier-ignore
const ID_ROUTES: Array<[method: string, template: string, shape: Shape, admin?: boolean]> = [
  ['GET', '/admin/keys/{id}', 'openai', true],
  ['PATCH', '/admin/keys/{id}', 'openai', true],
  ['POST', '/admin/keys/{id}/revoke', 'openai', true],
  ['GET', '/admin/teams/{id}', 'openai', true],
  ['DELETE', '/admin/teams/{id}', 'openai', true],
  ['GET', '/admin/deployments/{id}', 'openai', true],
  ['DELETE', '/admin/deployments/{id}', 'openai', true],
  ['GET', '/admin/models/{id}', 'openai', true],
  ['GET', '/admin/video-tasks/{id}', 'openai', true],
  ['GET', '/v1/responses/{id}', 'openai'],
  ['DELETE', '/v1/responses/{id}', 'openai'],
  ['GET', '/v1/models/{id}', 'openai'],
  ['GET', '/v1/videos/{id}', 'openai'],
  ['GET', '/v1/videos/{id}/content', 'openai'],
  ['DELETE', '/v1/videos/{id}', 'openai'],
  ['GET', '/kling/v1/videos/text2video/{id}', 'kling'],
  ['GET', `${SEEDANCE}/{id}`, 'seedance'],
  ['DELETE', `${SEEDANCE}/{id}`, 'seedance'],
  ['GET', `${G}/veo-3.0-generate-001/operations/{id}`, 'google'],
  ['GET', '/v1beta/files/{id}:download', 'google'],
  ['GET', '/v1beta/cachedContents/{id}', 'google'],
  ['PATCH', '/v1beta/cachedContents/{id}', 'google'],
  ['POST', '/v1/videos/{id}/remix', 'openai'],
  ['DELETE', '/v1beta/cachedContents/{id}', 'google'],
];

const ID_ROWS: Row[] = ID_ROUTES.flatMap(([method, template, shape, admin]) =>
  [CRLF, TRAVERSAL, NUL].map((id) => ({
    key: `${method} ${template}: id ${id === CRLF ? 'with CR/LF' : id === NUL ? 'with NUL' : 'traversal'}`,
    method,
    path: template.replace('{id}', id),
    shape,
    admin,
    body: method === 'PATCH' || method === 'POST' ? {} : undefined,
  })),
);

const ROWS: Row[] = [...ENDPOINTS.flatMap(endpointRows), ...SPECIAL, ...ID_ROWS];

/**
 * Known findings another branch is fixing: these rows run as `it.failing` until it lands (then move
 * them out). Empty since main took wt-body's and wt-validate's fixes (deep JSON, invalid UTF-8, admin
 * form bodies, 413 with connection: close, ranges, base64 media), whose rows now pass as plain tests.
 */
const FIXED_ON_OTHER_BRANCH = new Set<string>([]);

describe('bad input on every endpoint: a 4xx in the caller’s dialect naming the field, never a 500', () => {
  let openai: FakeOpenAi;
  let anthropic: FakeAnthropic;
  let gemini: FakeGemini;
  let video: FakeVideo;
  let gw: TestGateway;
  let key: string;

  beforeAll(async () => {
    ensureUndiciGlobalDispatcher();
    [openai, anthropic, gemini, video] = await Promise.all([
      startFakeOpenAi(),
      startFakeAnthropic(),
      startFakeGemini(),
      startFakeVideo(),
    ]);
    const dep = (name: string, provider: string, upstream: string, base: string, apiKey: string) =>
      `  - model_name: ${name}\n    deployments:\n      - { provider: ${provider}, upstream_model: ${upstream}, base_url: "${base}", api_key: "${apiKey}" }\n`;
    const o = `${openai.baseUrl}/v1`;
    const yaml =
      videoCatalogYaml(video) +
      dep('gpt-fake', 'openai', 'gpt-4o-mini', o, 'sk-x') +
      dep('tts', 'openai', 'tts-1', o, 'sk-x') +
      dep('whisper', 'openai', 'whisper-1', o, 'sk-x') +
      dep('gpt-image', 'openai', 'gpt-image-1', o, 'sk-x') +
      dep('claude', 'anthropic', 'claude-sonnet-4-5', anthropic.baseUrl, anthropic.apiKey) +
      dep('gem', 'gemini', 'gemini-2.5-flash', gemini.baseUrl, gemini.apiKey);
    gw = await startGateway({ yaml, env: { SWITCHBOARD_MAX_BODY_BYTES: String(MAX_BODY) } });
    key = (await new AdminClient(gw.url, gw.masterKey).createKey({ name: 'bad-input' })).key;
  }, 60_000);

  afterAll(async () => {
    await gw?.close();
    await Promise.all([openai?.close(), anthropic?.close(), gemini?.close(), video?.close()]);
  }, 60_000);

  async function send(row: Row): Promise<{ status: number; body: Json; headers: Headers }> {
    const raw = row.body === undefined || typeof row.body === 'string' || Buffer.isBuffer(row.body);
    const res = await fetch(`${gw.url}${row.path}`, {
      method: row.method,
      headers: {
        authorization: `Bearer ${row.admin ? gw.masterKey : key}`,
        ...(row.body !== undefined ? { 'content-type': row.type ?? 'application/json' } : {}),
        ...row.headers,
      },
      body: raw ? (row.body as string | Buffer | undefined) : JSON.stringify(row.body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Json, headers: res.headers };
  }

  const rows = (fixed: boolean) =>
    ROWS.filter((r) => FIXED_ON_OTHER_BRANCH.has(r.key) === fixed).map((r) => [r.key, r] as const);

  async function check(row: Row): Promise<void> {
    const { status, body, headers } = await send(row);
    expect(headers.get('set-cookie')).toBeNull();
    expect(headers.get('x-request-id')).not.toBe(row.headers?.['x-request-id']);
    if (row.opaque && status < 300) return;
    if (row.closes) expect(headers.get('connection')).toBe('close');
    expect({ status, body }).toEqual(expect.objectContaining({ status: row.status ?? expect.any(Number) }));
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
    const { message, param } = dialectError(row.shape, status, body);
    if (row.names) expect(`${message} ${param ?? ''}`).toContain(row.names);
    expect((await fetch(`${gw.url}/health/live`)).status).toBe(200);
  }

  /** Raw bytes Node's HTTP parser refuses: still a JSON 4xx in the path's dialect, the connection closed. */
  async function sendRaw(text: string): Promise<{ status: number; body: Json }> {
    const port = new URL(gw.url).port;
    const answer = await new Promise<string>((resolve, reject) => {
      let got = '';
      const socket = connect(Number(port), '127.0.0.1', () => socket.write(text));
      socket.on('data', (b) => (got += b.toString('utf8')));
      socket.on('close', () => resolve(got));
      socket.on('error', reject);
    });
    const [head, body] = answer.split('\r\n\r\n');
    return { status: Number(head.split(' ')[1]), body: JSON.parse(body) as Json };
  }

  // prettier-ignore
  it.each([
    ['a raw CR in x-request-id', 'GET /v1/models HTTP/1.1\r\nhost: x\r\nx-request-id: a\rb\r\n\r\n', 'openai'],
    ['a NUL byte in x-api-key', 'POST /v1/messages HTTP/1.1\r\nhost: x\r\nx-api-key: a\u0000b\r\n\r\n', 'anthropic'],
    ['a raw CR in anthropic-beta', 'POST /v1/messages HTTP/1.1\r\nhost: x\r\nanthropic-beta: a\rb\r\n\r\n', 'anthropic'],
    ['a raw CR in Idempotency-Key', 'POST /seedance/api/v3/contents/generations/tasks HTTP/1.1\r\nhost: x\r\nidempotency-key: a\rb\r\n\r\n', 'seedance'],
    ['a raw LF in a Google path', 'GET /v1beta/models/a\nb HTTP/1.1\r\nhost: x\r\n\r\n', 'google'],
  ] as Array<[string, string, Shape]>)('raw HTTP the parser refuses: %s', async (_name, text, shape) => {
    const { status, body } = await sendRaw(text);
    expect(status).toBe(400);
    dialectError(shape, status, body);
    expect((await fetch(`${gw.url}/health/live`)).status).toBe(200);
  });

  it.each(rows(false))('%s', (_key, row) => check(row));
  if (FIXED_ON_OTHER_BRANCH.size > 0) it.failing.each(rows(true))('%s', (_key, row) => check(row));
});

/** The message (and param) of an error body, after checking it has the dialect's shape (contract §3). */
function dialectError(shape: Shape, status: number, body: Json): { message: string; param?: string } {
  const e = body.error as Json | undefined;
  switch (shape) {
    case 'openai':
      expect(e).toEqual(expect.objectContaining({ message: expect.any(String), type: expect.any(String) }));
      expect(e).toHaveProperty('param');
      expect(e).toHaveProperty('code');
      return { message: e!.message as string, param: (e!.param as string | null) ?? undefined };
    case 'anthropic':
      expect(body.type).toBe('error');
      expect(e).toEqual(expect.objectContaining({ type: expect.any(String), message: expect.any(String) }));
      return { message: e!.message as string };
    case 'google':
      expect(e).toEqual(
        expect.objectContaining({ code: status, message: expect.any(String), status: expect.any(String) }),
      );
      return { message: e!.message as string };
    case 'kling':
      expect(body).toEqual(
        expect.objectContaining({ code: expect.any(Number), message: expect.any(String) }),
      );
      return { message: body.message as string };
    case 'seedance':
      expect(e).toEqual(
        expect.objectContaining({
          code: expect.any(String),
          message: expect.any(String),
          type: expect.any(String),
        }),
      );
      return { message: e!.message as string, param: e!.param as string | undefined };
  }
}
