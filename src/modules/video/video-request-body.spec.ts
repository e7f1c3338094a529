import { videoRequestBody } from './video-request-body';

describe('videoRequestBody', () => {
  it('reads a form: text fields as they are, a file as {data: base64, mimeType}', () => {
    const form = {
      fields: { prompt: 'a cat' },
      files: [
        { field: 'input_reference', filename: 'a.png', contentType: 'image/png', data: Buffer.from('PNG') },
      ],
    };
    expect(videoRequestBody(form)).toEqual({
      prompt: 'a cat',
      input_reference: { data: Buffer.from('PNG').toString('base64'), mimeType: 'image/png' },
    });
  });

  // Fuzz counterexample (video-dialects.fuzz.spec.ts): a JSON body shaped like a form was read as one
  // and threw a TypeError (a 500) on a file without bytes.
  it('keeps a JSON body with `fields` and `files` members as JSON', () => {
    const body = { fields: [], files: [{}] };
    expect(videoRequestBody(body)).toBe(body);
  });
});
