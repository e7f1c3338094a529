/** Injection token for the PostgreSQL connection string (the config service provides `DATABASE_URL`). */
export const DATABASE_URL = Symbol('DATABASE_URL');

/** Injection token for optional `PrismaServiceOptions` (pool size, …). */
export const PRISMA_SERVICE_OPTIONS = Symbol('PRISMA_SERVICE_OPTIONS');

/** Injection token for the optional read replica's connection string (`DATABASE_READ_URL`); undefined: none. */
export const DATABASE_READ_URL = Symbol('DATABASE_READ_URL');
