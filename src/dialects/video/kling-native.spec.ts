import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DialectValidationError } from '../dialect-validation-error';
import { VIEWS } from './__fixtures__/views';
import {
  KLING_DEFAULT_MODEL,
  klingTaskEnvelope,
  klingTaskIdOf,
  parseKlingCreate,
  type KlingRoute,
} from './kling-native';

const golden: unknown = JSON.parse(
  readFileSync(join(__dirname, '__fixtures__', 'kling-task-envelopes.json'), 'utf8'),
);
const PNG = 'iVBORw0KGgoAAAANSUhEUg==';
const JPEG = '/9j/4AAQSkZJRg==';

function paramOf(route: KlingRoute, body: Record<string, unknown>): string | undefined {
  try {
    parseKlingCreate(route, body);
  } catch (err) {
    if (err instanceof DialectValidationError) return err.param;
    throw err;
  }
  return undefined;
}

describe('parseKlingCreate', () => {
  it('maps a text2video body; Kling-only members stay in extensions.kling verbatim', () => {
    const camera = { type: 'simple', config: { zoom: 5 } };
    expect(
      parseKlingCreate('text2video', {
        model_name: 'kling-v2-6',
        prompt: 'a cat',
        negative_prompt: 'blur',
        duration: '10',
        aspect_ratio: '9:16',
        mode: 'pro',
        sound: 'on',
        cfg_scale: 0.5,
        camera_control: camera,
        external_task_id: 'mine-1',
        callback_url: 'https://hooks.example/k',
      }),
    ).toEqual({
      publicModel: 'kling-v2-6',
      nativeRoute: 'text2video',
      seconds: '10',
      callbackUrl: 'https://hooks.example/k',
      request: {
        prompt: 'a cat',
        negativePrompt: 'blur',
        durationSeconds: 10,
        aspectRatio: '9:16',
        resolution: 'pro',
        audio: true,
        extensions: { kling: { cfg_scale: 0.5, camera_control: camera, external_task_id: 'mine-1' } },
      },
    });
  });

  it("defaults the model to Kling's own default", () => {
    expect(parseKlingCreate('text2video', { prompt: 'p' })).toEqual({
      publicModel: KLING_DEFAULT_MODEL,
      nativeRoute: 'text2video',
      request: { prompt: 'p' },
    });
  });

  it('takes image2video images as URLs, raw base64 (media type sniffed) or data URIs; the prompt is optional', () => {
    const call = parseKlingCreate('image2video', {
      model_name: 'kling-v1-6',
      image: PNG,
      image_tail: 'https://x/end.jpg',
      duration: 5,
    });
    expect(call.request).toEqual({
      image: { data: PNG, mimeType: 'image/png' },
      lastFrame: { url: 'https://x/end.jpg' },
      durationSeconds: 5,
    });
    expect(call.nativeRoute).toBe('image2video');
    expect(parseKlingCreate('image2video', { image: JPEG }).request.image).toEqual({
      data: JPEG,
      mimeType: 'image/jpeg',
    });
    expect(parseKlingCreate('image2video', { image: `data:image/png;base64,${PNG}` }).request.image).toEqual({
      data: PNG,
      mimeType: 'image/png',
    });
  });

  it('names each bad field', () => {
    expect(paramOf('text2video', {})).toBe('prompt');
    expect(paramOf('text2video', { prompt: 'x'.repeat(2501) })).toBe('prompt');
    expect(paramOf('text2video', { prompt: 'p', image: PNG })).toBe('image');
    expect(paramOf('image2video', { prompt: 'p' })).toBe('image');
    expect(paramOf('image2video', { image: 'AAAA' })).toBe('image');
    expect(paramOf('image2video', { image: PNG, image_tail: 'not base64 !' })).toBe('image_tail');
    expect(paramOf('text2video', { prompt: 'p', duration: '7' })).toBe('duration');
    expect(paramOf('text2video', { prompt: 'p', aspect_ratio: '4:3' })).toBe('aspect_ratio');
    expect(paramOf('text2video', { prompt: 'p', mode: 'max' })).toBe('mode');
    expect(paramOf('text2video', { prompt: 'p', sound: true })).toBe('sound');
    expect(paramOf('text2video', { prompt: 'p', callback_url: 'nope' })).toBe('callback_url');
    expect(() => parseKlingCreate('text2video', { prompt: 'p', duration: '7' })).toThrow("'5', '10'");
  });
});

describe('Kling renderers', () => {
  it('render each lifecycle state as the golden envelope', () => {
    const rendered = Object.fromEntries(
      Object.entries(VIEWS).map(([k, v]) => [
        k,
        klingTaskEnvelope(
          {
            ...v,
            dialect: 'kling',
            nativeRoute: 'text2video',
            request: { ...v.request, extensions: { kling: { external_task_id: 'mine-1' } } },
          },
          'req-1',
        ),
      ]),
    );
    expect(rendered).toEqual(golden);
  });

  it('leave task_info empty without an external id', () => {
    expect((klingTaskEnvelope(VIEWS.queued, 'r').data as Record<string, unknown>).task_info).toEqual({});
  });

  it('read a task id back', () => {
    expect(klingTaskIdOf('0123456789abcdef0123456789abcdef')).toBe('0123456789abcdef0123456789abcdef');
    expect(klingTaskIdOf('Task-1')).toBeUndefined();
  });
});
