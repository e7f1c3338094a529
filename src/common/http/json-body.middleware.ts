import type { NextFunction, Request, Response } from 'express';
import type { AuthService } from '../../modules/auth/auth.service';
import { readJsonBody } from './json-body';

/**
 * Express middleware for the non-hot routes (admin, health): the body is read once with the size
 * limit; errors go to `next(err)` so the dialect filter renders them (invalid JSON or a body not
 * sent as JSON → 400, too large → 413), and to a caller without a valid key as a 401 instead.
 */
export function jsonBodyMiddleware(maxBytes: number, auth: AuthService) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    readJsonBody(req, maxBytes).then(
      (body) => {
        if (body !== undefined) req.body = body;
        next();
      },
      (err: unknown) => void auth.refusalFor(req, err).then(next),
    );
  };
}
