import { UpstreamBody, UpstreamHandler, type UpstreamHead } from './upstream-body';

describe('UpstreamBody', () => {
  it('hands chunks to the reader in order and reads whole as text', async () => {
    const body = new UpstreamBody(jest.fn(), jest.fn());
    body.push(Buffer.from('{"a":'));
    setImmediate(() => {
      body.push(Buffer.from('1}'));
      body.end();
    });
    await expect(body.text()).resolves.toBe('{"a":1}');
  });

  it('pauses the socket above the high-water mark and resumes once the reader catches up', async () => {
    const resume = jest.fn();
    const body = new UpstreamBody(resume, jest.fn());
    expect(body.push(Buffer.alloc(40 * 1024))).toBe(true);
    expect(body.push(Buffer.alloc(40 * 1024))).toBe(false);
    const it = body[Symbol.asyncIterator]();
    await it.next();
    expect(resume).toHaveBeenCalledTimes(1);
  });

  it('reads a whole body past the high-water mark: resumes a paused socket and never pauses again', async () => {
    const resume = jest.fn();
    const body = new UpstreamBody(resume, jest.fn());
    body.push(Buffer.alloc(70 * 1024, 'a'));
    const text = body.text();
    expect(resume).toHaveBeenCalledTimes(1);
    expect(body.push(Buffer.alloc(70 * 1024, 'b'))).toBe(true);
    body.end();
    await expect(text).resolves.toBe('a'.repeat(70 * 1024) + 'b'.repeat(70 * 1024));
  });

  it('cancels the upstream request when the reader stops early, not after the end', async () => {
    const cancel = jest.fn();
    const body = new UpstreamBody(jest.fn(), cancel);
    body.push(Buffer.from('a'));
    body.push(Buffer.from('b'));
    for await (const chunk of body) {
      expect(chunk.toString()).toBe('a');
      break;
    }
    expect(cancel).toHaveBeenCalledTimes(1);

    const done = new UpstreamBody(jest.fn(), cancel);
    done.end();
    for await (const _ of done) throw new Error('no chunk expected');
    expect(cancel).toHaveBeenCalledTimes(1);
  });

  it('throws the transport error to the reader', async () => {
    const body = new UpstreamBody(jest.fn(), jest.fn());
    body.push(Buffer.from('partial'));
    body.fail(new Error('other side closed'));
    await expect(body.text()).rejects.toThrow('other side closed');
  });
});

describe('UpstreamHandler', () => {
  it('resolves at the final headers (skipping 1xx) and rejects errors before them', async () => {
    let head: UpstreamHead | undefined;
    const reject = jest.fn();
    const h = new UpstreamHandler((x) => (head = x), reject);
    h.onConnect(jest.fn());
    h.onHeaders(100, [], jest.fn());
    expect(head).toBeUndefined();
    h.onHeaders(200, [Buffer.from('content-type'), Buffer.from('application/json')], jest.fn());
    expect(head?.status).toBe(200);
    expect(head?.headers['content-type']).toBe('application/json');
    h.onData(Buffer.from('{}'));
    h.onComplete();
    await expect(head!.body.text()).resolves.toBe('{}');

    const failed = new UpstreamHandler(jest.fn(), reject);
    failed.onError(new Error('connect ECONNREFUSED'));
    expect(reject).toHaveBeenCalledWith(expect.objectContaining({ message: 'connect ECONNREFUSED' }));
  });

  it('aborts the request when the signal fires', () => {
    const ac = new AbortController();
    const abort = jest.fn();
    const h = new UpstreamHandler(jest.fn(), jest.fn(), ac.signal);
    h.onConnect(abort);
    ac.abort();
    expect(abort).toHaveBeenCalledWith(expect.objectContaining({ name: 'AbortError' }));
  });
});
