type Json = Record<string, unknown>;

/** 24 kHz 16-bit mono: bytes of PCM a spoken character takes in the fake (0.01 s). */
const PCM_BYTES_PER_CHAR = 480;
/** Gemini counts ≈ 25 audio tokens a second of speech. */
const AUDIO_TOKENS_PER_SECOND = 25;

/** Whether a generateContent body asks for speech (`generationConfig.responseModalities` has AUDIO). */
export function asksForSpeech(body: Json): boolean {
  const modalities = (body.generationConfig as Json | undefined)?.responseModalities;
  return Array.isArray(modalities) && modalities.some((m) => String(m).toUpperCase() === 'AUDIO');
}

/** The PCM the fake speaks `text` as: 24 kHz signed 16-bit little-endian mono, 0.01 s a character. */
export function fakeTtsPcm(text: string): Buffer {
  const pcm = Buffer.alloc(text.length * PCM_BYTES_PER_CHAR);
  for (let i = 0; i < pcm.length; i += 2) pcm.writeInt16LE(((i * 13) % 3000) - 1500, i);
  return pcm;
}

/**
 * A Gemini TTS answer (gemini-2.5-*-preview-tts): one `inlineData` part `audio/L16;codec=pcm;rate=24000`
 * speaking the text of the request's parts, and usage with the audio output tokens in
 * `candidatesTokensDetails` (modality AUDIO).
 */
export function fakeTtsAnswer(body: Json, promptTokens: number): { parts: Json[]; usageMetadata: Json } {
  const text = ((body.contents as Json[] | undefined) ?? [])
    .flatMap((c) =>
      ((c.parts as Json[] | undefined) ?? []).map((p) => (typeof p.text === 'string' ? p.text : '')),
    )
    .join('');
  const pcm = fakeTtsPcm(text);
  const audioTokens = Math.ceil((pcm.length / 48_000) * AUDIO_TOKENS_PER_SECOND);
  return {
    parts: [{ inlineData: { mimeType: 'audio/L16;codec=pcm;rate=24000', data: pcm.toString('base64') } }],
    usageMetadata: {
      promptTokenCount: promptTokens,
      candidatesTokenCount: audioTokens,
      totalTokenCount: promptTokens + audioTokens,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: promptTokens }],
      candidatesTokensDetails: [{ modality: 'AUDIO', tokenCount: audioTokens }],
    },
  };
}

/** The voice a TTS request names, when it is not one of Gemini's prebuilt voices: a 400's message. */
export function unknownVoice(body: Json): string | undefined {
  const speech = (body.generationConfig as Json | undefined)?.speechConfig as Json | undefined;
  const name = ((speech?.voiceConfig as Json | undefined)?.prebuiltVoiceConfig as Json | undefined)
    ?.voiceName;
  if (name === undefined || (typeof name === 'string' && VOICES.has(name))) return undefined;
  return `Voice ${String(name)} is not supported.`;
}

const VOICES = new Set(
  'Zephyr Puck Charon Kore Fenrir Leda Orus Aoede Callirrhoe Autonoe Enceladus Iapetus Umbriel Algieba Despina Erinome Algenib Rasalgethi Laomedeia Achernar Alnilam Schedar Gacrux Pulcherrima Achird Zubenelgenubi Vindemiatrix Sadachbia Sadaltager Sulafat'.split(
    ' ',
  ),
);
