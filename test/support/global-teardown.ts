import { rmSync } from 'node:fs';
import { LOG_DIR_ENV, scanRunLogs } from './run-secrets';
import { dropRunDatabases, RUN_ID_ENV } from './test-databases';

export default async function globalTeardown(): Promise<void> {
  const runId = process.env[RUN_ID_ENV];
  if (runId) await dropRunDatabases(runId);
  const logDir = process.env[LOG_DIR_ENV];
  if (!logDir) return;
  // Every gateway's logs of the whole run, scanned for the keys the run handed out (issue 18).
  const leaks = scanRunLogs(logDir);
  if (leaks.length > 0)
    throw new Error(`secrets in the gateway logs of this e2e run (kept in ${logDir}):\n${leaks.join('\n')}`);
  rmSync(logDir, { recursive: true, force: true });
}
