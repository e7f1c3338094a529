import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { readJsonBody, type JsonBodyOptions } from './json-body';

function request(body: Buffer | string, headers: Record<string, string>): IncomingMessage {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const parts = [bytes.subarray(0, 5), bytes.subarray(5)].filter((p) => p.length > 0);
  return Object.assign(Readable.from(parts), {
    method: 'POST',
    headers: { 'content-length': String(bytes.length), ...headers },
  }) as unknown as IncomingMessage;
}

const read = (body: Buffer | string, type?: string, opts?: JsonBodyOptions) =>
  readJsonBody(request(body, type === undefined ? {} : { 'content-type': type }), 1_000_000, opts);

describe('readJsonBody', () => {
  it('refuses bytes that are not UTF-8 inside a string instead of replacing them', async () => {
    const bad = Buffer.concat([Buffer.from('{"name":"a'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    await expect(read(bad, 'application/json')).rejects.toMatchObject({
      code: 'invalid_json',
      status: 400,
      message: expect.stringContaining('not valid UTF-8'),
    });
    // An overlong encoding of '/' and a lone surrogate are not UTF-8 either.
    for (const bytes of [
      [0xc0, 0xaf],
      [0xed, 0xa0, 0x80],
    ])
      await expect(
        read(Buffer.concat([Buffer.from('"'), Buffer.from(bytes), Buffer.from('"')]), 'application/json'),
      ).rejects.toMatchObject({ status: 400, message: expect.stringContaining('UTF-8') });
    expect(await read('{"name":"é €"}', 'application/json')).toEqual({ name: 'é €' });
  });

  it('refuses a value nested deeper than the limit with a 400', async () => {
    const deep = `{"a":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    await expect(read(deep, 'application/json')).rejects.toMatchObject({
      code: 'invalid_json',
      status: 400,
      message: expect.stringContaining('deeper than 128 levels'),
    });
    const fine = '{"a":'.repeat(100) + '1' + '}'.repeat(100);
    expect(await read(fine, 'application/json')).toBeDefined();
  });

  it('with jsonOnly, takes application/json alone (parameters allowed); other bodies are a 415', async () => {
    expect(await read('{"a":1}', 'application/json; charset=utf-8', { jsonOnly: true })).toEqual({ a: 1 });
    expect(await read('{"a":1}', 'Application/JSON', { jsonOnly: true })).toEqual({ a: 1 });
    for (const type of [
      'application/x-www-form-urlencoded',
      'application/vnd.api+json',
      'text/plain',
      undefined,
    ])
      await expect(read('{"a":1}', type, { jsonOnly: true })).rejects.toMatchObject({
        code: 'unsupported_content_type',
        status: 415,
        param: 'content-type',
      });
    // Without it, any JSON type is read and another type is a 400.
    expect(await read('{"a":1}', 'application/vnd.api+json')).toEqual({ a: 1 });
    await expect(read('a=1', 'application/x-www-form-urlencoded')).rejects.toMatchObject({ status: 400 });
  });

  it('reads no body from a request that sends none, whatever its content type', async () => {
    expect(await read('', 'text/plain', { jsonOnly: true })).toBeUndefined();
    expect(await read('', undefined, { jsonOnly: true })).toBeUndefined();
    expect(await read('', 'application/json', { jsonOnly: true })).toBeUndefined();
  });
});
