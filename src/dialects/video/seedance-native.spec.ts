import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DialectValidationError } from '../dialect-validation-error';
import { VIEWS, view } from './__fixtures__/views';
import { parseSeedanceCreate, seedanceIdOf, seedanceTask, seedanceTaskList } from './seedance-native';

const golden: unknown = JSON.parse(
  readFileSync(join(__dirname, '__fixtures__', 'seedance-tasks.json'), 'utf8'),
);
const PNG = 'iVBORw0KGgoAAAANSUhEUg==';
const text = (t: string) => ({ type: 'text', text: t });
const image = (url: string, role?: string) => ({
  type: 'image_url',
  image_url: { url },
  ...(role ? { role } : {}),
});

function paramOf(body: Record<string, unknown>): string | undefined {
  try {
    parseSeedanceCreate(body);
  } catch (err) {
    if (err instanceof DialectValidationError) return err.param;
    throw err;
  }
  return undefined;
}

describe('parseSeedanceCreate', () => {
  it('takes the field commands out of the prompt, keeps the others in it, and the rest in extensions.seedance', () => {
    expect(
      parseSeedanceCreate({
        model: 'seedance-pro',
        content: [text('a cat  on a mat --rs 720p --rt 16:9 --dur 5 --seed 42 --wm false --cf true')],
        callback_url: 'https://hooks.example/s',
        return_last_frame: true,
        service_tier: 'flex',
        generate_audio: true,
      }),
    ).toEqual({
      publicModel: 'seedance-pro',
      seconds: '5',
      callbackUrl: 'https://hooks.example/s',
      request: {
        prompt: 'a cat  on a mat --wm false --cf true',
        resolution: '720p',
        aspectRatio: '16:9',
        durationSeconds: 5,
        seed: 42,
        audio: true,
        extensions: { seedance: { return_last_frame: true, service_tier: 'flex' } },
      },
    });
  });

  it('takes the long command forms, drops the random seed, and lets top-level members win', () => {
    const call = parseSeedanceCreate({
      model: 'm',
      content: [text('sunrise --resolution 1080p --ratio 9:16 --duration 10 --seed -1')],
      duration: 4,
    });
    expect(call.request).toEqual({
      prompt: 'sunrise',
      resolution: '1080p',
      aspectRatio: '9:16',
      durationSeconds: 4,
    });
    expect(call.seconds).toBe('4');
  });

  it('leaves words that are no command in the prompt', () => {
    expect(
      parseSeedanceCreate({ model: 'm', content: [text('the constructor --wm builds --rs')] }).request,
    ).toEqual({
      prompt: 'the constructor --wm builds --rs',
    });
  });

  it('takes a first frame (role optional) and first + last frames', () => {
    expect(parseSeedanceCreate({ model: 'm', content: [image('https://x/a.png')] }).request).toEqual({
      image: { url: 'https://x/a.png' },
    });
    expect(
      parseSeedanceCreate({
        model: 'm',
        content: [
          text('walk'),
          image(`data:image/png;base64,${PNG}`, 'first_frame'),
          image('https://x/z.png', 'last_frame'),
        ],
      }).request,
    ).toEqual({
      prompt: 'walk',
      image: { data: PNG, mimeType: 'image/png' },
      lastFrame: { url: 'https://x/z.png' },
    });
  });

  it('names each bad field by its path', () => {
    expect(paramOf({ content: [text('p')] })).toBe('model');
    expect(paramOf({ model: 'm' })).toBe('content');
    expect(paramOf({ model: 'm', content: [] })).toBe('content');
    expect(paramOf({ model: 'm', content: ['p'] })).toBe('content[0]');
    expect(paramOf({ model: 'm', content: [text('p'), image('ftp://x')] })).toBe('content[1].image_url.url');
    expect(paramOf({ model: 'm', content: [text('p'), { type: 'image_url' }] })).toBe('content[1].image_url');
    expect(paramOf({ model: 'm', content: [image('https://x/a', 'reference_image')] })).toBe(
      'content[0].role',
    );
    expect(paramOf({ model: 'm', content: [{ type: 'video_url' }] })).toBe('content[0].type');
    expect(paramOf({ model: 'm', content: [text('a'), text('b')] })).toBe('content[1].type');
    expect(paramOf({ model: 'm', content: [image('https://x/a', 'last_frame')] })).toBe('content[0].role');
    expect(paramOf({ model: 'm', content: [image('https://x/a'), image('https://x/b', 'last_frame')] })).toBe(
      'content[0].role',
    );
    expect(paramOf({ model: 'm', content: [text('p --rs 4k')] })).toBe('content[0].text');
    expect(paramOf({ model: 'm', content: [text('p --dur five')] })).toBe('content[0].text');
    expect(paramOf({ model: 'm', content: [text('p')], ratio: '2:1' })).toBe('ratio');
    expect(paramOf({ model: 'm', content: [text('p')], seed: -2 })).toBe('seed');
    expect(paramOf({ model: 'm', content: [text('')] })).toBe('content[0].text');
    expect(paramOf({ model: 'm', content: [text('--rs 720p')] })).toBe('content');
    expect(paramOf({ model: 'm', content: [text('p')], callback_url: 'x' })).toBe('callback_url');
  });
});

describe('Seedance renderers', () => {
  it('render each lifecycle state as the golden Ark task', () => {
    const rendered = Object.fromEntries(
      Object.entries(VIEWS).map(([k, v]) => [
        k,
        seedanceTask({ ...v, dialect: 'seedance', request: { ...v.request, seed: 7 } }),
      ]),
    );
    expect(rendered).toEqual(golden);
  });

  it('render whole billed seconds as they are', () => {
    expect(seedanceTask(view({ seconds: '10', request: {} })).duration).toBe(10);
    expect(seedanceTask(view({ seconds: '5.5', request: {} })).duration).toBe(6);
  });

  it('list tasks with the total', () => {
    expect(seedanceTaskList([VIEWS.queued], 3)).toEqual({ items: [seedanceTask(VIEWS.queued)], total: 3 });
  });

  it('read the gateway id back from an Ark id', () => {
    expect(seedanceIdOf('cgt-0123456789abcdef0123456789abcdef')).toBe('0123456789abcdef0123456789abcdef');
    expect(seedanceIdOf('cgt-20250331175019-68d9t')).toBeUndefined();
    expect(seedanceIdOf('0123456789abcdef0123456789abcdef')).toBeUndefined();
  });
});
