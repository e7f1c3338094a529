import type { SpeechAudio, SpeechCodec, SpeechRequest } from '../core/adapter';
import { ProviderError } from '../core/provider-error';
import { parseGeminiError } from './gemini.errors';
import { geminiPost } from './gemini.http';
import { fromGeminiUsage } from './gemini.parts';
import type { GeminiUsageMetadata } from './gemini.wire';

/**
 * OpenAI's voices as Gemini prebuilt voices (a like-for-like timbre, by Google's own one-word
 * descriptions of its voices): alloy → Zephyr (bright), ash → Orus (firm), ballad → Aoede (breezy),
 * coral → Kore (firm), echo → Puck (upbeat), fable → Leda (youthful), onyx → Charon (informative),
 * nova → Autonoe (bright), sage → Iapetus (clear), shimmer → Despina (smooth), verse → Enceladus
 * (breathy), marin → Sulafat (warm), cedar → Algieba (smooth). A Gemini voice name is taken as is.
 */
export const OPENAI_TO_GEMINI_VOICE: Readonly<Record<string, string>> = {
  alloy: 'Zephyr',
  ash: 'Orus',
  ballad: 'Aoede',
  coral: 'Kore',
  echo: 'Puck',
  fable: 'Leda',
  onyx: 'Charon',
  nova: 'Autonoe',
  sage: 'Iapetus',
  shimmer: 'Despina',
  verse: 'Enceladus',
  marin: 'Sulafat',
  cedar: 'Algieba',
};

/** Gemini's 30 prebuilt TTS voices (ai.google.dev/gemini-api/docs/speech-generation#voices). */
const GEMINI_VOICES = [
  'Zephyr',
  'Puck',
  'Charon',
  'Kore',
  'Fenrir',
  'Leda',
  'Orus',
  'Aoede',
  'Callirrhoe',
  'Autonoe',
  'Enceladus',
  'Iapetus',
  'Umbriel',
  'Algieba',
  'Despina',
  'Erinome',
  'Algenib',
  'Rasalgethi',
  'Laomedeia',
  'Achernar',
  'Alnilam',
  'Schedar',
  'Gacrux',
  'Pulcherrima',
  'Achird',
  'Zubenelgenubi',
  'Vindemiatrix',
  'Sadachbia',
  'Sadaltager',
  'Sulafat',
];
const BY_LOWER_NAME = new Map(GEMINI_VOICES.map((v) => [v.toLowerCase(), v]));

/** Gemini TTS answers 24 kHz mono when its mime type names no rate. */
const DEFAULT_RATE = 24_000;

interface GeminiTtsResponse {
  candidates?: Array<{
    content?: { parts?: Array<{ inlineData?: { mimeType?: string; data?: string } }> };
    finishReason?: string;
  }>;
  promptFeedback?: { blockReason?: string };
  usageMetadata?: GeminiUsageMetadata;
}

/** The request: the input as one user turn (the instructions first), audio out in the given voice. */
export function toGeminiSpeechBody(req: SpeechRequest): Record<string, unknown> {
  const text = req.instructions ? `${req.instructions}:\n${req.input}` : req.input;
  return {
    contents: [{ role: 'user', parts: [{ text }] }],
    generationConfig: {
      responseModalities: ['AUDIO'],
      speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: req.voice } } },
    },
  };
}

/**
 * The audio of a TTS answer: every `inlineData` part of the first candidate (`audio/L16;codec=pcm;
 * rate=24000`, signed 16-bit little-endian mono) joined, with the usage. No audio: a provider error.
 */
export function fromGeminiSpeechResponse(body: unknown): SpeechAudio {
  const res = (body ?? {}) as GeminiTtsResponse;
  const parts = res.candidates?.[0]?.content?.parts ?? [];
  const chunks: Buffer[] = [];
  let rate = DEFAULT_RATE;
  for (const p of parts) {
    const d = p.inlineData;
    if (!d?.data || !/^audio\//i.test(d.mimeType ?? '')) continue;
    rate = sampleRateOf(d.mimeType ?? '') ?? rate;
    chunks.push(Buffer.from(d.data, 'base64'));
  }
  if (chunks.length === 0) {
    const why = res.promptFeedback?.blockReason ?? res.candidates?.[0]?.finishReason ?? 'no audio part';
    throw new ProviderError({
      kind: 'content_filter',
      message: `the Gemini TTS answer carries no audio (${why})`,
    });
  }
  return {
    pcm: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks),
    sampleRate: rate,
    channels: 1,
    usage: fromGeminiUsage(res.usageMetadata),
  };
}

/** `rate=24000` in `audio/L16;codec=pcm;rate=24000`. */
export function sampleRateOf(mimeType: string): number | undefined {
  const m = /(?:^|;)\s*rate=(\d+)/i.exec(mimeType);
  return m ? Number(m[1]) : undefined;
}

/** Text-to-speech on Gemini TTS models (`generateContent` with `responseModalities: ['AUDIO']`). */
export const geminiSpeechCodec: SpeechCodec = {
  buildRequest: (req, ctx) => geminiPost(ctx, 'generateContent', toGeminiSpeechBody(req)),
  parseResponse: (body) => fromGeminiSpeechResponse(body),
  parseError: parseGeminiError,
  voiceFor: (voice) => OPENAI_TO_GEMINI_VOICE[voice.toLowerCase()] ?? BY_LOWER_NAME.get(voice.toLowerCase()),
};
