import { Inject, Injectable } from '@nestjs/common';
import { GatewayError } from '../../../common/errors/gateway-error';
import { toGatewayError } from './provider-error.mapping';
import { uuid7 } from '../../../common/ids/uuid7';
import type { InferenceRequest, InferenceResponse } from '../../../common/http/inference-request';
import { requestIdOf } from '../../../common/http/request-context';
import { queueHeader } from '../../../common/http/response-headers';
import type { Logger } from '../../../common/logging/logger';
import { LOGGER } from '../../../common/logging/logger.module';
import { DialectValidationError } from '../../../dialects/dialect-validation-error';
import { Cancellation } from '../../../providers/core/cancel';
import { ProviderError } from '../../../providers/core/provider-error';
import { AuthService } from '../../auth/auth.service';
import type { Identity } from '../../auth/identity';
import { LimitsService, type Admission } from '../../limits/limits.service';
import { MetricsService } from '../../metrics/metrics.service';
import { ProviderRegistry } from '../../providers/provider-registry.service';
import { CatalogService } from '../../routing/catalog.service';
import type { ResolvedModel } from '../../routing/catalog.types';
import { RouteReserveRates } from '../../routing/route-reserve-rates';
import { RouterService, RoutingFailure, type AttemptInfo } from '../../routing/router.service';
import type { UsageEvent } from '../../usage/usage-event';
import { UsageService } from '../../usage/usage.service';
import { AnswerWriter } from './answer-writer';
import { errorTypeOf } from './error-type';
import type { AttemptOutcome, Operation, ParsedCall, ResponseContext } from './operation';
import { RequestMeter } from './request-meter';

/**
 * The one request path of every metered operation: authenticate → parse → allowlist → admit (rate
 * limits and a budget reservation, one Redis round trip) → route (retries, fallbacks) → one attempt
 * per deployment (the operation's own) → meter exactly once → answer once (AnswerWriter). What
 * differs between operations is data on the Operation; what differs between providers is data on
 * the adapter.
 */
@Injectable()
export class MeteredPipeline {
  private readonly writer: AnswerWriter;

  constructor(
    private readonly auth: AuthService,
    private readonly catalog: CatalogService,
    private readonly router: RouterService,
    private readonly reserveRates: RouteReserveRates,
    private readonly usage: UsageService,
    private readonly limits: LimitsService,
    private readonly metrics: MetricsService,
    private readonly providers: ProviderRegistry,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.writer = new AnswerWriter(logger);
  }

  /** How many requests are in progress (graceful shutdown waits for them to be metered). */
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];
  /** One callback for every request's end, settled or not: no closure or promise chain per request. */
  private readonly ended = (): void => {
    if (--this.inFlight === 0 && this.idleWaiters.length > 0)
      for (const wake of this.idleWaiters.splice(0)) wake();
  };

  serve<R>(op: Operation<R>, req: InferenceRequest, res: InferenceResponse): Promise<void> {
    this.inFlight++;
    const served = this.serveOnce(op, req, res);
    served.then(this.ended, this.ended);
    return served;
  }

  /** Resolves once every request in progress has ended, its usage committed (graceful shutdown). */
  idle(): Promise<void> {
    return this.inFlight === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async serveOnce<R>(op: Operation<R>, req: InferenceRequest, res: InferenceResponse): Promise<void> {
    const state = { admitted: false };
    try {
      await this.run(op, req, res, state);
    } catch (err) {
      // Refused before reaching a provider (401/403/404/400/429): counted in /metrics, not in usage records.
      if (!state.admitted) {
        const status = err instanceof GatewayError ? err.status : 500;
        const code = err instanceof GatewayError ? err.code : 'internal';
        this.metrics.refused(op.name, status, code);
        if (this.logger.isLevelEnabled('info'))
          this.logger.info({ request_id: req.requestId, endpoint: op.name, status, code }, 'request refused');
      }
      throw err;
    }
  }

  private async run<R>(
    op: Operation<R>,
    req: InferenceRequest,
    res: InferenceResponse,
    state: { admitted: boolean },
  ): Promise<void> {
    // x-request-id is already on the answer (fast routes and the Express middleware both set it).
    const requestId = requestIdOf(req);
    const identity = await this.auth.authenticate(req);
    const parsed = parse(op, req);
    const resolved = this.resolve(op, parsed, identity);

    const eventId = uuid7();
    const admission = await this.admit(eventId, identity, op, parsed, resolved, res);
    // After the limits: a flood of requests naming made-up resources is rate limited like any other.
    const owned = op.authorize?.(identity, parsed);
    if (owned) await this.released(admission, owned);
    state.admitted = true;
    const abort = new Cancellation();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    const meter = new RequestMeter({
      id: eventId,
      requestId,
      identity,
      endpoint: parsed.endpoint,
      stream: parsed.stream,
      publicModel: resolved.requestedName,
      promptTokens: parsed.promptTokens,
    });
    let committed = false;
    /** Meters the request once; awaited before the answer completes, so a crash right after it loses no record. */
    const commit = async (): Promise<void> => {
      if (committed) return;
      committed = true;
      if (!meter.metered) {
        this.usage.release(admission);
        return;
      }
      const event = meter.finish();
      this.accessLog(event);
      // Per-deployment tpm (routing constraint and usage-based strategy); memory only.
      this.router.recordTokens(
        event.deploymentId,
        (event.usage?.promptTokens ?? 0) + (event.usage?.completionTokens ?? 0),
      );
      await this.usage.commit(event, admission);
    };
    try {
      const routed = await this.router.run(
        resolved,
        (info) => this.attempt(op, parsed, resolved, info, requestId, identity, meter, abort),
        abort,
      );
      meter.served(routed.info);
      this.writer.routingHeaders(res, routed.info, routed.attempts);
      const { completed } = op;
      await this.writer.write(
        res,
        routed.value,
        meter,
        commit,
        completed && ((body) => completed.call(op, { parsed, resolved, identity, info: routed.info }, body)),
      );
    } catch (err) {
      const failure = err instanceof RoutingFailure ? err : new RoutingFailure(err);
      if (failure.last) meter.served(failure.last);
      const gatewayError = toGatewayError(failure.error);
      meter.failed(abort.aborted ? 499 : gatewayError.status, errorTypeOf(failure.error));
      if (res.headersSent || abort.aborted) {
        res.destroy();
        return;
      }
      throw gatewayError;
    } finally {
      await commit();
    }
  }

  /** The catalog model of the call (the caller allowed to use it), as the operation adjusts it. */
  private resolve<R>(op: Operation<R>, parsed: ParsedCall<R>, identity: Identity): ResolvedModel {
    const resolved = this.catalog.resolve(parsed.publicModel);
    if (!resolved)
      throw new GatewayError('model_not_found', `The model '${parsed.publicModel}' does not exist`, {
        param: 'model',
      });
    this.auth.authorizeModel(identity, resolved.model.name);
    return op.onResolved ? op.onResolved(resolved, parsed) : resolved;
  }

  /** Awaits `check`; when it rejects, the admission is given back first (nothing went upstream). */
  private async released(admission: Admission, check: Promise<void>): Promise<void> {
    try {
      await check;
    } catch (err) {
      this.usage.release(admission);
      throw err;
    }
  }

  /** One JSON line per metered request (at info level; no secrets: ids, model, status, timings). */
  private accessLog(e: UsageEvent): void {
    if (!this.logger.isLevelEnabled('info')) return;
    this.logger.info(
      {
        request_id: e.requestId,
        key_id: e.keyId,
        model: e.model,
        provider: e.provider,
        deployment_id: e.deploymentId,
        endpoint: e.endpoint,
        status: e.statusCode,
        error_type: e.errorType,
        latency_ms: e.latencyMs,
        ttft_ms: e.ttftMs,
        stream: e.stream,
      },
      'request',
    );
  }

  /**
   * Rate limits and budget reservation, one Redis round trip before the upstream call (contract §9.10,
   * §9.21, §9.22). Sets the `x-ratelimit-*` headers; throws 429 when a limit or budget is reached.
   */
  private async admit<R>(
    eventId: string,
    identity: Identity,
    op: Operation<R>,
    parsed: ParsedCall<R>,
    resolved: ResolvedModel,
    res: InferenceResponse,
  ): Promise<Admission> {
    if (!this.limits.enabled) return this.limits.unmetered(eventId); // SWITCHBOARD_METERING=off
    // A refusal carries its x-ratelimit-* headers on the error (the error renderer sets them).
    const admission = await this.limits.admit({
      eventId,
      identity,
      promptTokens: parsed.promptTokens,
      reserveNano: op.reserveNano(parsed, this.reserveRates.of(resolved), resolved),
    });
    for (const k in admission.headers) queueHeader(res, k, admission.headers[k]);
    return admission;
  }

  private attempt<R>(
    op: Operation<R>,
    parsed: ParsedCall<R>,
    resolved: ResolvedModel,
    info: AttemptInfo,
    requestId: string,
    identity: Identity,
    meter: RequestMeter,
    signal: Cancellation,
  ): Promise<AttemptOutcome> {
    const adapter = this.providers.get(info.target.provider);
    if (!adapter)
      throw new ProviderError({
        kind: 'unsupported',
        message: `provider '${info.target.provider}' is not available in this build`,
      });
    meter.served(info);
    const rctx: ResponseContext = {
      publicModel: resolved.requestedName,
      upstreamModel: info.target.upstreamModel,
      requestId,
      clientWantsStreamUsage: parsed.clientWantsStreamUsage,
      streamFormat: parsed.streamFormat,
    };
    const ctx = { deployment: info.target, requestId };
    return op.attempt({ adapter, parsed, resolved, info, identity, ctx, rctx, meter, signal });
  }
}

function parse<R>(op: Operation<R>, req: InferenceRequest): ParsedCall<R> {
  try {
    const parsed = op.parse(req.body, req.params as Record<string, string>, req.query);
    if (op.forwardHeaders) parsed.forwardHeaders = op.forwardHeaders(req.headers);
    return parsed;
  } catch (err) {
    if (err instanceof DialectValidationError)
      throw new GatewayError('invalid_request', err.message, { param: err.param });
    throw err;
  }
}
