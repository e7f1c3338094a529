import type { ServerResponse } from 'node:http';

/** Name, value, name, value … (the form `writeHead` takes without copying). */
export const SSE_HEADERS = [
  'content-type',
  'text/event-stream; charset=utf-8',
  'cache-control',
  'no-cache',
  'connection',
  'keep-alive',
  'x-accel-buffering',
  'no',
];

/** Writes frames (text, or bytes) with backpressure: waits for `drain` when the socket buffer is full. */
export async function writeFrames(
  res: ServerResponse,
  frames: AsyncIterable<string | Uint8Array>,
  onFirstFrame?: () => void,
): Promise<void> {
  let first = true;
  for await (const frame of frames) {
    if (res.destroyed) return;
    if (first) {
      first = false;
      onFirstFrame?.();
    }
    if (!res.write(frame))
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
  }
}
