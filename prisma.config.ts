/**
 * Prisma CLI configuration (Prisma 6.19.3, Wasm schema engine; see docs/prisma.md).
 * `engine: "js"` runs migrate/db commands on the Wasm schema engine shipped inside the `prisma`
 * package, through a driver adapter, so nothing native is ever downloaded. The adapter module is
 * CLI-only. This file and prisma/migrate-adapter.ts ship with the production artefact, because
 * `migrate deploy` runs at boot.
 */
import { config as loadDotenv } from 'dotenv';
import { defineConfig } from 'prisma/config';
import { createMigrateAdapter } from './prisma/migrate-adapter';

// The CLI does not read .env when a config file exists. `quiet`: dotenv 17 logs to stdout otherwise.
loadDotenv({ quiet: true });

process.env.CHECKPOINT_DISABLE ??= '1';

const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/switchboard';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  async adapter() {
    return createMigrateAdapter(process.env.DATABASE_URL || DEFAULT_DATABASE_URL);
  },
});
