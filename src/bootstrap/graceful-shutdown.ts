import type { Server } from 'node:http';
import type { INestApplicationContext } from '@nestjs/common';
import type { Logger } from '../common/logging/logger';
import { MeteredPipeline } from '../modules/inference/pipeline/metered-pipeline';
import { UsageWriter } from '../modules/usage/usage-writer';
import { UsageService } from '../modules/usage/usage.service';

const SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];
/** After the grace, a shutdown still running (a close that hangs) ends the process anyway, this much later. */
const BACKSTOP_MS = 5_000;

/**
 * How long requests in flight (streams included) may run on after SIGTERM: the grace less a reserve
 * for what comes after them (usage flushed, connections closed): a fifth of the grace, at most 5 s.
 */
export function drainDeadlineMs(graceMs: number): number {
  return graceMs - Math.min(5_000, Math.floor(graceMs / 5));
}

/**
 * Stops accepting connections (the listener closes: new connections are refused) and waits for the
 * requests in flight; idle keep-alive connections are closed as soon as they are idle. After
 * `deadlineMs`, the connections left are cut.
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
 * The usage this process owns, written out: every request that was in flight metered (a request cut
 * at the deadline as aborted), their settlements sent, and (roles `worker` and `all`) the usage
 * stream moved into Postgres. Bounded by `ms`.
 */
async function flushUsage(app: INestApplicationContext, ms: number): Promise<void> {
  const end = Date.now() + ms;
  const left = () => Math.max(0, end - Date.now());
  const pipeline = find(app, MeteredPipeline);
  if (pipeline) await within(pipeline.idle(), left());
  const usage = find(app, UsageService);
  if (usage) await within(usage.drain(), left());
  await find(app, UsageWriter)?.flush(left());
}

/** The app's instance of `type`, if the role's modules have one. */
function find<T>(app: INestApplicationContext, type: new (...args: never[]) => T): T | undefined {
  try {
    return app.get(type, { strict: false });
  } catch {
    return undefined;
  }
}

/**
 * On SIGTERM or SIGINT, within `graceMs`: drain the HTTP server (Nest's own shutdown hooks would close
 * Redis and Postgres while requests are still running), flush usage, close the app (connections
 * closed) and exit 0. A repeated signal (npm forwards the one a process group also received) is
 * ignored.
 */
export function closeOnSignals(
  app: INestApplicationContext,
  logger: Logger,
  graceMs: number,
  server?: Server,
): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    const end = Date.now() + graceMs;
    logger.info({ signal, grace_ms: graceMs }, 'shutting down: draining requests in flight');
    setTimeout(() => {
      logger.error({ signal }, 'shutdown did not finish within the grace; exiting');
      exitAfterLogs(logger, 1);
    }, graceMs + BACKSTOP_MS).unref();
    void (async () => {
      try {
        if (server) await drainHttpServer(server, drainDeadlineMs(graceMs));
        await flushUsage(app, Math.max(1_000, end - Date.now())).catch((err: unknown) =>
          logger.error({ err: err instanceof Error ? err.message : String(err) }, 'usage flush failed'),
        );
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

/** `p`, or nothing after `ms` (what it waits for is left running). */
function within(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  return Promise.race([p.then(() => undefined), timeout]).finally(() => clearTimeout(timer));
}

/** The log destination is asynchronous: write out what is buffered, then exit. */
function exitAfterLogs(logger: Logger, code: number): void {
  logger.flush(() => process.exit(code));
}
