import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { GatewayError } from '../../common/errors/gateway-error';
import type { Identity } from './identity';
import { requestIdOf } from '../../common/http/request-context';

declare module 'http' {
  interface IncomingMessage {
    /** Set by AdminGuard / KeyGuard once the caller is authenticated. */
    identity?: Identity;
  }
}

/** The authenticated caller, as set by AdminGuard or KeyGuard. */
export const CurrentIdentity = createParamDecorator((_data: unknown, ctx: ExecutionContext): Identity => {
  const identity = ctx.switchToHttp().getRequest<Request>().identity;
  if (!identity) throw new Error('CurrentIdentity used on a route without AdminGuard or KeyGuard');
  return identity;
});

/**
 * The team a caller is confined to: a team admin's own team; undefined for admins (no restriction).
 */
export function teamScopeOf(identity: Identity): string | undefined {
  return identity.role === 'admin' ? undefined : identity.teamId;
}

/** Throws 403 unless the caller may act on a resource of `teamId` (admins: any; team admins: their own). */
export function assertTeamInScope(identity: Identity, teamId: string | null | undefined): void {
  if (identity.role === 'admin') return;
  if (identity.role === 'team_admin' && identity.teamId && teamId === identity.teamId) return;
  throw new GatewayError('permission_denied', 'This key may only manage resources of its own team');
}

/** Who performs an admin write, for the audit log. */
export interface Actor {
  identity: Identity;
  requestId: string;
}

/** The authenticated caller plus the request id (admin writes pass this to their service). */
export const CurrentActor = createParamDecorator((_data: unknown, ctx: ExecutionContext): Actor => {
  const req = ctx.switchToHttp().getRequest<Request>();
  if (!req.identity) throw new Error('CurrentActor used on a route without AdminGuard or KeyGuard');
  return { identity: req.identity, requestId: requestIdOf(req) };
});
