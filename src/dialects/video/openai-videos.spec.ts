import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DialectValidationError } from '../dialect-validation-error';
import { VIEWS, view } from './__fixtures__/views';
import {
  openAiVideoDeleted,
  openAiVideoIdOf,
  openAiVideoList,
  openAiVideoObject,
  parseOpenAiVideoCreate,
  parseOpenAiVideoRemix,
} from './openai-videos';

const golden: unknown = JSON.parse(
  readFileSync(join(__dirname, '__fixtures__', 'openai-video-objects.json'), 'utf8'),
);
const PNG = 'iVBORw0KGgoAAAANSUhEUg==';

function paramOf(body: Record<string, unknown>): string | undefined {
  try {
    parseOpenAiVideoCreate(body);
  } catch (err) {
    if (err instanceof DialectValidationError) return err.param;
    throw err;
  }
  return undefined;
}

describe('parseOpenAiVideoCreate', () => {
  it('maps model, prompt, seconds and size to the neutral request, keeping what the client asked', () => {
    expect(
      parseOpenAiVideoCreate({ model: 'sora', prompt: 'a cat', seconds: '8', size: '1280x720' }),
    ).toEqual({
      publicModel: 'sora',
      request: { prompt: 'a cat', durationSeconds: 8, aspectRatio: '16:9', resolution: '720p' },
      seconds: '8',
      size: '1280x720',
    });
  });

  it('takes seconds as an integer too, and maps each known size', () => {
    const call = parseOpenAiVideoCreate({ model: 'm', prompt: 'p', seconds: 4, size: '1024x1792' });
    expect(call.request).toMatchObject({ durationSeconds: 4, aspectRatio: '9:16', resolution: '1080p' });
    expect(call.seconds).toBe('4');
    expect(parseOpenAiVideoCreate({ model: 'm', prompt: 'p', size: '720x720' }).request).toMatchObject({
      aspectRatio: '1:1',
      resolution: '720p',
    });
  });

  it('leaves size and seconds to the provider when absent', () => {
    expect(parseOpenAiVideoCreate({ model: 'm', prompt: 'p' })).toEqual({
      publicModel: 'm',
      request: { prompt: 'p' },
    });
  });

  it('refuses an unknown size listing the known ones', () => {
    expect(() => parseOpenAiVideoCreate({ model: 'm', prompt: 'p', size: '640x480' })).toThrow(
      /'size' must be one of 1280x720, 720x1280, .*1080x1080; got '640x480'/,
    );
    expect(paramOf({ model: 'm', prompt: 'p', size: '640x480' })).toBe('size');
    expect(paramOf({ model: 'm', prompt: 'p', size: 'constructor' })).toBe('size');
  });

  it('names each bad or missing field', () => {
    expect(paramOf({ prompt: 'p' })).toBe('model');
    expect(paramOf({ model: 'm' })).toBe('prompt');
    expect(paramOf({ model: 'm', prompt: 3 })).toBe('prompt');
    expect(paramOf({ model: 'm', prompt: 'p', seconds: '4.5' })).toBe('seconds');
    expect(paramOf({ model: 'm', prompt: 'p', seconds: 0 })).toBe('seconds');
    expect(paramOf({ model: 'm', prompt: 'p', seed: 1.5 })).toBe('seed');
    expect(paramOf({ model: 'm', prompt: 'p', callback_url: 'ftp://x' })).toBe('callback_url');
    expect(paramOf({ model: 'm', prompt: 'p', kling: [1] })).toBe('kling');
    expect(paramOf({ model: 'm', prompt: 'p', veo: 'not json' })).toBe('veo');
  });

  it('takes input_reference as an image URL, a data URI, an uploaded file or bare text; refuses file_id', () => {
    const of = (input_reference: unknown) =>
      parseOpenAiVideoCreate({ model: 'm', prompt: 'p', input_reference }).request.image;
    expect(of({ image_url: 'https://x/a.png' })).toEqual({ url: 'https://x/a.png' });
    expect(of({ image_url: `data:image/png;base64,${PNG}` })).toEqual({ data: PNG, mimeType: 'image/png' });
    expect(of({ data: PNG, mimeType: 'image/png' })).toEqual({ data: PNG, mimeType: 'image/png' });
    expect(of('https://x/b.jpg')).toEqual({ url: 'https://x/b.jpg' });
    expect(paramOf({ model: 'm', prompt: 'p', input_reference: { file_id: 'file_1' } })).toBe(
      'input_reference.file_id',
    );
    expect(paramOf({ model: 'm', prompt: 'p', input_reference: { image_url: 'not a url' } })).toBe(
      'input_reference.image_url',
    );
    expect(
      paramOf({ model: 'm', prompt: 'p', input_reference: { data: 'ab$', mimeType: 'image/png' } }),
    ).toBe('input_reference');
    expect(paramOf({ model: 'm', prompt: 'p', input_reference: 7 })).toBe('input_reference');
  });

  it('takes the extension members, from JSON or from form text', () => {
    const call = parseOpenAiVideoCreate({
      model: 'm',
      prompt: 'p',
      callback_url: 'https://hooks.example/v',
      negative_prompt: 'blur',
      seed: '42',
      audio: 'false',
      kling: { cfg_scale: 0.5 },
      veo: '{"personGeneration":"allow_all"}',
    });
    expect(call).toEqual({
      publicModel: 'm',
      callbackUrl: 'https://hooks.example/v',
      request: {
        prompt: 'p',
        negativePrompt: 'blur',
        seed: 42,
        audio: false,
        extensions: { kling: { cfg_scale: 0.5 }, veo: { personGeneration: 'allow_all' } },
      },
    });
  });
});

describe('parseOpenAiVideoRemix', () => {
  it('takes the prompt, and names it when missing', () => {
    expect(parseOpenAiVideoRemix({ prompt: 'again' })).toEqual({ prompt: 'again' });
    expect(() => parseOpenAiVideoRemix({})).toThrow(DialectValidationError);
  });
});

describe('OpenAI video renderers', () => {
  it('render each lifecycle state as the golden video object', () => {
    const rendered = Object.fromEntries(Object.entries(VIEWS).map(([k, v]) => [k, openAiVideoObject(v)]));
    expect(rendered).toEqual(golden);
  });

  it('render a remix with its source id', () => {
    const id = 'ffffffffffffffffffffffffffffffff';
    expect(openAiVideoObject(view({ remixedFromId: id })).remixed_from_video_id).toBe(`video_${id}`);
  });

  it('list with first and last ids, and an empty page with nulls', () => {
    const list = openAiVideoList([VIEWS.queued, VIEWS.completed], true);
    expect(list).toMatchObject({
      object: 'list',
      first_id: 'video_0123456789abcdef0123456789abcdef',
      last_id: 'video_0123456789abcdef0123456789abcdef',
      has_more: true,
    });
    expect(list.data).toHaveLength(2);
    expect(openAiVideoList([], false)).toEqual({
      object: 'list',
      data: [],
      first_id: null,
      last_id: null,
      has_more: false,
    });
  });

  it('answer a delete', () => {
    expect(openAiVideoDeleted('0123456789abcdef0123456789abcdef')).toEqual({
      id: 'video_0123456789abcdef0123456789abcdef',
      object: 'video.deleted',
      deleted: true,
    });
  });

  it('read the gateway id back from a video id, and nothing else', () => {
    expect(openAiVideoIdOf('video_0123456789abcdef0123456789abcdef')).toBe(
      '0123456789abcdef0123456789abcdef',
    );
    expect(openAiVideoIdOf('0123456789abcdef0123456789abcdef')).toBeUndefined();
    expect(openAiVideoIdOf('video_0123456789ABCDEF0123456789abcdef')).toBeUndefined();
    expect(openAiVideoIdOf('video_abc')).toBeUndefined();
  });
});
