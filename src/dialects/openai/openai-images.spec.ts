import { DialectValidationError } from '../dialect-validation-error';
import { fromOpenAiImageEdit, fromOpenAiImageGeneration } from './openai-images';

const png = (field: string, filename = 'a.png') => ({
  field,
  filename,
  contentType: 'image/png',
  data: Buffer.from([0x89, 0x50, 0x4e, 0x47]),
});

function paramOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof DialectValidationError) return err.param;
    throw err;
  }
  return undefined;
}

describe('fromOpenAiImageGeneration', () => {
  it('reads the call and keeps the body as is for a passthrough', () => {
    const body = { model: 'img', prompt: 'a cat', n: 3, size: '1024x1536', quality: 'high', extra: 1 };
    const { publicModel, call } = fromOpenAiImageGeneration(body);
    expect(publicModel).toBe('img');
    expect(call).toEqual({
      kind: 'generation',
      prompt: 'a cat',
      n: 3,
      size: '1024x1536',
      responseFormat: undefined,
      fields: body,
      images: [],
    });
  });

  it('defaults n to 1 and takes size auto', () => {
    expect(fromOpenAiImageGeneration({ model: 'm', prompt: 'p', size: 'auto' }).call).toMatchObject({
      n: 1,
      size: 'auto',
    });
  });

  it.each([
    [{ prompt: 'p' }, 'model'],
    [{ model: 'm' }, 'prompt'],
    [{ model: 'm', prompt: '  ' }, 'prompt'],
    [{ model: 'm', prompt: 'p', n: 0 }, 'n'],
    [{ model: 'm', prompt: 'p', n: 11 }, 'n'],
    [{ model: 'm', prompt: 'p', n: 1.5 }, 'n'],
    [{ model: 'm', prompt: 'p', n: 'two' }, 'n'],
    [{ model: 'm', prompt: 'p', size: 'large' }, 'size'],
    [{ model: 'm', prompt: 'p', size: '0x512' }, 'size'],
    [{ model: 'm', prompt: 'p', response_format: 'jpeg' }, 'response_format'],
    [{ model: 'm', prompt: 'p', stream: true }, 'stream'],
  ])('%j → 400 naming %s', (body, param) => {
    expect(paramOf(() => fromOpenAiImageGeneration(body))).toBe(param);
  });
});

describe('fromOpenAiImageEdit', () => {
  it('reads the form: text fields (n as text), images in order, the mask', () => {
    const form = {
      fields: { model: 'img', prompt: 'add a hat', n: '2' },
      files: [png('image[]', 'one.png'), png('mask', 'm.png'), png('image[]', 'two.png')],
    };
    const { publicModel, call } = fromOpenAiImageEdit(form);
    expect(publicModel).toBe('img');
    expect(call.kind).toBe('edit');
    expect(call.n).toBe(2);
    expect(call.fields).toEqual(form.fields);
    expect(call.images.map((i) => i.filename)).toEqual(['one.png', 'two.png']);
    expect(call.mask?.filename).toBe('m.png');
  });

  it.each([
    [{ fields: { model: 'm', prompt: 'p' }, files: [] }, 'image'],
    [{ fields: { model: 'm', prompt: 'p' }, files: [png('mask')] }, 'image'],
    [{ fields: { model: 'm', prompt: 'p' }, files: [png('image'), png('other')] }, 'other'],
    [{ fields: { model: 'm' }, files: [png('image')] }, 'prompt'],
    [{ fields: { model: 'm', prompt: 'p', n: '20' }, files: [png('image')] }, 'n'],
    [{ fields: { prompt: 'p' }, files: [png('image')] }, 'model'],
    [{ model: 'm', prompt: 'p' }, 'body'],
  ])('%j → 400 naming %s', (form, param) => {
    expect(paramOf(() => fromOpenAiImageEdit(form))).toBe(param);
  });

  it('refuses more than 16 images and an empty file', () => {
    const many = Array.from({ length: 17 }, () => png('image[]'));
    expect(paramOf(() => fromOpenAiImageEdit({ fields: { model: 'm', prompt: 'p' }, files: many }))).toBe(
      'image',
    );
    const empty = { ...png('image'), data: Buffer.alloc(0) };
    expect(paramOf(() => fromOpenAiImageEdit({ fields: { model: 'm', prompt: 'p' }, files: [empty] }))).toBe(
      'image',
    );
  });
});
