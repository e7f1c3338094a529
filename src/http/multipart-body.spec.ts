import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { GatewayError } from '../common/errors/gateway-error';
import { readMultipartBody } from './multipart-body';

const BOUNDARY = 'sb-test-boundary';

function request(body: Buffer | string, headers: Record<string, string>, chunk = 7): IncomingMessage {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunk) parts.push(bytes.subarray(i, i + chunk));
  return Object.assign(Readable.from(parts), { headers }) as unknown as IncomingMessage;
}

function form(): Buffer {
  const audio = Buffer.from([0, 1, 2, 250, 251, 252, 13, 10, 45, 45]);
  return Buffer.concat([
    Buffer.from(
      `--${BOUNDARY}\r\ncontent-disposition: form-data; name="model"\r\n\r\nwhisper-1\r\n` +
        `--${BOUNDARY}\r\ncontent-disposition: form-data; name="file"; filename="a.wav"\r\ncontent-type: audio/wav\r\n\r\n`,
    ),
    audio,
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]);
}

const multipart = { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` };

describe('readMultipartBody', () => {
  it('reads fields and files as they stream in, the bytes of each file exactly once', async () => {
    const body = await readMultipartBody(request(form(), multipart), 1_000);
    expect(body.fields).toEqual({ model: 'whisper-1' });
    expect(body.files).toHaveLength(1);
    expect(body.files[0]).toMatchObject({ field: 'file', filename: 'a.wav', contentType: 'audio/wav' });
    expect([...body.files[0].data]).toEqual([0, 1, 2, 250, 251, 252, 13, 10, 45, 45]);
  });

  it('answers 413 above the body limit, announced or not', async () => {
    const size = form().length;
    const announced = readMultipartBody(
      request(form(), { ...multipart, 'content-length': String(size) }),
      size - 1,
    );
    await expect(announced).rejects.toMatchObject({ code: 'request_too_large' });
    const streamed = readMultipartBody(request(form(), multipart), size - 1);
    await expect(streamed).rejects.toMatchObject({ code: 'request_too_large' });
  });

  it('refuses another content type with a 400 naming content-type', async () => {
    const err = await readMultipartBody(request('{}', { 'content-type': 'application/json' }), 1_000).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(GatewayError);
    expect(err).toMatchObject({ code: 'unsupported_content_type', param: 'content-type' });
  });

  it('refuses a malformed body with a 400 naming body', async () => {
    const noBoundary = readMultipartBody(request('x', { 'content-type': 'multipart/form-data' }), 1_000);
    await expect(noBoundary).rejects.toMatchObject({ code: 'invalid_request', param: 'body' });
    const cut = readMultipartBody(request(form().subarray(0, 60), multipart), 1_000);
    await expect(cut).rejects.toMatchObject({ code: 'invalid_request', param: 'body' });
  });
});
