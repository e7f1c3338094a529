import type { IncomingMessage } from 'node:http';

/** How much more of a refused body is read after the answer, and for how long, before the connection is cut. */
export const DISCARD_MAX_BYTES = 8 * 1024 * 1024;
export const DISCARD_MAX_MS = 2_000;

/**
 * Throws away the rest of a body the gateway refuses unread (413). Closing the connection while the
 * client is still sending makes the kernel answer its next bytes with a reset, which can discard the
 * answer before the client reads it; so when Node closes the connection after the answer, it only
 * half-closes it (the client sees the whole answer and its end), reads on until the body ends, then
 * closes — at most DISCARD_MAX_BYTES or DISCARD_MAX_MS more.
 */
export function discardRestOf(req: IncomingMessage): void {
  req.resume();
  const socket = req.socket as IncomingMessage['socket'] | undefined; // none on a request made in a unit test
  if (req.complete || !socket) return;
  let budget = DISCARD_MAX_BYTES;
  req.on('data', (chunk: Buffer) => {
    budget -= chunk.length;
  });
  const destroySoon = socket.destroySoon.bind(socket);
  socket.destroySoon = () => {
    if (req.complete || budget <= 0) return destroySoon();
    const close = () => socket.destroy();
    const timer = setTimeout(close, DISCARD_MAX_MS);
    socket.once('close', () => clearTimeout(timer));
    req.once('end', close);
    req.on('data', () => {
      if (budget <= 0) close();
    });
    socket.end();
  };
}
