import { Cancellation, toAbortSignal } from './cancel';

describe('Cancellation', () => {
  it('runs each listener once, on the first abort, with an AbortError reason', () => {
    const c = new Cancellation();
    const a = jest.fn();
    const b = jest.fn();
    c.addEventListener('abort', a);
    c.addEventListener('abort', b);
    c.removeEventListener('abort', b);
    c.abort();
    c.abort();
    expect(a).toHaveBeenCalledTimes(1);
    expect(b).not.toHaveBeenCalled();
    expect(c.aborted).toBe(true);
    expect(c.reason).toMatchObject({ name: 'AbortError' });
    const late = jest.fn();
    c.addEventListener('abort', late);
    expect(late).not.toHaveBeenCalled();
  });

  it('converts to a real AbortSignal for APIs that need one', () => {
    const c = new Cancellation();
    const signal = toAbortSignal(c)!;
    expect(signal).toBeInstanceOf(AbortSignal);
    expect(signal.aborted).toBe(false);
    c.abort(new Error('client went away'));
    expect(signal.aborted).toBe(true);
    expect((signal.reason as Error).message).toBe('client went away');
    const native = new AbortController().signal;
    expect(toAbortSignal(native)).toBe(native);
    expect(toAbortSignal(undefined)).toBeUndefined();
  });
});
