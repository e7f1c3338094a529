import { Client } from 'pg';

/** Runs one SQL statement on a test database (for what the admin API cannot do or does not show). */
export async function sql<T = Record<string, unknown>>(
  databaseUrl: string,
  text: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Moves a key's expiry into the past (the admin API refuses an `expires_at` that has passed). */
export async function expireKey(databaseUrl: string, keyId: string): Promise<void> {
  await sql(databaseUrl, `UPDATE api_keys SET expires_at = now() - interval '1 minute' WHERE id = $1`, [
    keyId,
  ]);
}
