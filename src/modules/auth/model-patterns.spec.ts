import { intersectAllowedModels, modelAllowed, NO_MODELS } from './model-patterns';

describe('model allow-lists', () => {
  it('matches exact names and prefix/* patterns; empty allows all', () => {
    expect(modelAllowed([], 'x')).toBe(true);
    expect(modelAllowed(['gpt-4o'], 'gpt-4o')).toBe(true);
    expect(modelAllowed(['gpt-4o'], 'gpt-4o-mini')).toBe(false);
    expect(modelAllowed(['openai/*'], 'openai/gpt-4o')).toBe(true);
    expect(modelAllowed(['openai/*'], 'openaix/gpt-4o')).toBe(false);
  });

  it('intersects key and team lists', () => {
    expect(intersectAllowedModels([], ['a'])).toEqual(['a']);
    expect(intersectAllowedModels(['a'], [])).toEqual(['a']);
    expect(intersectAllowedModels(['a', 'b'], ['b', 'c'])).toEqual(['b']);
    expect(intersectAllowedModels(['openai/gpt-4o', 'demo'], ['openai/*'])).toEqual(['openai/gpt-4o']);
    expect(intersectAllowedModels(['openai/*'], ['openai/gpt-4o', 'demo'])).toEqual(['openai/gpt-4o']);
    expect(intersectAllowedModels(['a/b/*'], ['a/*'])).toEqual(['a/b/*']);
    expect(intersectAllowedModels(['a'], ['b'])).toEqual([NO_MODELS]);
    expect(modelAllowed([NO_MODELS], 'a')).toBe(false);
  });
});
