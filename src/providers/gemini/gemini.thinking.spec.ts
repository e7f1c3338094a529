import {
  GEMINI_THINKING_TABLES,
  geminiThinkingFamily,
  resolveThinkingTable,
  toGeminiThinkingConfig,
} from './gemini.thinking';

describe('gemini thinking family (contract §9.19: decided by upstream_model)', () => {
  it.each([
    ['gemini-2.5-flash', 'gemini-2.5-flash'],
    ['gemini-2.5-flash-lite', 'gemini-2.5-flash'],
    ['gemini-2.5-flash-preview-04-17', 'gemini-2.5-flash'],
    ['models/gemini-2.5-flash-preview-09-2025', 'gemini-2.5-flash'],
    ['gemini-flash-latest', 'gemini-2.5-flash'],
    ['gemini-flash-lite-latest', 'gemini-2.5-flash'],
    ['gemini-2.0-flash-thinking-exp-01-21', 'gemini-2.5-flash'],
    ['gemini-2.5-pro', 'gemini-2.5-pro'],
    ['gemini-2.5-pro-preview-03-25', 'gemini-2.5-pro'],
    ['gemini-3-pro-preview', 'gemini-3'],
    ['gemini-3-flash-preview', 'gemini-3'],
    ['gemini-3.1-pro-preview', 'gemini-3'],
    ['gemini-2.0-flash', 'no-thinking'],
    ['gemini-1.5-pro', 'no-thinking'],
    ['gemini-pro', 'no-thinking'],
  ])('%s → %s', (model, family) => expect(geminiThinkingFamily(model)).toBe(family));
});

describe('thinking tables', () => {
  it('are data: LiteLLM budgets 1024/2048/4096 for 2.5, thinkingLevel low/high for 3+', () => {
    const flash = GEMINI_THINKING_TABLES['gemini-2.5-flash'].efforts;
    expect([flash.low?.thinkingBudget, flash.medium?.thinkingBudget, flash.high?.thinkingBudget]).toEqual([
      1024, 2048, 4096,
    ]);
    expect(GEMINI_THINKING_TABLES['gemini-3'].defaultTemperature).toBe(1.0);
  });

  it('an override may refuse an effort (null) and drop the default temperature', () => {
    const table = resolveThinkingTable('gemini-3-pro-preview', {
      thinking: { efforts: { none: null }, defaultTemperature: null },
    });
    expect(table.defaultTemperature).toBeUndefined();
    expect(() => toGeminiThinkingConfig({ effort: 'none' }, table)).toThrow(/reasoning_effort/);
    expect(toGeminiThinkingConfig({ effort: 'high' }, table)).toEqual({
      thinkingLevel: 'high',
      includeThoughts: true,
    });
  });

  it('an override may allow budget 0 on a model the defaults refuse it for', () => {
    const table = resolveThinkingTable('gemini-2.5-pro', { thinking: { allowBudgetZero: true } });
    expect(toGeminiThinkingConfig({ budgetTokens: 0 }, table)).toEqual({
      thinkingBudget: 0,
      includeThoughts: false,
    });
  });

  it('ignores malformed override entries', () => {
    const table = resolveThinkingTable('gemini-2.5-flash', {
      thinking: { family: 'gemini-9', efforts: { low: 'lots' } },
    });
    expect(table).toEqual(GEMINI_THINKING_TABLES['gemini-2.5-flash']);
  });

  it('sends nothing when no reasoning option is given', () => {
    expect(toGeminiThinkingConfig(undefined, GEMINI_THINKING_TABLES['gemini-2.5-flash'])).toBeUndefined();
    expect(toGeminiThinkingConfig({}, GEMINI_THINKING_TABLES['gemini-2.5-flash'])).toBeUndefined();
  });

  it('refuses include_thoughts on a model that does not think', () => {
    expect(() =>
      toGeminiThinkingConfig({ includeThoughts: true }, GEMINI_THINKING_TABLES['no-thinking']),
    ).toThrow(/include_thoughts/);
  });
});
