import { Readable } from 'node:stream';
import busboy from 'busboy';
import { encodeMultipart } from './multipart-encode';

function parse(contentType: string, body: Buffer) {
  return new Promise<{ fields: Array<[string, string]>; files: Array<[string, string, string, Buffer]> }>(
    (resolve, reject) => {
      const out = {
        fields: [] as Array<[string, string]>,
        files: [] as Array<[string, string, string, Buffer]>,
      };
      const p = busboy({ headers: { 'content-type': contentType } });
      p.on('field', (k, v) => out.fields.push([k, v]));
      p.on('file', (k, s, info) => {
        const chunks: Buffer[] = [];
        s.on('data', (c: Buffer) => chunks.push(c));
        s.on('end', () => out.files.push([k, info.filename, info.mimeType, Buffer.concat(chunks)]));
      });
      p.on('error', reject);
      p.on('close', () => resolve(out));
      Readable.from([body]).pipe(p);
    },
  );
}

describe('encodeMultipart', () => {
  it('encodes repeated fields in order and files byte for byte, as a multipart parser reads them', async () => {
    const data = Buffer.from([0, 1, 2, 255, 13, 10, 45, 45]);
    const form = encodeMultipart({
      fields: [
        ['model', 'whisper-1'],
        ['timestamp_granularities[]', 'word'],
        ['timestamp_granularities[]', 'segment'],
      ],
      files: [{ field: 'file', filename: 'a "b".wav', contentType: 'audio/wav', data }],
    });
    expect(form.contentType).toMatch(/^multipart\/form-data; boundary=----switchboard[0-9a-f]{24}$/);
    const parsed = await parse(form.contentType, form.body);
    expect(parsed.fields).toEqual([
      ['model', 'whisper-1'],
      ['timestamp_granularities[]', 'word'],
      ['timestamp_granularities[]', 'segment'],
    ]);
    expect(parsed.files).toEqual([['file', 'a %22b%22.wav', 'audio/wav', data]]);
  });
});
