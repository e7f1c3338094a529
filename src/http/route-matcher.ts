import type { RouteEntry } from './route-table';

export interface RouteMatch {
  entry: RouteEntry;
  /** Path parameters (decoded) and the entry's constants. */
  params: Record<string, string>;
}

interface Pattern {
  re: RegExp;
  names: string[];
  entry: RouteEntry;
}

const NO_PARAMS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/**
 * Matches a request against the route table, compiled once: paths without parameters by one map
 * lookup (the chat hot path), templated ones by their regular expressions, tried per method.
 */
export class RouteMatcher {
  /** Method → path → match: no key is built per request. */
  private readonly exact = new Map<string, Map<string, RouteMatch>>();
  private readonly patterns = new Map<string, Pattern[]>();

  constructor(table: readonly RouteEntry[]) {
    for (const entry of table) {
      for (const path of entry.paths) {
        if (!path.includes('{')) {
          const byPath = this.exact.get(entry.method) ?? new Map<string, RouteMatch>();
          byPath.set(path, { entry, params: entry.constants ? { ...entry.constants } : NO_PARAMS });
          this.exact.set(entry.method, byPath);
          continue;
        }
        const list = this.patterns.get(entry.method) ?? [];
        list.push({ ...compile(path, entry.restParam === true), entry });
        this.patterns.set(entry.method, list);
      }
    }
  }

  /** `HEAD` is served as `GET` (Node sends no body with the answer to a HEAD request). */
  match(requestMethod: string | undefined, path: string): RouteMatch | undefined {
    const method = requestMethod === 'HEAD' ? 'GET' : requestMethod;
    const hit = this.exact.get(method ?? '')?.get(path);
    // Shared when the entry has no parameters at all (nothing writes to a request's params).
    if (hit) return hit.entry.constants ? { entry: hit.entry, params: { ...hit.params } } : hit;
    for (const p of this.patterns.get(method ?? '') ?? []) {
      const m = p.re.exec(path);
      if (!m) continue;
      const params: Record<string, string> = { ...p.entry.constants };
      for (let i = 0; i < p.names.length; i++) {
        const value = decode(m[i + 1]);
        if (value === undefined) return undefined;
        params[p.names[i]] = value;
      }
      return { entry: p.entry, params };
    }
    return undefined;
  }
}

/** `/v1beta/models/{model}:generateContent` → a regular expression with one group per parameter. */
function compile(template: string, rest: boolean): { re: RegExp; names: string[] } {
  const names: string[] = [];
  const parts = template.split(/(\{[^}]+\})/);
  const last = parts.map((p) => p.startsWith('{')).lastIndexOf(true);
  const source = parts
    .map((part, i) => {
      if (!part.startsWith('{')) return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
      names.push(part.slice(1, -1));
      return rest && i === last ? '(.+)' : '([^/]+)';
    })
    .join('');
  return { re: new RegExp(`^${source}$`), names };
}

function decode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}
