import { useCallback, useEffect, useState } from 'react';

export type Async<T> = { status: 'loading' } | { status: 'error'; error: Error } | { status: 'ok'; data: T };

/** Runs `load` when `deps` change; `reload` runs it again. Stale answers are dropped. */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): [Async<T>, () => void] {
  const [state, setState] = useState<Async<T>>({ status: 'loading' });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState({ status: 'loading' });
    load().then(
      (data) => live && setState({ status: 'ok', data }),
      (error: unknown) => live && setState({ status: 'error', error: asError(error) }),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return [state, useCallback(() => setTick((t) => t + 1), [])];
}

export function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

/** Runs an action (a create, a revoke): `busy` while it runs, its error kept for display. */
export function useAction(): {
  busy: boolean;
  error: string | null;
  run: (action: () => Promise<void>) => Promise<boolean>;
  clear: () => void;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      return true;
    } catch (e) {
      setError(asError(e).message);
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, clear: useCallback(() => setError(null), []) };
}

export interface Cursor {
  cursor: string | undefined;
  hasPrevious: boolean;
  next: (cursor: string) => void;
  previous: () => void;
}

/** Cursor paging: the cursor of the page shown and the ones before it (for "previous"). */
export function useCursor(resetOn: unknown[]): Cursor {
  const [stack, setStack] = useState<string[]>([]);
  useEffect(() => setStack([]), resetOn);
  return {
    cursor: stack[stack.length - 1],
    hasPrevious: stack.length > 0,
    next: (cursor) => setStack((s) => [...s, cursor]),
    previous: () => setStack((s) => s.slice(0, -1)),
  };
}

/** A filter record and a setter that merges a change into it. */
export function useFilters<F extends object>(initial: F): [F, (patch: Partial<F>) => void, (f: F) => void] {
  const [filters, setFilters] = useState(initial);
  const set = useCallback((patch: Partial<F>) => setFilters((f) => ({ ...f, ...patch })), []);
  return [filters, set, setFilters];
}
