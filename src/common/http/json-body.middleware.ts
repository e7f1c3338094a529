import type { NextFunction, Request, Response } from 'express';
import { readJsonBody } from './json-body';

/** Turns a body error into what the caller is told (a 401 first for a caller without a valid key). */
export interface BodyErrorRefusal {
  refusalFor(req: Request, err: unknown): Promise<unknown>;
}

/** The admin API, which takes `application/json` bodies only. */
const ADMIN_PATH = /^\/admin(\/|$)/;

/**
 * Express middleware for the non-hot routes (admin, health): the body is read once with the size
 * limit; errors go to `next(err)` so the dialect filter renders them (invalid JSON or a body not
 * sent as JSON → 400, 415 on the admin API, too large → 413), and to a caller without a valid key as
 * a 401 instead.
 */
export function jsonBodyMiddleware(maxBytes: number, auth: BodyErrorRefusal) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    readJsonBody(req, maxBytes, { jsonOnly: ADMIN_PATH.test(req.path) }).then(
      (body) => {
        if (body !== undefined) req.body = body;
        next();
      },
      (err: unknown) => void auth.refusalFor(req, err).then(next),
    );
  };
}
