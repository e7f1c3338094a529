import type { Usage } from '../../providers/core/canonical';

/** What a transcription answer says it cost: tokens (gpt-4o-transcribe) and/or audio seconds. */
export interface TranscriptionMetering {
  usage?: Usage;
  /** Seconds of audio, as the answer reports them (`usage.seconds`, verbose_json `duration`). */
  seconds?: number;
}

interface TranscriptionUsageWire {
  type?: string;
  input_tokens?: number;
  output_tokens?: number;
  seconds?: number;
  input_token_details?: { audio_tokens?: number; text_tokens?: number };
}

/**
 * The metering of a JSON transcription answer: `usage: {type: "tokens", input_tokens, output_tokens,
 * input_token_details: {audio_tokens}}` as prompt (its audio part as audio input) and completion
 * tokens; `usage: {type: "duration", seconds}` or verbose_json's `duration` as audio seconds.
 */
export function transcriptionMeteringOf(body: unknown): TranscriptionMetering {
  if (!body || typeof body !== 'object') return {};
  const b = body as { usage?: TranscriptionUsageWire; duration?: unknown };
  const out: TranscriptionMetering = {};
  const u = b.usage;
  if (u && typeof u === 'object') {
    if (typeof u.input_tokens === 'number' || typeof u.output_tokens === 'number') {
      const usage: Usage = { promptTokens: u.input_tokens ?? 0, completionTokens: u.output_tokens ?? 0 };
      const audio = u.input_token_details?.audio_tokens;
      if (typeof audio === 'number' && audio > 0) usage.audioInputTokens = audio;
      out.usage = usage;
    }
    if (typeof u.seconds === 'number' && u.seconds >= 0) out.seconds = u.seconds;
  }
  if (out.seconds === undefined && typeof b.duration === 'number' && b.duration >= 0)
    out.seconds = b.duration;
  return out;
}

/**
 * The metering of a streamed transcription (gpt-4o-transcribe with `stream=true`), read whole: the
 * `usage` of its `transcript.text.done` event.
 */
export function streamedTranscriptionMeteringOf(sse: string): TranscriptionMetering {
  let out: TranscriptionMetering = {};
  for (const line of sse.split(/\r?\n/)) {
    if (!line.startsWith('data:') || !line.includes('transcript.text.done')) continue;
    try {
      out = transcriptionMeteringOf(JSON.parse(line.slice(5)));
    } catch {
      /* not JSON: no usage */
    }
  }
  return out;
}

/**
 * The end of the last cue of an SRT (`00:01:02,500`) or WebVTT (`00:01:02.500`, hours optional)
 * transcript, in seconds: a lower bound of the audio's length. Undefined when there is no cue.
 */
export function lastCueEndSeconds(text: string): number | undefined {
  const re = /-->\s*(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{1,3})/g;
  let end: number | undefined;
  for (let m = re.exec(text); m; m = re.exec(text))
    end = Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]) + Number(m[4].padEnd(3, '0')) / 1000;
  return end;
}

/** Seconds as the decimal text usage records carry (at most millisecond precision). */
export function secondsText(seconds: number): string {
  return String(Math.round(seconds * 1000) / 1000);
}
