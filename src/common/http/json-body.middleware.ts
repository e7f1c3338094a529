import type { NextFunction, Request, Response } from 'express';
import { readJsonBody } from './json-body';

/**
 * Express middleware for the non-hot routes (admin, health): the body is read once with the size
 * limit; errors go to `next(err)` so the dialect filter renders them (invalid JSON → 400, too large → 413).
 */
export function jsonBodyMiddleware(maxBytes: number) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    readJsonBody(req, maxBytes).then(
      (body) => {
        if (body !== undefined) req.body = body;
        next();
      },
      (err: unknown) => next(err),
    );
  };
}
