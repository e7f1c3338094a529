import { DEFAULT_ROUTER, type RouterConfig, type RouterStrategy } from '../../config/config.types';

/** The RouterSettings row: what is in force, and the YAML/boot default it was last seeded from. */
export interface StoredRouterSettings {
  effective: RouterConfig;
  /** The boot default (YAML `router:` or the built-in defaults) when the row was last seeded. */
  config: RouterConfig;
  source: 'config' | 'api';
}

/** Wire shape of `GET|PUT /admin/router` (snake_case, like the YAML). */
export interface RouterSettingsWire {
  strategy: RouterStrategy;
  retries: number;
  cooldown: { failures: number; window_seconds: number; cooldown_seconds: number };
}

export function toRouterWire(r: RouterConfig): RouterSettingsWire {
  return {
    strategy: r.strategy,
    retries: r.retries,
    cooldown: {
      failures: r.cooldown.failures,
      window_seconds: r.cooldown.windowSeconds,
      cooldown_seconds: r.cooldown.cooldownSeconds,
    },
  };
}

export function sameRouter(a: RouterConfig, b: RouterConfig): boolean {
  return JSON.stringify(toRouterWire(a)) === JSON.stringify(toRouterWire(b));
}

/**
 * Boot rule: the YAML `router:` is the default. An admin PUT overrides it and survives restarts, until
 * the YAML default itself changes (then the file wins again, like any config-declared value).
 */
export function bootRouterSettings(
  stored: StoredRouterSettings | undefined,
  boot: RouterConfig,
): StoredRouterSettings {
  if (stored && sameRouter(stored.config, boot)) return stored;
  return { effective: boot, config: boot, source: 'config' };
}

export function parseStoredRouter(raw: unknown): StoredRouterSettings | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const r = raw as Partial<StoredRouterSettings>;
  if (!r.effective || !r.config) return undefined;
  return {
    effective: {
      ...DEFAULT_ROUTER,
      ...r.effective,
      cooldown: { ...DEFAULT_ROUTER.cooldown, ...r.effective.cooldown },
    },
    config: r.config,
    source: r.source === 'api' ? 'api' : 'config',
  };
}
