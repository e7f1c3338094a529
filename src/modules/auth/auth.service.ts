import { Inject, Injectable } from '@nestjs/common';
import { hash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { APP_CONFIG } from '../../config/app-config';
import type { AppConfig } from '../../config/config.types';
import { GatewayError, INVALID_KEY_MESSAGE } from '../../common/errors/gateway-error';
import { extractCredential } from './credential-extraction';
import { MASTER_IDENTITY, type Identity } from './identity';
import { KeyCache } from './key-cache';
import { KeyLookupService, type LoadedKey } from './key-lookup.service';
import { modelAllowed } from './model-patterns';

/** SHA-256 in hex. */
const DIGEST_HEX_LENGTH = 64;

/** Anything that carries a credential: an Express request or a raw one from the fast routes. */
export interface CredentialCarrier {
  headers: IncomingHttpHeaders;
  query?: unknown;
}

/**
 * Authenticates callers: the master key or a virtual key. Postgres is asked only on a cache miss
 * (concurrent misses for one key share a query); every failure gets the same 401 message.
 */
@Injectable()
export class AuthService {
  /** The master key's hex digest as bytes, and a scratch buffer the presented digest is copied into. */
  private readonly masterDigest?: Buffer;
  private readonly presentedDigest = Buffer.alloc(DIGEST_HEX_LENGTH);
  private readonly inflight = new Map<string, Promise<LoadedKey | undefined>>();

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly cache: KeyCache,
    private readonly lookup: KeyLookupService,
  ) {
    if (config.masterKey) this.masterDigest = Buffer.from(digest(config.masterKey), 'latin1');
  }

  async authenticate(req: CredentialCarrier): Promise<Identity> {
    return this.authenticateSecret(extractCredential(req.headers, req.query as Record<string, unknown>));
  }

  async authenticateSecret(secret: string | undefined): Promise<Identity> {
    if (!secret) throw invalidKey();
    const hash = digest(secret);
    if (this.isMasterDigest(hash)) return MASTER_IDENTITY;
    const cached = this.cache.get(hash);
    if (cached === null) throw invalidKey();
    const identity = cached ?? (await this.load(hash));
    this.lookup.touch(identity.keyId!);
    return identity;
  }

  async isAuthenticated(req: CredentialCarrier): Promise<boolean> {
    return this.authenticate(req).then(
      () => true,
      () => false,
    );
  }

  /**
   * What to answer a request refused before it was authenticated (unknown route, unreadable or
   * non-JSON body): `refusal` for an authenticated caller, else 401, so a caller without a valid key
   * learns nothing about its request.
   */
  async refusalFor(req: CredentialCarrier, refusal: unknown): Promise<unknown> {
    return (await this.isAuthenticated(req)) ? refusal : invalidKey();
  }

  /** Throws 403 unless the identity may call `model` (exact names and `prefix/*` patterns). */
  authorizeModel(identity: Identity, model: string): void {
    if (modelAllowed(identity.allowedModels, model)) return;
    throw new GatewayError('model_not_allowed', `This key is not allowed to use model '${model}'`, {
      param: 'model',
    });
  }

  /**
   * Fixed-length digests compared in constant time (`timingSafeEqual`): the time taken says nothing
   * about the master key. The copy into a reused buffer costs no allocation on the request path.
   */
  private isMasterDigest(hash: string): boolean {
    if (!this.masterDigest) return false;
    this.presentedDigest.write(hash, 0, 'latin1');
    return timingSafeEqual(this.presentedDigest, this.masterDigest);
  }

  private async load(hash: string): Promise<Identity> {
    let pending = this.inflight.get(hash);
    if (!pending) {
      const generation = this.cache.generation;
      pending = this.lookup.findByHash(hash).then((found) => {
        if (found) this.cache.set(hash, found.identity, found.validUntil, generation);
        else this.cache.setUnknown(hash, generation);
        return found;
      });
      pending.finally(() => this.inflight.delete(hash)).catch(() => undefined);
      this.inflight.set(hash, pending);
    }
    const found = await pending;
    if (!found) throw invalidKey();
    return found.identity;
  }
}

function invalidKey(): GatewayError {
  return new GatewayError('invalid_api_key', INVALID_KEY_MESSAGE);
}

/** SHA-256 of the secret, hex (how keys are stored and cached). */
function digest(secret: string): string {
  return hash('sha256', secret, 'hex');
}
