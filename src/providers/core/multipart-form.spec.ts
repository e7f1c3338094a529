import busboy from 'busboy';
import { encodeMultipartForm } from './multipart-form';

/** Parses an encoded form back with busboy (what the gateway and OpenAI's servers read it with). */
function parse(contentType: string, body: Uint8Array) {
  return new Promise<
    Array<{ field: string; value?: string; filename?: string; type?: string; data?: Buffer }>
  >((resolve, reject) => {
    const out: Array<{ field: string; value?: string; filename?: string; type?: string; data?: Buffer }> = [];
    const parser = busboy({ headers: { 'content-type': contentType } });
    parser.on('field', (field, value) => out.push({ field, value }));
    parser.on('file', (field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () =>
        out.push({ field, filename: info.filename, type: info.mimeType, data: Buffer.concat(chunks) }),
      );
    });
    parser.on('close', () => resolve(out));
    parser.on('error', reject);
    parser.end(Buffer.from(body));
  });
}

describe('encodeMultipartForm', () => {
  it('round-trips fields and binary files (CRLF and boundary-like bytes inside kept)', async () => {
    const bytes = Buffer.concat([Buffer.from([0, 255, 13, 10]), Buffer.from('--not-the-boundary\r\n')]);
    const form = encodeMultipartForm({ model: 'gpt-image-1', prompt: 'line one\r\nline "two"' }, [
      { field: 'image[]', filename: 'a "quoted".png', contentType: 'image/png', data: bytes },
      { field: 'mask', filename: 'm.png', contentType: '', data: new Uint8Array([1]) },
    ]);
    expect(form.contentType).toMatch(/^multipart\/form-data; boundary=----switchboard[0-9a-f]{24}$/);
    const parts = await parse(form.contentType, form.body);
    expect(parts).toEqual([
      { field: 'model', value: 'gpt-image-1' },
      { field: 'prompt', value: 'line one\r\nline "two"' },
      { field: 'image[]', filename: 'a %22quoted%22.png', type: 'image/png', data: bytes },
      { field: 'mask', filename: 'm.png', type: 'application/octet-stream', data: Buffer.from([1]) },
    ]);
  });
});
