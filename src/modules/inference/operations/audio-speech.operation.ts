import {
  fromOpenAiSpeechRequest,
  SPEECH_CONTENT_TYPES,
  type ParsedSpeech,
} from '../../../dialects/openai/openai-audio';
import { secondsText } from '../../../dialects/openai/openai-audio-usage';
import { headerValue, parseBodyText, toProviderError } from '../../../providers/core/http-executor';
import { readTextChecked, type ProviderClient } from '../../../providers/core/provider-client';
import { ProviderError } from '../../../providers/core/provider-error';
import { estimateTextPromptTokens } from '../../../providers/core/token-estimate';
import { pcmDurationSeconds, pcmToWav } from '../../../providers/core/wav';
import { reserveEstimateNano } from '../../usage/pricing/reserve-estimate';
import type { Operation } from '../pipeline/operation';
import type { RequestMeter } from '../pipeline/request-meter';

/** OpenAI's `pcm` and `wav` speech: 24 kHz, 16-bit, mono. */
const OPENAI_PCM = { sampleRate: 24_000, channels: 1, bitsPerSample: 16 };
/** Audio output tokens reserved per input character (Gemini TTS: ≈ 25 tokens a second of speech). */
const RESERVED_AUDIO_TOKENS_PER_CHAR = 4;

/**
 * OpenAI `POST /v1/audio/speech`. OpenAI-wire deployments: the JSON body passed through (`model`
 * replaced), the audio bytes streamed back with the upstream's content type. Deployments with a
 * speech codec (Gemini TTS): translated (voice mapped, `instructions` said first), the 24 kHz PCM
 * answer sent as `pcm`, or wrapped as `wav`; another `response_format`, or a `speed` other than 1, is
 * a 400 naming it. Other providers: a 400 naming `model`.
 *
 * Metering: Gemini reports tokens (`usageMetadata`, audio output apart). OpenAI's speech answer
 * carries no usage: the call is recorded with `prompt_tokens` = the characters of `input` (OpenAI
 * bills tts-1 and tts-1-hd per million characters: price them with `input_per_mtok`), no completion
 * tokens. Audio seconds are recorded when the output's length tells them (pcm, wav and Gemini).
 */
export function speechOperation(client: ProviderClient): Operation<ParsedSpeech> {
  return {
    name: 'audio.speech',
    wire: 'openai',
    parse(body) {
      const p = fromOpenAiSpeechRequest(body);
      return {
        publicModel: p.publicModel,
        stream: false,
        body: p.body,
        request: p,
        endpoint: 'audio.speech',
        promptTokens: estimateTextPromptTokens(p.input),
        clientWantsStreamUsage: false,
        streamFormat: 'sse',
      };
    },
    // Characters as prompt (OpenAI's tts unit) and an audio allowance, whichever prices the model has.
    reserveNano: (parsed, rates) =>
      reserveEstimateNano(
        parsed.request.input.length,
        parsed.request.input.length * RESERVED_AUDIO_TOKENS_PER_CHAR,
        rates,
        true,
      ),
    async attempt({ adapter, parsed, ctx, rctx, meter, signal }) {
      const req = parsed.request;
      const codec = adapter.passthrough;
      if (codec?.wire === 'openai') {
        const spec = codec.buildRequest('audio.speech', parsed.body, ctx, false);
        const res = await client.openAccepted(spec, codec.parseError, ctx, signal);
        meter.usage({ promptTokens: req.input.length, completionTokens: 0 });
        const contentType =
          headerValue(res.headers, 'content-type') ?? SPEECH_CONTENT_TYPES[req.responseFormat];
        const pcmBytes = req.responseFormat === 'pcm' ? 0 : req.responseFormat === 'wav' ? 44 : undefined;
        return {
          kind: 'raw',
          contentType,
          body: pcmBytes === undefined ? guarded(res.body) : timed(res.body, pcmBytes, meter),
        };
      }
      const speech = adapter.speech;
      if (!speech)
        throw new ProviderError({
          kind: 'unsupported',
          param: 'model',
          message: `model '${rctx.publicModel}' is on ${adapter.id}, which has no speech endpoint`,
        });
      if (req.responseFormat !== 'wav' && req.responseFormat !== 'pcm')
        throw new ProviderError({
          kind: 'unsupported',
          param: 'response_format',
          message: `model '${rctx.publicModel}' answers speech as wav or pcm only ('response_format': '${req.responseFormat}')`,
        });
      if (req.speed !== undefined && req.speed !== 1)
        throw new ProviderError({
          kind: 'unsupported',
          param: 'speed',
          message: `model '${rctx.publicModel}' cannot change the speed of speech (say it in 'instructions')`,
        });
      const voice = speech.voiceFor(req.voice);
      if (!voice)
        throw new ProviderError({
          kind: 'unsupported',
          param: 'voice',
          message: `voice '${req.voice}' has no equivalent on ${adapter.id}`,
        });
      const res = await client.openAccepted(
        speech.buildRequest({ input: req.input, voice, instructions: req.instructions }, ctx),
        speech.parseError,
        ctx,
        signal,
      );
      const text = await readTextChecked(res);
      const audio = speech.parseResponse(parseBodyText(text), ctx);
      const format = { sampleRate: audio.sampleRate, channels: audio.channels, bitsPerSample: 16 };
      meter.usage(audio.usage ?? { promptTokens: parsed.promptTokens, completionTokens: 0, estimated: true });
      const seconds = pcmDurationSeconds(audio.pcm.length, format);
      if (seconds !== undefined) meter.audioSeconds(secondsText(seconds));
      return req.responseFormat === 'wav'
        ? { kind: 'raw', contentType: SPEECH_CONTENT_TYPES.wav, body: pcmToWav(audio.pcm, format) }
        : { kind: 'raw', contentType: SPEECH_CONTENT_TYPES.pcm, body: audio.pcm };
    },
  };
}

/** Upstream bytes, transport failures re-typed as provider errors. */
async function* guarded(body: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  try {
    yield* body;
  } catch (err) {
    throw toProviderError(err);
  }
}

/** The same, and the seconds of 24 kHz 16-bit mono PCM they held (after `header` bytes) recorded at the end. */
async function* timed(
  body: AsyncIterable<Buffer>,
  header: number,
  meter: RequestMeter,
): AsyncGenerator<Buffer> {
  let bytes = 0;
  for await (const chunk of guarded(body)) {
    bytes += chunk.length;
    yield chunk;
  }
  const seconds = pcmDurationSeconds(Math.max(0, bytes - header), OPENAI_PCM);
  if (seconds !== undefined) meter.audioSeconds(secondsText(seconds));
}
