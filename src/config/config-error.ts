/** A configuration problem found at boot; `path` names the env var or YAML path. The process stops. */
export class ConfigError extends Error {
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`${path}: ${detail}`);
    this.name = 'ConfigError';
  }
}
