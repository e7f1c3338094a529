import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { GatewayError } from '../../common/errors/gateway-error';
import { uuid7 } from '../../common/ids/uuid7';
import type { Logger } from '../../common/logging/logger';
import { LOGGER } from '../../common/logging/logger.module';
import { APP_CONFIG } from '../../config/app-config';
import type { AppConfig } from '../../config/config.types';
import { RedisService } from '../../database/redis.service';
import { ProviderError } from '../../providers/core/provider-error';
import type { VideoRequest, VideoTaskRef } from '../../providers/core/video';
import { checkVideoOptions, type VideoFieldNames } from '../../providers/core/video-options';
import { AuthService } from '../auth/auth.service';
import type { Identity } from '../auth/identity';
import { toGatewayError } from '../inference/pipeline/provider-error.mapping';
import { LimitsService, type Admission } from '../limits/limits.service';
import { MetricsService } from '../metrics/metrics.service';
import { CatalogService } from '../routing/catalog.service';
import type { ResolvedModel } from '../routing/catalog.types';
import { RouteReserveRates } from '../routing/route-reserve-rates';
import {
  RouterService,
  RoutingFailure,
  type AttemptInfo,
  type RoutedResult,
} from '../routing/router.service';
import { fixed, shift, toText } from '../usage/pricing/fixed-decimal';
import { VideoCallbacks } from './video-callbacks';
import { VideoQueue } from './video-queue';
import { VideoSettlement } from './video-settlement';
import { VideoTaskStore, type VideoTaskRow } from './video-task.store';
import type { VideoDialect } from './video-task.view';
import { VideoUpstream, type VideoEndpoint } from './video-upstream';
import { requestedSeconds, videoReserveNano } from './video-pricing';

/** A create call as a client dialect parsed it. */
export interface VideoSubmitCall {
  publicModel: string;
  request: VideoRequest;
  size?: string;
  seconds?: string;
  callbackUrl?: string;
}

export interface VideoSubmitOptions {
  dialect: VideoDialect;
  requestId: string;
  /** The client's `Idempotency-Key`: a repeat within 24 h answers the same task. */
  idempotencyKey?: string;
  /** A remix: the task whose upstream video is remixed (its deployment serves the remix). */
  remixOf?: VideoTaskRow;
}

const IDEMPOTENCY_TTL_SECONDS = 86_400;

/** The request fields a provider may refuse, as each dialect names them. */
const FIELD_NAMES: Record<VideoDialect, VideoFieldNames> = {
  openai: { seconds: 'seconds', aspectRatio: 'size', resolution: 'size' },
  kling: { seconds: 'duration', aspectRatio: 'aspect_ratio', resolution: 'mode' },
  seedance: { seconds: 'duration', aspectRatio: 'ratio', resolution: 'resolution' },
  veo: {
    seconds: 'parameters.durationSeconds',
    aspectRatio: 'parameters.aspectRatio',
    resolution: 'parameters.resolution',
  },
};
/** A task reservation outlives the task's maximum age by this much, for an admin to resolve a held one. */
const HOLD_AFTER_MAX_AGE_MS = 7 * 86_400_000;

/**
 * Video task submission (contract §5): the caller's model and allowlist, its rate limits and a budget
 * reservation of the task's estimate (held as a record any worker settles), the provider called
 * through the router (retries and fallbacks only before a provider accepted the task; a submit whose
 * answer timed out is never retried, as the provider may have accepted it), the task stored before the
 * provider is called and its first poll enqueued. A repeated `Idempotency-Key` answers the same task.
 */
@Injectable()
export class VideoSubmitService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly auth: AuthService,
    private readonly catalog: CatalogService,
    private readonly router: RouterService,
    private readonly reserveRates: RouteReserveRates,
    private readonly limits: LimitsService,
    private readonly redis: RedisService,
    private readonly store: VideoTaskStore,
    private readonly upstream: VideoUpstream,
    private readonly settlement: VideoSettlement,
    private readonly queue: VideoQueue,
    private readonly callbacks: VideoCallbacks,
    private readonly metrics: MetricsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async submit(identity: Identity, call: VideoSubmitCall, opts: VideoSubmitOptions): Promise<VideoTaskRow> {
    const resolved = this.videoRoute(identity, call.publicModel, opts.remixOf);
    if (call.callbackUrl) await this.callbacks.assertDeliverable(call.callbackUrl);
    const id = uuid7().replace(/-/g, '');
    const idemKey = opts.idempotencyKey && this.idempotencyKey(identity, opts.idempotencyKey);
    if (idemKey) {
      const existing = await this.claimIdempotency(idemKey, id, identity);
      if (existing) return existing;
    }
    try {
      return await this.submitNew(id, identity, resolved, call, opts);
    } catch (err) {
      if (idemKey) await this.redis.client.del(idemKey).catch(() => undefined);
      throw err;
    }
  }

  private async submitNew(
    id: string,
    identity: Identity,
    resolved: ResolvedModel,
    call: VideoSubmitCall,
    opts: VideoSubmitOptions,
  ): Promise<VideoTaskRow> {
    const providers = resolved.model.deployments.map((d) => d.provider);
    const seconds =
      call.request.durationSeconds !== undefined
        ? String(call.request.durationSeconds)
        : maxSeconds(providers.map((p) => requestedSeconds(p, undefined)));
    const reserveNano = videoReserveNano(
      this.reserveRates.routePricings(resolved),
      seconds,
      call.request.resolution,
    );
    const eventId = uuid7();
    const admission = await this.reserve(eventId, identity, reserveNano);
    let stored = false;
    let sent = false;
    const attempt = async (info: AttemptInfo): Promise<VideoTaskRef> => {
      const ep = this.endpointFor(info, opts.requestId);
      if (!opts.remixOf)
        checkVideoOptions(call.request, ep.codec.options, info.target.provider, FIELD_NAMES[opts.dialect]);
      const spec = opts.remixOf
        ? this.remixSpec(ep, opts.remixOf, call.request.prompt ?? '')
        : ep.codec.buildSubmit(call.request, ep.ctx);
      const row = {
        deploymentId: info.target.id,
        provider: info.target.provider,
        upstreamModel: info.target.upstreamModel,
      };
      if (!stored) {
        await this.store.create({
          id,
          requestId: opts.requestId,
          keyId: identity.keyId,
          teamId: identity.teamId,
          model: resolved.requestedName,
          ...row,
          dialect: opts.dialect,
          request: call.request,
          seconds: call.seconds ?? seconds,
          size: call.size,
          resolution: call.request.resolution,
          callbackUrl: call.callbackUrl,
          reservationId: eventId,
          reservedUsd: toText(shift(fixed(String(reserveNano)), -9)),
          remixedFromId: opts.remixOf?.id,
          settlement: admission.reservationId ? 'reserved' : 'released',
        });
        stored = true;
      } else await this.store.retarget(id, row);
      sent = true;
      try {
        return ep.codec.parseSubmit(await this.upstream.call(ep, spec), call.request);
      } catch (err) {
        // The provider may have taken a task whose answer never came: never retried elsewhere.
        if (err instanceof ProviderError && (err.kind === 'timeout' || err.kind === 'connection'))
          throw new SubmitOutcomeUnknown(err);
        if (err instanceof ProviderError && err.kind === 'insufficient_credit') this.outOfCredit(info, err);
        throw err;
      }
    };
    let routed: RoutedResult<VideoTaskRef>;
    try {
      routed = await this.router.run(resolved, attempt);
    } catch (err) {
      const failure = err instanceof RoutingFailure ? err : new RoutingFailure(err);
      await this.failedSubmit(
        id,
        eventId,
        admission,
        failure,
        stored,
        sent,
        identity,
        resolved.requestedName,
        opts.requestId,
      );
      throw toGatewayError(
        failure.error instanceof SubmitOutcomeUnknown ? failure.error.providerError : failure.error,
      );
    }
    // Accepted upstream: from here a failure never gives the reservation back. Were the row not
    // updated, the worker finds it (no upstream id after 10 minutes: held for an admin); were the job
    // not queued, the recovery scan queues it.
    await this.store.accepted(
      id,
      routed.value.upstreamTaskId,
      routed.value.route,
      new Date(Date.now() + this.config.video.firstPollMs),
    );
    await this.queue
      .schedulePoll(id, this.config.video.firstPollMs)
      .catch((err: unknown) =>
        this.logger.warn(
          { task_id: id, err: err instanceof Error ? err.message : String(err) },
          'video: first poll not queued; the recovery scan will queue it',
        ),
      );
    return (await this.store.get(id))!;
  }

  /**
   * A submit the provider did not take: its row goes, its reservation is given back, and, when it was
   * sent, one uncharged usage record says so. One whose answer never came is kept as a failed task
   * whose reservation is held (the provider may bill it), for an admin to resolve.
   */
  private async failedSubmit(
    id: string,
    eventId: string,
    admission: Admission,
    failure: RoutingFailure,
    stored: boolean,
    sent: boolean,
    identity: Identity,
    model: string,
    requestId: string,
  ): Promise<void> {
    const unknownOutcome = failure.error instanceof SubmitOutcomeUnknown;
    if (stored && unknownOutcome) {
      await this.settlement.failSubmitUnknown(
        id,
        (failure.error as SubmitOutcomeUnknown).providerError.message,
      );
      return;
    }
    if (stored) await this.store.remove(id);
    if (!sent) {
      if (admission.reservationId)
        await this.limits.releaseReservation(admission.reservationId).catch(() => {});
      return;
    }
    await this.settlement.recordFailedSubmit(eventId, failure, toGatewayError(failure.error).status, {
      requestId,
      keyId: identity.keyId ?? null,
      teamId: identity.teamId ?? null,
      model,
    });
  }

  /** Reported to the admin (log and metric); the router tries another deployment without cooling this one down. */
  private outOfCredit(info: AttemptInfo, err: ProviderError): void {
    this.metrics.deploymentOutOfCredit(info.target.id, info.target.provider);
    this.logger.warn(
      { deployment_id: info.target.id, provider: info.target.provider, upstream_code: err.upstreamCode },
      'provider account of this deployment is out of credit: top it up (the deployment is not cooled down)',
    );
  }

  /** The catalog model of a video call, narrowed to the deployments that make videos. */
  private videoRoute(identity: Identity, publicModel: string, remixOf?: VideoTaskRow): ResolvedModel {
    const resolved = this.catalog.resolve(publicModel);
    if (!resolved)
      throw new GatewayError('model_not_found', `The model '${publicModel}' does not exist`, {
        param: 'model',
      });
    this.auth.authorizeModel(identity, resolved.model.name);
    const deployments = resolved.model.deployments.filter((d) =>
      remixOf ? d.id === remixOf.deploymentId : this.upstream.codecOf(d.provider) !== undefined,
    );
    if (deployments.length === 0)
      throw new GatewayError(
        'invalid_request',
        remixOf
          ? `the deployment that made video '${remixOf.id}' no longer serves model '${publicModel}'`
          : `The model '${publicModel}' does not generate videos`,
        { param: 'model' },
      );
    return {
      ...resolved,
      model: { ...resolved.model, deployments, fallbacks: remixOf ? [] : resolved.model.fallbacks },
    };
  }

  private endpointFor(info: AttemptInfo, requestId: string): VideoEndpoint {
    const codec = this.upstream.codecOf(info.target.provider);
    if (!codec)
      throw new ProviderError({
        kind: 'unsupported',
        message: `provider ${info.target.provider} makes no videos`,
      });
    return { codec, ctx: { deployment: info.target, requestId } };
  }

  private remixSpec(ep: VideoEndpoint, of: VideoTaskRow, prompt: string) {
    if (!ep.codec.buildRemix || !of.upstreamTaskId)
      throw new GatewayError('invalid_request', `video '${of.id}' cannot be remixed on its provider`, {
        param: 'video_id',
      });
    return ep.codec.buildRemix({ upstreamTaskId: of.upstreamTaskId }, prompt, ep.ctx);
  }

  private async reserve(eventId: string, identity: Identity, reserveNano: number): Promise<Admission> {
    if (!this.limits.enabled) return this.limits.unmetered(eventId);
    return this.limits.reserveForTask({
      eventId,
      identity,
      promptTokens: 0,
      reserveNano,
      holdMs: this.config.video.maxAgeSeconds * 1000 + HOLD_AFTER_MAX_AGE_MS,
    });
  }

  private idempotencyKey(identity: Identity, clientKey: string): string {
    if (clientKey.length > 255)
      throw new GatewayError('invalid_request', 'Idempotency-Key is longer than 255 characters', {
        param: 'Idempotency-Key',
      });
    const digest = createHash('sha256').update(clientKey).digest('hex');
    return this.redis.key('video', 'idem', identity.keyId ?? 'master', digest);
  }

  /** Claims the key for task `id`; answers the task an earlier submit with the same key made. */
  private async claimIdempotency(
    key: string,
    id: string,
    identity: Identity,
  ): Promise<VideoTaskRow | undefined> {
    const won = await this.redis.client.set(key, id, 'EX', IDEMPOTENCY_TTL_SECONDS, 'NX');
    if (won === 'OK') return undefined;
    const taskId = await this.redis.client.get(key);
    const existing = taskId ? await this.store.owned(taskId, identity) : undefined;
    if (existing?.upstreamTaskId || existing?.status === 'failed') return existing;
    throw new GatewayError('conflict', 'a request with this Idempotency-Key is still in progress', {
      param: 'Idempotency-Key',
    });
  }
}

/** A submit sent whose answer never came (timeout, reset): the provider may have taken the task. */
class SubmitOutcomeUnknown extends GatewayError {
  constructor(readonly providerError: ProviderError) {
    super('upstream_timeout', providerError.message);
  }
}

function maxSeconds(values: string[]): string {
  return values.reduce((a, b) => (Number(b) > Number(a) ? b : a), values[0] ?? '10');
}
