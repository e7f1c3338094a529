/** Model allow-lists: exact names and `prefix/*` patterns. An empty list allows every model. */
export function modelAllowed(patterns: readonly string[], model: string): boolean {
  if (patterns.length === 0) return true;
  return patterns.some((p) => p === model || (isPattern(p) && model.startsWith(p.slice(0, -1))));
}

/** Stands for "no model at all" when key and team lists do not overlap (an empty list would mean all). */
export const NO_MODELS = '\u0000no-models';

/**
 * A key may use the intersection of its own list and its team's (contract §6): a model is allowed
 * when both lists allow it. Each pair of entries contributes the narrower of the two when they overlap.
 */
export function intersectAllowedModels(keyList: readonly string[], teamList: readonly string[]): string[] {
  if (keyList.length === 0) return [...teamList];
  if (teamList.length === 0) return [...keyList];
  const out = new Set<string>();
  for (const k of keyList) {
    for (const t of teamList) {
      const narrower = overlap(k, t);
      if (narrower !== undefined) out.add(narrower);
    }
  }
  return out.size > 0 ? [...out] : [NO_MODELS];
}

function overlap(a: string, b: string): string | undefined {
  if (!isPattern(a) && !isPattern(b)) return a === b ? a : undefined;
  if (isPattern(a) && !isPattern(b)) return modelAllowed([a], b) ? b : undefined;
  if (!isPattern(a) && isPattern(b)) return modelAllowed([b], a) ? a : undefined;
  const pa = a.slice(0, -1);
  const pb = b.slice(0, -1);
  if (pa.startsWith(pb)) return a;
  if (pb.startsWith(pa)) return b;
  return undefined;
}

function isPattern(p: string): boolean {
  return p.endsWith('/*');
}
