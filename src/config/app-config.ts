import type { AppConfig } from './config.types';
import { DEFAULT_ROUTER } from './config.types';
import { loadEnv } from './env.loader';
import { loadYamlFile } from './yaml.loader';

/** The DI token for the parsed configuration. */
export const APP_CONFIG = Symbol('APP_CONFIG');

/** Parses env + YAML once. Throws `ConfigError` naming the variable or YAML path. */
export function loadAppConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const base = loadEnv(env);
  const yaml = base.configFile ? loadYamlFile(base.configFile, env) : { models: [], router: DEFAULT_ROUTER };
  return { ...base, ...yaml };
}
