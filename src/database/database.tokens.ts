/** Injection token for the PostgreSQL connection string (the config service provides `DATABASE_URL`). */
export const DATABASE_URL = Symbol('DATABASE_URL');

/** Injection token for optional `PrismaServiceOptions` (pool size, …). */
export const PRISMA_SERVICE_OPTIONS = Symbol('PRISMA_SERVICE_OPTIONS');
