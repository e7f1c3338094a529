import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { applyMigrations, ensureDatabaseExists } from '../../src/database/database-bootstrap';
import { LOG_DIR_ENV } from './run-secrets';
import { databaseUrl, RUN_ID_ENV, templateName } from './test-databases';

/** Creates and migrates this run's template database once; every test database is cloned from it. */
export default async function globalSetup(): Promise<void> {
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  process.env[RUN_ID_ENV] = runId;
  const logDir = path.join(tmpdir(), `sb-e2e-logs-${runId}`);
  mkdirSync(logDir, { recursive: true });
  process.env[LOG_DIR_ENV] = logDir;
  const url = databaseUrl(templateName(runId));
  await ensureDatabaseExists(url);
  await applyMigrations(url);
}
