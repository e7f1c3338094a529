import type { Server } from 'node:http';
import type { INestApplicationContext } from '@nestjs/common';
import type { Logger } from '../common/logging/logger';

/** How long in-flight requests (streams included) may run on after SIGTERM before they are cut. */
export const DRAIN_DEADLINE_MS = 25_000;
const SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/**
 * Stops accepting connections and waits for the requests in flight; idle keep-alive connections are
 * closed as soon as they are idle. After `deadlineMs`, what is left is cut.
 */
export function drainHttpServer(server: Server, deadlineMs: number): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve) => {
    const idle = setInterval(() => server.closeIdleConnections(), 100);
    const cut = setTimeout(() => server.closeAllConnections(), deadlineMs);
    server.close(() => {
      clearInterval(idle);
      clearTimeout(cut);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/**
 * On SIGTERM or SIGINT: drain the HTTP server first (Nest's own shutdown hooks would close Redis and
 * Postgres while requests are still running), then close the app (usage flushed, connections
 * closed) and exit 0. A repeated signal (npm forwards the one a process group also received) is
 * ignored.
 */
export function closeOnSignals(app: INestApplicationContext, logger: Logger, server?: Server): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down: draining requests in flight');
    void (async () => {
      try {
        if (server) await drainHttpServer(server, DRAIN_DEADLINE_MS);
        await app.close();
        logger.info({ signal }, 'shut down');
        exitAfterLogs(logger, 0);
      } catch (err) {
        logger.error({ err: err instanceof Error ? err.message : String(err) }, 'shutdown failed');
        exitAfterLogs(logger, 1);
      }
    })();
  };
  for (const s of SIGNALS) process.on(s, onSignal);
}

/** The log destination is asynchronous: write out what is buffered, then exit. */
function exitAfterLogs(logger: Logger, code: number): void {
  logger.flush(() => process.exit(code));
}
