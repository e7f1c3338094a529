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
