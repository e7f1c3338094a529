import { dropRunDatabases, RUN_ID_ENV } from './test-databases';

export default async function globalTeardown(): Promise<void> {
  const runId = process.env[RUN_ID_ENV];
  if (runId) await dropRunDatabases(runId);
}
