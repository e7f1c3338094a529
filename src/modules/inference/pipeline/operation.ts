import type { IncomingHttpHeaders } from 'node:http';
import type { ProviderAdapter, ProviderContext, WireFormat } from '../../../providers/core/adapter';
import type { CancelSignal } from '../../../providers/core/cancel';
import type { Identity } from '../../auth/identity';
import type { ResolvedModel } from '../../routing/catalog.types';
import type { AttemptInfo } from '../../routing/router.service';
import type { ReserveRates } from '../../usage/pricing/reserve-estimate';
import type { AnswerCheck } from '../chat-response-validator';
import type { RequestMeter } from './request-meter';

/** Every metered operation the gateway serves; the route table names one per route. */
export const OPERATION_NAMES = [
  'chat.completions',
  'completions',
  'embeddings',
  'generateContent',
  'countTokens',
  'google.embeddings',
  'cachedContents.create',
  'messages',
  'messages.countTokens',
  'audio.transcriptions',
  'audio.translations',
  'audio.speech',
  'images.generations',
  'images.edits',
  'responses',
] as const;
export type OperationName = (typeof OPERATION_NAMES)[number];

/** A request once its dialect has parsed it: what the pipeline needs, whatever the operation. */
export interface ParsedCall<R = unknown> {
  publicModel: string;
  stream: boolean;
  /** The client's raw body (forwarded as is on passthrough). */
  body: Record<string, unknown>;
  /** The operation's canonical request. */
  request: R;
  /** The endpoint recorded in usage (e.g. `chat.completions`, `streamGenerateContent`, `cache_create`). */
  endpoint: string;
  /** Prompt tokens, estimated once from the request (reservation, rate limits, estimate on abort). */
  promptTokens: number;
  /** The client asked for usage in the stream (OpenAI `stream_options.include_usage`). */
  clientWantsStreamUsage: boolean;
  /** Streamed answers are SSE unless the dialect says otherwise (Google without `alt=sse`: a JSON array). */
  streamFormat: 'sse' | 'json-array';
  /**
   * Client headers a passthrough forwards to a deployment of the dialect's wire (the Anthropic
   * dialect: `anthropic-version`, `anthropic-beta`), set by the dialect; translated calls ignore them.
   */
  forwardHeaders?: Record<string, string>;
}

/** What an answer's serialiser needs to know about the call. */
export interface ResponseContext {
  publicModel: string;
  upstreamModel: string;
  requestId: string;
  clientWantsStreamUsage: boolean;
  streamFormat: 'sse' | 'json-array';
  /**
   * The answer's response-schema check (`enforce_validation`), when asked for. A translated stream's
   * text is collected before the dialect sees it; a dialect collects a passthrough stream's itself
   * (`add`), and ends a stream whose `failure()` names an error with that error, in its own shape; a
   * passthrough JSON answer that fails (`failureOf`) is thrown.
   */
  answerCheck?: AnswerCheck;
}

/** What one successful attempt produced, before anything was written to the client. */
export type AttemptOutcome =
  | { kind: 'json'; body: unknown }
  /**
   * A body that is not JSON (a transcript as text, srt or vtt; speech audio) sent with its content
   * type: whole, or streamed chunk by chunk as the upstream sends it.
   */
  | { kind: 'raw'; contentType: string; body: string | Uint8Array | AsyncIterable<Uint8Array> }
  | {
      kind: 'stream';
      format: 'sse' | 'json-array';
      frames: AsyncIterable<string>;
      /** Set when the stream ends with a check (enforce_validation). */
      check?: AnswerCheck;
      /**
       * The frame that tells the client, in its dialect, of a failure after the stream began (then the
       * answer ends normally, so the client's SDK raises it); absent or undefined: the answer is cut.
       */
      failureFrame?: (err: unknown) => string | undefined;
    };

/** One attempt on one deployment, as the pipeline hands it to the operation. */
export interface Attempt<R> {
  adapter: ProviderAdapter;
  parsed: ParsedCall<R>;
  resolved: ResolvedModel;
  /** The deployment tried and the model it serves (a fallback's, on a fallback). */
  info: AttemptInfo;
  identity: Identity;
  ctx: ProviderContext;
  rctx: ResponseContext;
  meter: RequestMeter;
  signal: CancelSignal;
}

/** A served call, as `completed` sees it. */
export interface Completed<R> {
  parsed: ParsedCall<R>;
  resolved: ResolvedModel;
  identity: Identity;
  info: AttemptInfo;
}

/**
 * One metered operation, as data: its dialect parse, its reservation estimate, the deployments that can
 * serve it, and one attempt on a deployment (codec call, usage read into the meter, answer in the
 * caller's dialect). The pipeline (MeteredPipeline) runs auth → parse → allowlist → admit → route →
 * attempt → meter the same way for every one of them.
 */
export interface Operation<R = unknown> {
  readonly name: OperationName;
  /** The caller's wire format: a deployment speaking it gets the body passed through. */
  readonly wire: WireFormat;
  parse(body: unknown, params: Record<string, string>, query: Record<string, unknown>): ParsedCall<R>;
  /** Client headers a passthrough forwards (set on `ParsedCall.forwardHeaders`); absent: none. */
  forwardHeaders?(headers: IncomingHttpHeaders): Record<string, string> | undefined;
  /** The budget reserved before the call, in nano-USD (an integer) (priced at the route's costliest rates). */
  reserveNano(parsed: ParsedCall<R>, rates: ReserveRates, resolved: ResolvedModel): number;
  /**
   * Adjusts the route once the model is resolved: e.g. keeps only the deployments that can serve the
   * operation (a 400 naming `model` if none), or applies the model's settings to the request.
   */
  onResolved?(resolved: ResolvedModel, parsed: ParsedCall<R>): ResolvedModel;
  /**
   * Checks the caller's right to resources the request names (after admission; rejects to refuse).
   * Undefined when the request names none: nothing is awaited on the common path.
   */
  authorize?(identity: Identity, parsed: ParsedCall<R>): Promise<void> | undefined;
  attempt(a: Attempt<R>): Promise<AttemptOutcome>;
  /**
   * After a successful JSON answer was metered, before it is sent: e.g. remember the owner of what was
   * created. Returns the body to send.
   */
  completed?(a: Completed<R>, body: unknown): Promise<unknown>;
}
