import type { VideoTaskSnapshot } from './video';

/**
 * The snapshot of a task whose status the codec does not know: a failure, not "still running", so a
 * task is never polled forever.
 */
export function unknownStatusSnapshot(provider: string, status: string): VideoTaskSnapshot {
  return {
    state: 'failed',
    upstreamStatus: status,
    outputs: [],
    error: { message: `unknown ${provider} task status '${status}'` },
  };
}

/** Whole milliseconds as exact decimal seconds text (`5100` → `"5.1"`, `5000` → `"5"`). */
export function secondsText(millis: number): string {
  const frac = String(millis % 1000)
    .padStart(3, '0')
    .replace(/0+$/, '');
  return frac ? `${Math.floor(millis / 1000)}.${frac}` : String(millis / 1000);
}
