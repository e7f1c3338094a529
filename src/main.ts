import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { createApp } from './bootstrap/create-app';
import { closeOnSignals } from './bootstrap/graceful-shutdown';
import { resolveSecrets } from './bootstrap/dev-secrets';
import { createLogger } from './common/logging/logger';
import { loadAppConfig } from './config/app-config';
import { ConfigError } from './config/config-error';
import { applyMigrations, ensureDatabaseExists } from './database/database-bootstrap';

async function main(): Promise<void> {
  let config;
  try {
    config = loadAppConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`switchboard: configuration error: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const secrets = resolveSecrets(config);
  config = { ...config, masterKey: secrets.masterKey, encryptionKey: secrets.encryptionKey };
  if (secrets.generatedMasterKey) {
    // The one sanctioned exception to "secrets never appear in logs" (contract §1): printed once.
    process.stdout.write(
      `\nSwitchboard generated a master key (kept in .switchboard/master-key):\n\n  ${secrets.generatedMasterKey}\n\n`,
    );
  }
  await ensureDatabaseExists(config.databaseUrl);
  await applyMigrations(config.databaseUrl);

  if (config.role === 'worker') {
    const ctx = await NestFactory.createApplicationContext(AppModule.register(config, logger), {
      logger: ['error', 'warn'],
    });
    closeOnSignals(ctx, logger, config.shutdownGraceMs);
    logger.info({ role: config.role }, 'switchboard worker started');
    return;
  }
  const app = await createApp(config, logger);
  await app.listen(config.port, '0.0.0.0');
  closeOnSignals(app, logger, config.shutdownGraceMs, app.getHttpServer());
  logger.info(
    { role: config.role, port: config.port },
    `switchboard listening on http://localhost:${config.port}`,
  );
}

main().catch((err: unknown) => {
  console.error('switchboard: failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
