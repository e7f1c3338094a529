import { ConfigError } from './config-error';

/**
 * The keys one mapping of the YAML file may hold. An unknown key stops the boot with the nearest
 * known key by edit distance (to the whole key or to some of its `_`-separated words): among this
 * level's keys (also trying the key prefixed with the mapping's own name, so `cooldown: {seconds}`
 * finds `cooldown_seconds`) and the enclosing level's (a key nested one level too deep).
 */
export interface KeyLevel {
  readonly keys: readonly string[];
  /** The mapping's own key (`cooldown`). */
  readonly name?: string;
  /** The enclosing mapping: its path ('' at the top) and keys. */
  readonly parent?: { readonly path: string; readonly level: KeyLevel };
}

/** `path.key`, or `key` at the top level. */
export function keyPath(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** The keys of `obj` that `known` does not list, in file order. */
export function unknownKeys(obj: Record<string, unknown>, known: readonly string[]): string[] {
  return Object.keys(obj).filter((k) => !known.includes(k));
}

/** Throws a ConfigError at the first key of `obj` (at `path`) that `level` does not know. */
export function rejectUnknownKeys(obj: Record<string, unknown>, path: string, level: KeyLevel): void {
  const [key] = unknownKeys(obj, level.keys);
  if (key === undefined) return;
  // An empty key is named by quoting it (a path of '' would name nothing).
  throw new ConfigError(keyPath(path, key || '""'), `unknown key; did you mean ${nearestKey(key, level)}?`);
}

/** The known key nearest to `key` by edit distance, as the message names it; this level wins ties. */
export function nearestKey(key: string, level: KeyLevel): string {
  let best = { name: '', distance: Infinity };
  const consider = (name: string, distance: number) => {
    if (distance < best.distance) best = { name, distance };
  };
  for (const k of level.keys) {
    consider(k, nameDistance(key, k));
    if (level.name) consider(k, nameDistance(`${level.name}_${key}`, k));
  }
  const parent = level.parent;
  if (parent)
    for (const k of parent.level.keys)
      consider(parent.path ? `${parent.path}.${k}` : `${k} (top level)`, nameDistance(key, k));
  return best.name;
}

/**
 * Edit distance from `key` to the known key `known`, or to a run of its `_`-separated words plus
 * one (the words left out): `rpm` is 1 from `rpm_limit`, nearer than `api_key`.
 */
function nameDistance(key: string, known: string): number {
  const words = known.split('_');
  let best = editDistance(key, known);
  for (let i = 0; i < words.length; i++)
    for (let j = i + 1; j <= words.length; j++)
      if (j - i < words.length) best = Math.min(best, editDistance(key, words.slice(i, j).join('_')) + 1);
  return best;
}

/** Levenshtein distance (insertions, deletions, substitutions); keys are short, two rows suffice. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}
