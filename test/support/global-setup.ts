import { randomBytes } from 'node:crypto';
import { applyMigrations, ensureDatabaseExists } from '../../src/database/database-bootstrap';
import { databaseUrl, RUN_ID_ENV, templateName } from './test-databases';

/** Creates and migrates this run's template database once; every test database is cloned from it. */
export default async function globalSetup(): Promise<void> {
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  process.env[RUN_ID_ENV] = runId;
  const url = databaseUrl(templateName(runId));
  await ensureDatabaseExists(url);
  await applyMigrations(url);
}
