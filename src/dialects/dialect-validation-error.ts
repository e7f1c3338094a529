/** A client request that fails the dialect's validation; `param` names the offending field. */
export class DialectValidationError extends Error {
  constructor(
    message: string,
    readonly param: string,
  ) {
    super(message);
    this.name = 'DialectValidationError';
  }
}

/**
 * A client value as error text: a string as it is, anything else as JSON. Never `String(v)`, which
 * throws a TypeError on an object whose `toString` is data (`{"toString": 1}`).
 */
export function shown(v: unknown): string {
  return typeof v === 'string' ? v : (JSON.stringify(v) ?? typeof v);
}

/** How a dialect refuses a field in its own message style (shared checks take one). */
export type FailAt = (path: string, message: string) => never;

/** The plain style: `'<path>' <message>`. */
export const failQuoted: FailAt = (path, message) => {
  throw new DialectValidationError(`'${path}' ${message}`, path);
};
