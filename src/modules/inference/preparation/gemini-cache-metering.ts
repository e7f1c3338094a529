import { Injectable } from '@nestjs/common';
import { uuid7 } from '../../../common/ids/uuid7';
import type { PricingInput } from '../../../config/config.types';
import type { Usage } from '../../../providers/core/canonical';
import type { Identity } from '../../auth/identity';
import { LimitsService, type Admission } from '../../limits/limits.service';
import type { DeploymentTarget } from '../../../providers/core/adapter';
import { costTextOf, toNanoUsd } from '../../usage/pricing/cost';
import { effectivePricing } from '../../usage/pricing/price-table';
import { UsageService } from '../../usage/usage.service';

/** What a cache operation bills: `tokens` kept for `seconds`, and on creation their write. */
export interface CacheCharge {
  tokens: number;
  /** Storage seconds, exact decimal text. */
  seconds: string;
  /** Creation: the tokens are also written once, at `cache_write_per_mtok` (else the input price). */
  write: boolean;
}

/** The public model a cache is billed under: its name as the caller used it, and its catalog pricing. */
export interface CacheModel {
  publicName: string;
  name: string;
  pricing?: PricingInput;
}

/** One cache operation (create, TTL extension) on its way through admission and metering. */
export interface CacheCall {
  identity: Identity;
  requestId: string;
  /** `cache_create` | `cache_extend`. */
  operation: string;
  model: CacheModel;
  admission: Admission;
  started: number;
}

export interface CacheOutcome {
  /** The deployment that holds the cache (its `upstreamModel` prices it). */
  target: DeploymentTarget;
  status: number;
  errorType?: string;
  /** What was billed (success only). */
  charge?: CacheCharge;
}

/**
 * Admission and metering of Gemini context caches, through the same limits and usage pipeline as
 * every call: a creation (explicit, or from `cache_control`) or a TTL extension is admitted (rate
 * limits, a budget reservation of its estimated cost) and then settled with one usage record
 * (`endpoint` = the operation) costing the write of its tokens plus their storage:
 * tokens × hours × `cache_storage_per_mtok_hour`.
 */
@Injectable()
export class GeminiCacheMetering {
  constructor(
    private readonly limits: LimitsService,
    private readonly usage: UsageService,
  ) {}

  /** Admits the operation with a reservation for `estimate` (throws the 429 a chat call would get). */
  async admit(
    identity: Identity,
    requestId: string,
    operation: string,
    model: CacheModel,
    upstreamModel: string | undefined,
    estimate: CacheCharge,
  ): Promise<CacheCall> {
    const eventId = uuid7();
    const pricing = pricingOf(model, upstreamModel);
    const admission = await this.limits.admit({
      eventId,
      identity,
      promptTokens: estimate.write ? estimate.tokens : 0,
      reserveNano: toNanoUsd(cacheCost(estimate, pricing)),
    });
    return { identity, requestId, operation, model, admission, started: performance.now() };
  }

  /** Records the operation's usage and settles its reservation; awaited before the answer. */
  async record(call: CacheCall, outcome: CacheOutcome): Promise<void> {
    const { identity, model } = call;
    const charge = outcome.charge;
    await this.usage.commit(
      {
        id: call.admission.eventId,
        requestId: call.requestId,
        createdAt: new Date(),
        keyId: identity.keyId,
        teamId: identity.teamId,
        model: model.publicName,
        deploymentId: outcome.target.id,
        provider: outcome.target.provider,
        upstreamModel: outcome.target.upstreamModel,
        endpoint: call.operation,
        statusCode: outcome.status,
        errorType: outcome.errorType,
        usage: charge && cacheUsage(charge),
        costUsd: charge ? cacheCost(charge, pricingOf(model, outcome.target.upstreamModel)) : '0',
        latencyMs: Math.round(performance.now() - call.started),
        stream: false,
      },
      call.admission,
    );
  }

  /** Gives the reservation back: the operation never reached Gemini. */
  release(call: CacheCall): void {
    this.usage.release(call.admission);
  }
}

/** Write (creation only) plus storage, exact decimal text. */
export function cacheCost(charge: CacheCharge, pricing: PricingInput): string {
  return costTextOf(cacheUsage(charge), pricing, {
    cacheStorage: { tokens: charge.tokens, seconds: charge.seconds },
  });
}

/** A creation's tokens are prompt tokens written to the cache; an extension processes none. */
function cacheUsage(charge: CacheCharge): Usage {
  const written = charge.write ? charge.tokens : 0;
  return { promptTokens: written, completionTokens: 0, cacheWriteTokens: written };
}

function pricingOf(model: CacheModel, upstreamModel: string | undefined): PricingInput {
  return effectivePricing(model.pricing, upstreamModel, model.name);
}
