import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { uuid7 } from '../../common/ids/uuid7';
import { GatewayError } from '../../common/errors/gateway-error';
import { toGatewayError } from '../../common/errors/provider-error.mapping';
import { requestIdOf } from '../../common/http/request-context';
import { queueHeader, writeHeadWithQueued } from '../../common/http/response-headers';
import { SSE_HEADERS, writeFrames } from '../../common/http/sse-writer';
import type { InferenceRequest, InferenceResponse } from '../../common/http/inference-request';
import { sendJson } from '../../common/http/send-json';
import { LOGGER } from '../../common/logging/logger.module';
import type { Logger } from '../../common/logging/logger';
import { DialectValidationError } from '../../dialects/dialect-validation-error';
import type { ProviderContext } from '../../providers/core/adapter';
import type { ChatStreamEvent, Usage } from '../../providers/core/canonical';
import { ProviderClient } from '../../providers/core/provider-client';
import { ProviderError } from '../../providers/core/provider-error';
import { estimatePromptTokens } from '../../providers/core/token-estimate';
import { getAdapter } from '../../providers/provider-registry';
import { AuthService } from '../auth/auth.service';
import type { Identity } from '../auth/identity';
import { CatalogService } from '../routing/catalog.service';
import type { ResolvedModel } from '../routing/catalog.types';
import { RouteReserveRates } from '../routing/route-reserve-rates';
import { RouterService, RoutingFailure, type AttemptInfo } from '../routing/router.service';
import { LimitsService, type Admission } from '../limits/limits.service';
import { MetricsService } from '../metrics/metrics.service';
import { reserveEstimateNano } from '../usage/pricing/reserve-estimate';
import type { UsageEvent } from '../usage/usage-event';
import { UsageService } from '../usage/usage.service';
import type { ChatDialectHandler, ParsedChat, ResponseContext } from './chat-dialect';
import { ChatRequestPreparer } from './chat-request-preparer';
import { ChatResponseValidator, type AnswerCheck } from './chat-response-validator';
import { cachedContentNamedBy, type NamedCache } from './preparation/gemini-cache-access';
import { GeminiCacheRegistry } from './preparation/gemini-cache-registry';
import { RequestMeter } from './request-meter';
import { Cancellation, type CancelSignal } from '../../providers/core/cancel';

/** What one successful attempt produced, before anything was written to the client. */
type AttemptOutcome =
  | { kind: 'json'; body: unknown; usage?: Usage }
  | {
      kind: 'stream';
      format: 'sse' | 'json-array';
      frames: AsyncIterable<string>;
      /** Set when the stream ends with a check (enforce_validation). */
      check?: AnswerCheck;
    };

/**
 * The chat request path: authenticate → parse → resolve model → route (retries, fallbacks) → write
 * JSON or SSE once → meter. Streams are checked up to their first event before the client sees a byte,
 * so a failing upstream can still be retried.
 */
@Injectable()
export class ChatService {
  constructor(
    private readonly auth: AuthService,
    private readonly catalog: CatalogService,
    private readonly router: RouterService,
    private readonly reserveRates: RouteReserveRates,
    private readonly usage: UsageService,
    private readonly limits: LimitsService,
    private readonly metrics: MetricsService,
    private readonly client: ProviderClient,
    private readonly preparer: ChatRequestPreparer,
    private readonly validator: ChatResponseValidator,
    private readonly geminiCaches: GeminiCacheRegistry,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async handle(
    req: InferenceRequest,
    res: InferenceResponse,
    dialect: ChatDialectHandler,
    endpoint: string,
  ): Promise<void> {
    const state = { admitted: false };
    try {
      await this.serve(req, res, dialect, endpoint, state);
    } catch (err) {
      // Refused before reaching a provider (401/403/404/400/429): counted in /metrics, not in usage records.
      if (!state.admitted) {
        const status = err instanceof GatewayError ? err.status : 500;
        const code = err instanceof GatewayError ? err.code : 'internal';
        this.metrics.refused(endpoint, status, code);
        if (this.logger.isLevelEnabled('info'))
          this.logger.info({ request_id: req.requestId, endpoint, status, code }, 'request refused');
      }
      throw err;
    }
  }

  private async serve(
    req: InferenceRequest,
    res: InferenceResponse,
    dialect: ChatDialectHandler,
    endpoint: string,
    state: { admitted: boolean },
  ): Promise<void> {
    // x-request-id is already on the answer (fast routes and the Express middleware both set it).
    const requestId = requestIdOf(req);
    const identity = await this.auth.authenticate(req);
    const parsed = this.parse(dialect, req);
    const resolved = this.catalog.resolve(parsed.publicModel);
    if (!resolved)
      throw new GatewayError('model_not_found', `The model '${parsed.publicModel}' does not exist`, {
        param: 'model',
      });
    this.auth.authorizeModel(identity, resolved.model.name);
    if (resolved.noThink) parsed.request.reasoning = { ...parsed.request.reasoning, effort: 'none' };

    const eventId = uuid7();
    const admission = await this.admit(eventId, identity, parsed, resolved, res);
    // After the limits: a flood of requests naming made-up caches is rate limited like any other.
    const cache = cachedContentNamedBy(parsed);
    if (cache !== undefined) await this.authorizeCache(identity, cache, admission);
    state.admitted = true;
    const abort = new Cancellation();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    const meter = new RequestMeter({
      id: eventId,
      requestId,
      identity,
      endpoint: parsed.operation ?? endpoint,
      stream: parsed.stream,
      publicModel: resolved.requestedName,
      request: parsed.request,
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
        (info) => this.attempt(dialect, parsed, resolved, info, requestId, identity, meter, abort),
        abort,
      );
      meter.served(routed.info);
      this.setRoutingHeaders(res, routed.info, routed.attempts);
      await this.write(res, routed.value, meter, commit);
    } catch (err) {
      const failure = err instanceof RoutingFailure ? err : new RoutingFailure(err);
      if (failure.last) meter.served(failure.last);
      const gatewayError = toGatewayError(failure.error);
      meter.failed(abort.aborted ? 499 : gatewayError.status, errorType(failure.error));
      if (res.headersSent || abort.aborted) {
        res.destroy();
        return;
      }
      throw gatewayError;
    } finally {
      await commit();
    }
  }

  /**
   * A Gemini cache named in the request must be the caller's (or the caller an admin): 404 otherwise,
   * the admission given back (nothing went upstream).
   */
  private async authorizeCache(
    identity: Identity,
    { name, field }: NamedCache,
    admission: Admission,
  ): Promise<void> {
    let allowed: boolean;
    try {
      allowed = await this.geminiCaches.mayUse(identity, name);
    } catch (err) {
      this.usage.release(admission);
      throw err;
    }
    if (allowed) return;
    this.usage.release(admission);
    throw new GatewayError('not_found', `${name} not found`, { param: field });
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
  private async admit(
    eventId: string,
    identity: Identity,
    parsed: ParsedChat,
    resolved: ResolvedModel,
    res: InferenceResponse,
  ): Promise<Admission> {
    if (!this.limits.enabled) return this.limits.unmetered(eventId); // SWITCHBOARD_METERING=off
    const promptTokens = estimatePromptTokens(parsed.request);
    const reserveOutput =
      parsed.request.maxTokens ??
      Number(resolved.model.settings.default_reserve_output_tokens ?? DEFAULT_RESERVE_OUTPUT_TOKENS);
    // A refusal carries its x-ratelimit-* headers on the error (the error renderer sets them).
    const admission = await this.limits.admit({
      eventId,
      identity,
      promptTokens,
      reserveNano: reserveEstimateNano(
        promptTokens,
        reserveOutput,
        this.reserveRates.of(resolved),
        parsed.request.audio !== undefined || parsed.request.modalities?.includes('audio') === true,
      ),
    });
    for (const k in admission.headers) queueHeader(res, k, admission.headers[k]);
    return admission;
  }

  private parse(dialect: ChatDialectHandler, req: InferenceRequest): ParsedChat {
    try {
      return dialect.parse(req.body, req.params as Record<string, string>, req.query);
    } catch (err) {
      if (err instanceof DialectValidationError)
        throw new GatewayError('invalid_request', err.message, { param: err.param });
      throw err;
    }
  }

  private async attempt(
    dialect: ChatDialectHandler,
    parsed: ParsedChat,
    resolved: ResolvedModel,
    info: AttemptInfo,
    requestId: string,
    identity: Identity,
    meter: RequestMeter,
    signal: CancelSignal,
  ): Promise<AttemptOutcome> {
    const adapter = getAdapter(info.target.provider);
    if (!adapter)
      throw new ProviderError({
        kind: 'unsupported',
        message: `provider '${info.target.provider}' is not available in this build`,
      });
    meter.served(info);
    const ctx: ProviderContext = { deployment: info.target, requestId };
    const rctx: ResponseContext = {
      publicModel: resolved.requestedName,
      upstreamModel: info.target.upstreamModel,
      requestId,
      clientWantsStreamUsage: parsed.clientWantsStreamUsage,
      streamFormat: parsed.streamFormat ?? 'sse',
    };
    const check = this.validator.forRequest(parsed.request);
    if (check) rctx.answerCheck = check;
    const operation = parsed.operation ?? dialect.operation;
    if (parsed.passthroughOnly && adapter.passthrough?.wire !== dialect.wire) {
      throw new ProviderError({
        kind: 'unsupported',
        param: 'model',
        message: `'${operation}' is served only by ${dialect.wire} deployments; model '${resolved.requestedName}' is on ${info.target.provider}`,
      });
    }
    if (adapter.passthrough && adapter.passthrough.wire === dialect.wire) {
      const codec = adapter.passthrough;
      const result = await this.client.passthrough(codec, operation, parsed.body, ctx, parsed.stream, signal);
      if (result.events) {
        const events = await peekFirst(result.events);
        const observed = tap(events, (ev) => {
          const chunk = parseChunk(ev.data);
          meter.observeChunk(chunk);
          meter.usage(codec.usageFromStreamChunk(operation, chunk));
        });
        return {
          kind: 'stream',
          format: rctx.streamFormat,
          frames: dialect.passthroughStream(observed, rctx),
          check,
        };
      }
      meter.usage(codec.usageFromResponse(operation, result.body));
      return { kind: 'json', body: dialect.passthroughJson(result.body, rctx, result.text) };
    }
    if (dialect.invoke) {
      const result = await dialect.invoke(this.client, adapter, parsed, ctx, rctx, signal);
      meter.usage(result.usage);
      return { kind: 'json', body: result.body };
    }
    const request = await this.preparer.prepare(adapter, parsed.request, ctx, identity, info.model, signal);
    if (parsed.stream) {
      const events = meter.watch(await peekFirst(await this.client.stream(adapter, request, ctx, signal)));
      const id = `chatcmpl-${randomUUID().replace(/-/g, '')}`;
      return {
        kind: 'stream',
        format: rctx.streamFormat,
        frames: dialect.toSseFrames(check ? check.watch(events) : events, rctx, id),
        check,
      };
    }
    const resp = await this.client.complete(adapter, request, ctx, signal);
    meter.usage(resp.usage);
    this.validator.check(request, resp);
    return { kind: 'json', body: dialect.toJson(resp, rctx) };
  }

  private setRoutingHeaders(res: InferenceResponse, info: AttemptInfo, attempts: number): void {
    queueHeader(res, 'x-switchboard-deployment', info.deployment.id);
    queueHeader(res, 'x-switchboard-provider', info.deployment.provider);
    queueHeader(res, 'x-switchboard-upstream-model', info.target.upstreamModel);
    if (attempts > 1) queueHeader(res, 'x-switchboard-attempts', String(attempts));
  }

  private async write(
    res: InferenceResponse,
    outcome: AttemptOutcome,
    meter: RequestMeter,
    commit: () => Promise<void>,
  ): Promise<void> {
    if (outcome.kind === 'json') {
      meter.succeeded(200);
      await commit();
      sendJson(res, 200, outcome.body);
      return;
    }
    writeHeadWithQueued(
      res,
      200,
      outcome.format === 'sse' ? SSE_HEADERS : ['content-type', 'application/json; charset=utf-8'],
    );
    res.flushHeaders();
    try {
      await writeFrames(res, outcome.frames, () => meter.firstByte());
      const failure = res.destroyed ? undefined : outcome.check?.failure();
      if (failure) meter.failed(failure.status, failure.code);
      else meter.succeeded(200);
      await commit();
      res.end();
    } catch (err) {
      meter.failed(res.destroyed ? 499 : 502, errorType(err));
      this.logger.warn(
        { request_id: meter.requestId, err: err instanceof Error ? err.message : String(err) },
        'stream ended with an error',
      );
      res.destroy();
    }
  }
}

const DEFAULT_RESERVE_OUTPUT_TOKENS = 4096;

function errorType(err: unknown): string {
  if (err instanceof ProviderError) return err.kind;
  if (err instanceof GatewayError) return err.code;
  return 'internal';
}

/** Waits for the first event so upstream failures surface before the client sees a byte. */
async function peekFirst<T>(source: AsyncIterable<T>): Promise<AsyncIterable<T>> {
  const it = source[Symbol.asyncIterator]();
  const first = await it.next();
  return {
    async *[Symbol.asyncIterator]() {
      if (first.done) return;
      yield first.value;
      while (true) {
        const next = await it.next();
        if (next.done) return;
        yield next.value;
      }
    },
  };
}

/** One stream event's data as JSON, parsed once for every reader (undefined for `[DONE]` or non-JSON). */
function parseChunk(data: string): unknown {
  if (!data || data === '[DONE]') return undefined;
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

async function* tap<T>(events: AsyncIterable<T>, onEvent: (ev: T) => void): AsyncIterable<T> {
  for await (const ev of events) {
    onEvent(ev);
    yield ev;
  }
}

export type { ChatStreamEvent };
