import type { NextFunction, Request, Response } from 'express';

/**
 * Headers on every answer of the admin API (`/admin/*`, errors included): the browser must not sniff
 * a JSON or CSV answer into something else, and no cache may keep one (they carry key material on
 * create and rotate, spend and usage always). No CORS header is ever sent: the admin API is for
 * servers and the CLI, so a browser page of another origin cannot read it.
 */
export function adminSecurityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('cache-control', 'no-store');
  next();
}

/** `/docs` (Swagger UI, HTML) and its document may not be framed by another site (clickjacking). */
export function docsSecurityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('content-security-policy', "frame-ancestors 'none'");
  next();
}
