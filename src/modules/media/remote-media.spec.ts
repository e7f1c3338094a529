import { mediaMimeType, needsFetching, sniffMimeType } from './remote-media';

describe('remote media rules', () => {
  it('fetches http(s) URLs but not gs://, Gemini files, YouTube or data URIs', () => {
    expect(needsFetching('https://example.com/cat.png')).toBe(true);
    expect(needsFetching('http://127.0.0.1:8080/cat')).toBe(true);
    expect(needsFetching('gs://bucket/doc.pdf')).toBe(false);
    expect(needsFetching('https://generativelanguage.googleapis.com/v1beta/files/abc123')).toBe(false);
    expect(needsFetching('https://forwarder.example/gemini/v1beta/files/abc123')).toBe(false);
    expect(needsFetching('https://www.youtube.com/watch?v=9hE5-98ZeCg')).toBe(false);
    expect(needsFetching('https://youtu.be/9hE5-98ZeCg')).toBe(false);
    expect(needsFetching('data:image/png;base64,AAAA')).toBe(false);
    expect(needsFetching('files/abc')).toBe(false);
  });

  it('takes the declared type, then a specific content-type, then the bytes, then the extension', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]);
    expect(sniffMimeType(png)).toBe('image/png');
    expect(sniffMimeType(Buffer.from('%PDF-1.7'))).toBe('application/pdf');
    expect(sniffMimeType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(mediaMimeType({ declared: 'application/pdf', contentType: 'image/png', bytes: png })).toBe(
      'application/pdf',
    );
    expect(mediaMimeType({ contentType: 'image/webp; charset=binary', bytes: png })).toBe('image/webp');
    expect(mediaMimeType({ contentType: 'application/octet-stream', bytes: png })).toBe('image/png');
    expect(
      mediaMimeType({
        contentType: 'application/octet-stream',
        bytes: Buffer.from('x'),
        guessFromUrl: 'audio/mp3',
      }),
    ).toBe('audio/mp3');
  });
});
