import { Inject, Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { APP_CONFIG } from '../../config/app-config';
import type { AppConfig } from '../../config/config.types';
import { GatewayError, INVALID_KEY_MESSAGE } from '../../common/errors/gateway-error';
import { extractCredential } from './credential-extraction';
import { MASTER_IDENTITY, type Identity } from './identity';

/** Authenticates callers. Constant-time comparison; every failure gets the same message. */
@Injectable()
export class AuthService {
  private readonly masterDigest?: Buffer;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    if (config.masterKey) this.masterDigest = digest(config.masterKey);
  }

  authenticate(req: Request): Identity {
    const secret = extractCredential(req.headers, req.query as Record<string, unknown>);
    if (secret && this.masterDigest && timingSafeEqual(digest(secret), this.masterDigest)) return MASTER_IDENTITY;
    throw new GatewayError('invalid_api_key', INVALID_KEY_MESSAGE);
  }

  isAuthenticated(req: Request): boolean {
    try {
      this.authenticate(req);
      return true;
    } catch {
      return false;
    }
  }

  /** Throws 403 unless the identity may call `model` (exact names and `prefix/*` patterns). */
  authorizeModel(identity: Identity, model: string): void {
    if (identity.allowedModels.length === 0) return;
    if (identity.allowedModels.some((p) => p === model || (p.endsWith('/*') && model.startsWith(p.slice(0, -1))))) return;
    throw new GatewayError('model_not_allowed', `This key is not allowed to use model '${model}'`, { param: 'model' });
  }
}

function digest(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}
