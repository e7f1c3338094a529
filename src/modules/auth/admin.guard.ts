import { Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { GatewayError } from '../../common/errors/gateway-error';
import { AuthService } from './auth.service';
import './request-identity';

const ALLOW_TEAM_ADMIN = 'switchboard:allow-team-admin';

/**
 * Lets `team_admin` keys use a route (controller or handler); the service must then confine them to
 * their team with `teamScopeOf` / `assertTeamInScope` (contract §2: `/admin/keys` and `/admin/usage*`).
 */
export const AllowTeamAdmin = (): MethodDecorator & ClassDecorator => SetMetadata(ALLOW_TEAM_ADMIN, true);

/** `/admin/*`: the master key or a role `admin` key; `team_admin` only where `@AllowTeamAdmin()`. */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(
    private readonly auth: AuthService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<Request>();
    const identity = await this.auth.authenticate(req);
    req.identity = identity;
    if (identity.role === 'admin') return true;
    const teamAdminAllowed = this.reflector.getAllAndOverride<boolean>(ALLOW_TEAM_ADMIN, [
      ctx.getHandler(),
      ctx.getClass(),
    ]);
    if (identity.role === 'team_admin' && identity.teamId && teamAdminAllowed) return true;
    throw new GatewayError('permission_denied', 'This key is not allowed to use this admin route');
  }
}

/** Any valid key (self-service routes such as `GET /v1/key`). */
@Injectable()
export class KeyGuard implements CanActivate {
  constructor(private readonly auth: AuthService) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<Request>();
    req.identity = await this.auth.authenticate(req);
    return true;
  }
}
