import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth';

const nested = (depth: number): unknown => JSON.parse('{"a":'.repeat(depth) + '1' + '}'.repeat(depth));

describe('nestsDeeperThan', () => {
  it('counts arrays and objects, up to the limit included', () => {
    expect(nestsDeeperThan([[[1]]], 3)).toBe(false);
    expect(nestsDeeperThan([[[[1]]]], 3)).toBe(true);
    expect(nestsDeeperThan({ a: [{ b: [] }] }, 3)).toBe(true);
    expect(nestsDeeperThan([[1], [2], { c: 3 }, [[4]]], 3)).toBe(false);
    expect(nestsDeeperThan(nested(MAX_JSON_DEPTH), MAX_JSON_DEPTH)).toBe(false);
    expect(nestsDeeperThan(nested(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH)).toBe(true);
  });

  it('takes scalars and strings full of brackets as depth 0', () => {
    for (const scalar of [null, 1, 'x', true]) expect(nestsDeeperThan(scalar, 0)).toBe(false);
    expect(nestsDeeperThan({ a: '[[[[[[{{{{', b: null }, 1)).toBe(false);
    expect(nestsDeeperThan({}, 0)).toBe(true);
  });

  it('finds a 10,000-deep value without walking all of it', () => {
    const deep: unknown = JSON.parse(`{"a":${'['.repeat(10_000)}${']'.repeat(10_000)}}`);
    expect(nestsDeeperThan(deep, MAX_JSON_DEPTH)).toBe(true);
    expect(nestsDeeperThan(nested(10_000), MAX_JSON_DEPTH)).toBe(true);
  });
});
