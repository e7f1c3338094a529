import type { ChatStreamEvent, Usage } from '../../../providers/core/canonical';
import type { Identity } from '../../auth/identity';
import type { AttemptInfo } from '../../routing/router.service';
import { costTextOf, type CostExtras } from '../../usage/pricing/cost';
import { effectivePricing } from '../../usage/pricing/price-table';
import type { UsageEvent } from '../../usage/usage-event';

/** Provider-side storage a call bought: tokens kept for seconds (exact decimal text). */
export interface CacheStorage {
  tokens: number;
  seconds: string;
}

interface MeterInit {
  id: string;
  requestId: string;
  identity: Identity;
  endpoint: string;
  stream: boolean;
  publicModel: string;
  /** The prompt's estimated tokens (what an aborted request without reported usage is billed for). */
  promptTokens: number;
}

/**
 * Collects what one request did — the serving deployment, usage (reported or estimated), status,
 * latency and time to first token — and turns it into exactly one UsageEvent.
 */
export class RequestMeter {
  private readonly started = performance.now();
  private readonly createdAt = new Date();
  private info?: AttemptInfo;
  private reported?: Usage;
  private streamedChars = 0;
  private ttftMs?: number;
  private status = 0;
  private errorType?: string;
  private stored?: CacheStorage;
  private audio?: string;

  constructor(private readonly init: MeterInit) {}

  get requestId(): string {
    return this.init.requestId;
  }

  /** A request is metered once it was sent toward a provider (contract §7). */
  get metered(): boolean {
    return this.info !== undefined;
  }

  served(info: AttemptInfo): void {
    this.info = info;
  }

  usage(u: Usage | undefined): void {
    if (u) this.reported = u;
  }

  /** Provider-side storage the call bought (a context cache's tokens × seconds), priced with the usage. */
  storage(stored: CacheStorage): void {
    this.stored = stored;
  }

  /** Seconds of audio the call transcribed or produced (decimal text), recorded and priced at `per_audio_second`. */
  audioSeconds(seconds: string): void {
    this.audio = seconds;
  }

  firstByte(): void {
    this.ttftMs ??= Math.round(performance.now() - this.started);
  }

  succeeded(status: number): void {
    if (this.status === 0) this.status = status;
  }

  failed(status: number, errorType: string): void {
    this.status = status;
    this.errorType = errorType;
  }

  /** Observes canonical stream events for usage and for the text streamed so far. */
  async *watch(events: AsyncIterable<ChatStreamEvent>): AsyncGenerator<ChatStreamEvent> {
    for await (const ev of events) {
      if (ev.type === 'usage') this.reported = ev.usage;
      else if (ev.type === 'text' || ev.type === 'reasoning' || ev.type === 'refusal')
        this.streamedChars += ev.text.length;
      else if (ev.type === 'tool_call')
        this.streamedChars += ev.argumentsDelta.length + (ev.name?.length ?? 0);
      yield ev;
    }
  }

  /** Passthrough streams: counts the generated text of a raw provider event (OpenAI, Anthropic, Gemini shapes). */
  /** Counts the text of one passthrough stream chunk (already parsed), for the estimate on abort. */
  observeChunk(chunk: unknown): void {
    if (chunk !== undefined) this.streamedChars += generatedChars(chunk);
  }

  finish(): UsageEvent {
    const usage = this.reported ?? this.estimate();
    const model = this.info?.model.model;
    return {
      id: this.init.id,
      requestId: this.init.requestId,
      createdAt: this.createdAt,
      keyId: this.init.identity.keyId,
      teamId: this.init.identity.teamId,
      model: this.init.publicModel,
      deploymentId: this.info?.deployment.id,
      provider: this.info?.deployment.provider,
      upstreamModel: this.info?.target.upstreamModel,
      endpoint: this.init.endpoint,
      statusCode: this.status || 500,
      errorType: this.errorType,
      usage,
      costUsd:
        usage && model
          ? costTextOf(
              usage,
              effectivePricing(model.pricing, this.info?.target.upstreamModel, model.name),
              this.extras(),
            )
          : '0',
      // Set on every event (undefined when none), so the literal keeps one shape: no spread per request.
      audioSeconds: this.audio,
      latencyMs: Math.round(performance.now() - this.started),
      ttftMs: this.ttftMs,
      stream: this.init.stream,
    };
  }

  private extras(): CostExtras | undefined {
    if (!this.stored && !this.audio) return undefined;
    return {
      ...(this.stored ? { cacheStorage: this.stored } : {}),
      ...(this.audio ? { audioSeconds: this.audio } : {}),
    };
  }

  /** No usage from the provider: count the prompt and what was streamed locally (contract §9.16). */
  private estimate(): Usage | undefined {
    if (this.status >= 400 && this.status !== 499 && this.streamedChars === 0) return undefined;
    return {
      promptTokens: this.init.promptTokens,
      completionTokens: Math.ceil(this.streamedChars / 4),
      estimated: true,
    };
  }
}

/** Characters of generated text in one provider stream event, whatever its wire shape. */
function generatedChars(ev: unknown): number {
  const e = ev as {
    choices?: Array<{
      /** A legacy completion chunk's text. */
      text?: unknown;
      delta?: {
        content?: unknown;
        reasoning_content?: unknown;
        tool_calls?: Array<{ function?: { arguments?: unknown } }>;
      };
    }>;
    delta?: { text?: unknown; thinking?: unknown; partial_json?: unknown };
    candidates?: Array<{ content?: { parts?: Array<{ text?: unknown }> } }>;
  };
  const len = (v: unknown) => (typeof v === 'string' ? v.length : 0);
  let n = 0;
  for (const c of e?.choices ?? []) {
    n += len(c.text) + len(c.delta?.content) + len(c.delta?.reasoning_content);
    for (const t of c.delta?.tool_calls ?? []) n += len(t.function?.arguments);
  }
  if (e?.delta) n += len(e.delta.text) + len(e.delta.thinking) + len(e.delta.partial_json);
  for (const c of e?.candidates ?? []) for (const p of c.content?.parts ?? []) n += len(p.text);
  return n;
}
