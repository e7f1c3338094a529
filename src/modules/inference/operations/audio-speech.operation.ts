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
import { Mp3Duration } from '../../../providers/core/mp3-duration';
import { pcmDurationSeconds, pcmToWav } from '../../../providers/core/wav';
import { perAudioSecondReserveNano, reserveEstimateNano } from '../../usage/pricing/reserve-estimate';
import type { Operation } from '../pipeline/operation';
import type { RequestMeter } from '../pipeline/request-meter';

/** OpenAI's `pcm` and `wav` speech: 24 kHz, 16-bit, mono. */
const OPENAI_PCM = { sampleRate: 24_000, channels: 1, bitsPerSample: 16 };
/** Audio output tokens reserved per input character (Gemini TTS: ≈ 25 tokens a second of speech). */
const RESERVED_AUDIO_TOKENS_PER_CHAR = 4;
/**
 * Characters of `input` spoken a second at `speed` 1: typically (English ≈ 14–16; the estimate when the
 * answer's length cannot be read) and at the slowest (a third of that; the reservation's bound).
 */
const TYPICAL_CHARS_PER_SECOND = 15;
const SLOWEST_CHARS_PER_SECOND = 5;

/**
 * OpenAI `POST /v1/audio/speech`. OpenAI-wire deployments: the JSON body passed through (`model`
 * replaced), the audio bytes streamed back with the upstream's content type. Deployments with a
 * speech codec (Gemini TTS): translated (voice mapped, `instructions` said first), the 24 kHz PCM
 * answer sent as `pcm`, or wrapped as `wav`; another `response_format`, or a `speed` other than 1, is
 * a 400 naming it. Other providers: a 400 naming `model`.
 *
 * Metering: Gemini reports tokens (`usageMetadata`, audio output apart) and its PCM gives the seconds.
 * OpenAI's speech answer is the audio alone, without usage, so the gateway meters what it can count
 * exactly and the pricing names the rate of each:
 * - input: `prompt_tokens` = the characters of `input`, at `input_per_mtok` (tts-1 and tts-1-hd are
 *   billed per million characters; for gpt-4o-mini-tts, billed per text token, characters are an upper
 *   bound of its tokens, and the rate OpenRouter lists it at);
 * - output: `audio_seconds` = the seconds of audio sent back, at `per_audio_second` (gpt-4o-mini-tts:
 *   OpenAI's $0.015 a minute is `0.00025`; its audio output tokens are not visible on this endpoint).
 *   Read exactly from the bytes streamed: pcm (24 kHz 16-bit mono), wav (the same after its header),
 *   mp3 (its frame headers). opus, aac and flac are not decoded: their seconds are estimated from the
 *   characters (TYPICAL_CHARS_PER_SECOND ÷ `speed`) and the record is marked `estimated`.
 *   No completion tokens.
 * The reservation adds `per_audio_second` × the longest the input can take to say
 * (SLOWEST_CHARS_PER_SECOND ÷ `speed`, rounded up to whole seconds).
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
    // Characters as prompt (OpenAI's tts unit), an audio token allowance and the longest speech in
    // seconds, whichever prices the model has.
    reserveNano: (parsed, rates) =>
      reserveEstimateNano(
        parsed.request.input.length,
        parsed.request.input.length * RESERVED_AUDIO_TOKENS_PER_CHAR,
        rates,
        true,
      ) + perAudioSecondReserveNano(longestSpeechSeconds(parsed.request), rates),
    async attempt({ adapter, parsed, ctx, rctx, meter, signal }) {
      const req = parsed.request;
      const codec = adapter.passthrough;
      if (codec?.wire === 'openai') {
        const spec = codec.buildRequest('audio.speech', parsed.body, ctx, false);
        const res = await client.openAccepted(spec, codec.parseError, ctx, signal);
        meter.usage({ promptTokens: req.input.length, completionTokens: 0 });
        const contentType =
          headerValue(res.headers, 'content-type') ?? SPEECH_CONTENT_TYPES[req.responseFormat];
        return { kind: 'raw', contentType, body: timed(res.body, req, meter) };
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

/** What reads a speech answer's duration as its bytes pass. */
interface AudioClock {
  push(chunk: Uint8Array): void;
  seconds(): number | undefined;
}

/** OpenAI's PCM after `header` bytes (wav: its 44-byte header). */
function pcmClock(header: number): AudioClock {
  let bytes = 0;
  return {
    push: (chunk) => void (bytes += chunk.length),
    seconds: () => pcmDurationSeconds(Math.max(0, bytes - header), OPENAI_PCM),
  };
}

function clockFor(format: ParsedSpeech['responseFormat']): AudioClock | undefined {
  if (format === 'pcm') return pcmClock(0);
  if (format === 'wav') return pcmClock(44);
  if (format === 'mp3') return new Mp3Duration();
  return undefined;
}

/**
 * The upstream bytes (see `guarded`), and, once they end, the seconds of audio they held recorded: read
 * from the bytes when the format tells them, else estimated from the text. Cut short (the client left,
 * the upstream failed), only the seconds read from what passed.
 */
async function* timed(
  body: AsyncIterable<Buffer>,
  req: ParsedSpeech,
  meter: RequestMeter,
): AsyncGenerator<Buffer> {
  const clock = clockFor(req.responseFormat);
  let whole = false;
  try {
    for await (const chunk of guarded(body)) {
      clock?.push(chunk);
      yield chunk;
    }
    whole = true;
  } finally {
    const measured = clock?.seconds();
    if (measured !== undefined) meter.audioSeconds(secondsText(measured));
    else if (whole) {
      meter.usage({ promptTokens: req.input.length, completionTokens: 0, estimated: true });
      meter.audioSeconds(secondsText(req.input.length / TYPICAL_CHARS_PER_SECOND / (req.speed ?? 1)));
    }
  }
}

/** The longest `input` can take to say, in whole seconds (the reservation's bound). */
function longestSpeechSeconds(req: ParsedSpeech): number {
  return Math.ceil(req.input.length / SLOWEST_CHARS_PER_SECOND / (req.speed ?? 1));
}
