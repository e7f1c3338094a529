import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GatewayError } from '../../common/errors/gateway-error';
import { DialectValidationError } from '../dialect-validation-error';

/** Runs per property (FUZZ_RUNS=5000 to hunt locally): the whole fuzz set stays a few seconds. */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 120);

type Path = Array<string | number>;

/** Names every object inherits: as a key or an enum value they must not reach a prototype's member. */
const OBJECT_MEMBER_NAMES = fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf');

/** Every path into `value` (objects and arrays), the root included. */
function pathsOf(value: unknown, at: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [at];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [at, ...entries.flatMap(([k, v]) => pathsOf(v, [...at, k]))];
}

type Mutation = { kind: 'drop' | 'retype' | 'add'; path: Path; value: unknown; key: string };

/** `doc` with one mutation applied at `path` (a path an earlier mutation removed is left alone). */
function mutate(doc: unknown, m: Mutation): unknown {
  if (m.path.length === 0) return m.kind === 'retype' ? m.value : doc;
  const parent = m.path.slice(0, -1).reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], doc);
  const last = m.path[m.path.length - 1];
  if (parent === null || typeof parent !== 'object') return doc;
  const p = parent as Record<string | number, unknown>;
  if (!(last in p)) return doc;
  if (m.kind === 'drop') {
    if (Array.isArray(p)) p.splice(last as number, 1);
    else delete p[last];
  } else if (m.kind === 'retype') p[last] = m.value;
  else if (p[last] !== null && typeof p[last] === 'object' && !Array.isArray(p[last]))
    (p[last] as Record<string, unknown>)[m.key] = m.value;
  return doc;
}

/**
 * Request bodies near a valid one, and far from it: any JSON value, or the valid body with one to
 * three mutations (a field dropped, a value replaced by one of another type, an unknown field added),
 * at any depth.
 */
export function bodiesNear(valid: unknown): fc.Arbitrary<unknown> {
  const paths = pathsOf(valid);
  const mutation = fc.record({
    kind: fc.constantFrom('drop' as const, 'retype' as const, 'add' as const),
    path: fc.constantFrom(...paths),
    value: fc.oneof(fc.jsonValue({ maxDepth: 3 }), OBJECT_MEMBER_NAMES),
    key: fc.oneof(fc.string({ maxLength: 12 }), OBJECT_MEMBER_NAMES),
  });
  const mutated = fc
    .array(mutation, { minLength: 1, maxLength: 3 })
    .map((ms) => ms.reduce((doc, m) => mutate(doc, m), structuredClone(valid)));
  return fc.oneof(fc.jsonValue({ maxDepth: 4 }), mutated);
}

/**
 * The parser contract under fuzzing: `parse` returns, or throws a DialectValidationError (or a 400
 * GatewayError) whose `param` names a field; a TypeError, RangeError or any other throw fails the
 * property (with its counterexample).
 */
export function returnsOrNamesField(parse: (body: unknown) => unknown): (body: unknown) => void {
  return (body) => {
    try {
      const call = parse(body);
      const fn = functionPath(call, '');
      if (fn !== undefined) throw new Error(`the parsed call holds a function at '${fn}' (a prototype member)`);
    } catch (err) {
      const typed = err instanceof DialectValidationError || (err instanceof GatewayError && err.status === 400);
      if (!typed) throw err;
      // A field whose name is empty ({"": 1}) is named by quoting it.
      const named = typeof err.param === 'string' && (err.param !== '' || err.message.includes('""'));
      if (!named) throw new Error(`${err.name} without a field: ${err.message}`);
    }
  };
}

/** Where a parsed call holds a function (an inherited member read as data, such as `constructor`). */
function functionPath(value: unknown, path: string): string | undefined {
  if (typeof value === 'function') return path || '(root)';
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return undefined;
  for (const [k, v] of Object.entries(value)) {
    const found = functionPath(v, `${path}.${k}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Asserts the contract over bodies near `valid`, plus `valid` itself parsing. */
export function fuzzParser(valid: unknown, parse: (body: unknown) => unknown): void {
  expect(() => parse(structuredClone(valid))).not.toThrow();
  fc.assert(fc.property(bodiesNear(valid), returnsOrNamesField(parse)), { numRuns: FUZZ_RUNS });
}

/** The `body` of every request fixture in `dir` that parses (`*.req.json`, not `error-*`). */
export function validFixtureBodies(dir: string): Array<[name: string, body: unknown]> {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.req.json') && !f.startsWith('error-'))
    .map((f) => [f, (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { body: unknown }).body]);
}
