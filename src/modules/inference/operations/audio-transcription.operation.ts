import { JsonText } from '../../../common/http/send-json';
import { fromOpenAiTranscriptionForm, type ParsedTranscription } from '../../../dialects/openai/openai-audio';
import {
  lastCueEndSeconds,
  secondsText,
  streamedTranscriptionMeteringOf,
  transcriptionMeteringOf,
} from '../../../dialects/openai/openai-audio-usage';
import { headerValue, parseBodyText } from '../../../providers/core/http-executor';
import { readTextChecked, type ProviderClient } from '../../../providers/core/provider-client';
import { ProviderError } from '../../../providers/core/provider-error';
import { estimateTextPromptTokens } from '../../../providers/core/token-estimate';
import { wavDurationSeconds } from '../../../providers/core/wav';
import { perAudioSecondReserveNano, reserveEstimateNano } from '../../usage/pricing/reserve-estimate';
import type { Operation } from '../pipeline/operation';
import { openAiWireOnly } from './openai-wire-only';

/** Output tokens reserved for a transcript (the audio's own tokens are not known before the call). */
const RESERVED_OUTPUT_TOKENS = 1_024;
/**
 * The lowest bitrate the duration bound assumes for an upload that is not a WAV file: 16 kbit/s
 * (2,000 bytes a second), below any speech codec setting OpenAI's formats are usually encoded at
 * (mp3 ≥ 32 kbit/s, m4a/aac ≥ 24, webm/ogg opus at its speech default 24–32).
 */
const LOWEST_BYTES_PER_SECOND = 2_000;

/**
 * The seconds of audio an upload can hold, an upper bound the reservation prices at `per_audio_second`:
 * a WAV file's duration from its header (rounded up to whole seconds, the unit OpenAI reports), any other
 * container its byte length at the lowest bitrate (LOWEST_BYTES_PER_SECOND). The call settles at the
 * seconds the provider reports. Audio encoded below 16 kbit/s (opus at 6–12 kbit/s) holds more than the
 * bound: such a call reserves less than it costs (the settlement still bills it whole).
 */
export function reservedAudioSeconds(file: Uint8Array): number {
  const wav = wavDurationSeconds(file);
  return wav !== undefined ? Math.ceil(wav) : Math.ceil(file.length / LOWEST_BYTES_PER_SECOND);
}

/**
 * OpenAI `POST /v1/audio/transcriptions` and `/v1/audio/translations` (multipart): served by
 * OpenAI-wire deployments only (another model: a 400 naming `model`). The parsed form is encoded once
 * more, `model` replaced, and sent on; the answer comes back in the asked `response_format`: json and
 * verbose_json as the upstream's JSON text, text/srt/vtt as text with the upstream's content type. A
 * streamed transcription (`stream=true`, gpt-4o-transcribe) is read whole and sent as the SSE text it
 * was, metered from its `transcript.text.done` event.
 *
 * Metering: tokens when the answer reports them (`usage.input_tokens`, its audio part from
 * `input_token_details.audio_tokens`: gpt-4o-transcribe), else zero tokens; audio seconds from
 * `usage.seconds` or verbose_json's `duration`, else from the uploaded file's WAV header, else from the
 * last srt/vtt cue (marked estimated). Seconds are priced at `per_audio_second` (whisper-1: 0.0001).
 */
export function transcriptionOperation(
  name: 'audio.transcriptions' | 'audio.translations',
  client: ProviderClient,
): Operation<ParsedTranscription> {
  return {
    name,
    wire: 'openai',
    parse(body) {
      const p = fromOpenAiTranscriptionForm(body, name === 'audio.translations');
      return {
        publicModel: p.publicModel,
        stream: false,
        body: {},
        request: p,
        endpoint: name,
        promptTokens: p.prompt ? estimateTextPromptTokens(p.prompt) : 0,
        clientWantsStreamUsage: false,
        streamFormat: 'sse',
      };
    },
    reserveNano: (parsed, rates) =>
      reserveEstimateNano(parsed.promptTokens, RESERVED_OUTPUT_TOKENS, rates) +
      perAudioSecondReserveNano(reservedAudioSeconds(parsed.request.file.data), rates),
    onResolved: (resolved) =>
      openAiWireOnly(resolved, `${name.replace('.', '/')} is served by OpenAI-wire models`),
    async attempt({ adapter, parsed, ctx, rctx, meter, signal }) {
      const codec = adapter.passthrough;
      if (codec?.wire !== 'openai' || !codec.buildUpload)
        throw new ProviderError({
          kind: 'unsupported',
          param: 'model',
          message: `model '${rctx.publicModel}' is on ${adapter.id}, which has no ${name.replace('.', '/')} endpoint`,
        });
      const res = await client.openAccepted(
        codec.buildUpload(name, parsed.request.form, ctx),
        codec.parseError,
        ctx,
        signal,
      );
      const text = await readTextChecked(res);
      const format = parsed.request.responseFormat;
      const contentType = headerValue(res.headers, 'content-type');
      const sse = contentType?.includes('text/event-stream') === true;
      const json = !sse && (format === 'json' || format === 'verbose_json') ? parseBodyText(text) : undefined;
      const reported = sse ? streamedTranscriptionMeteringOf(text) : transcriptionMeteringOf(json);
      const fromFile = wavDurationSeconds(parsed.request.file.data);
      const fromCues = format === 'srt' || format === 'vtt' ? lastCueEndSeconds(text) : undefined;
      const seconds = reported.seconds ?? fromFile ?? fromCues;
      const estimated =
        reported.usage === undefined && reported.seconds === undefined && fromFile === undefined;
      meter.usage(
        reported.usage ?? { promptTokens: 0, completionTokens: 0, ...(estimated ? { estimated } : {}) },
      );
      if (seconds !== undefined) meter.audioSeconds(secondsText(seconds));
      if (json !== undefined && typeof json === 'object') return { kind: 'json', body: new JsonText(text) };
      return { kind: 'raw', contentType: contentType ?? 'text/plain; charset=utf-8', body: text };
    },
  };
}
