import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadAppConfig } from './app-config';
import { ConfigError } from './config-error';
import { editDistance } from './known-keys';
import { parseYamlConfig } from './yaml.loader';

const env = { GEMINI_API_KEY: 'g-key' };
const load = (text: string) => parseYamlConfig(parse(text), env);
const model = (extra: string) =>
  `models:\n  - model_name: m\n    deployments:\n      - provider: gemini\n        upstream_model: g\n${extra}`;

describe('YAML config: unknown keys (issue 18)', () => {
  it.each([
    [
      'router:\n  cooldown:\n    seconds: 5\n',
      'router.cooldown.seconds: unknown key; did you mean cooldown_seconds?',
    ],
    [
      'router:\n  cooldown: { window: 5 }\n',
      'router.cooldown.window: unknown key; did you mean window_seconds?',
    ],
    ['router:\n  retry: 1\n', 'router.retry: unknown key; did you mean retries?'],
    [
      'router:\n  cooldown: { retries: 1 }\n',
      'router.cooldown.retries: unknown key; did you mean router.retries?',
    ],
    ['model:\n  - model_name: m\n', 'model: unknown key; did you mean models?'],
    [model('    fallback: [x]\n'), 'models[0].fallback: unknown key; did you mean fallbacks?'],
    [model('        rpm: 5\n'), 'models[0].deployments[0].rpm: unknown key; did you mean rpm_limit?'],
    [
      model('        pricing: { input_per_mtok: 1 }\n'),
      'models[0].deployments[0].pricing: unknown key; did you mean models[0].pricing?',
    ],
  ])('%j → %s', (text, message) => {
    let caught: unknown;
    try {
      load(text);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).message).toBe(message);
  });

  it('free-form settings mappings take any key', () => {
    const cfg = load(
      `${model('        settings: { anything: 1 }\n')}    settings: { default_reserve_output_tokens: 10 }\n`,
    );
    expect(cfg.models[0].deployments[0].settings).toEqual({ anything: 1 });
    expect(cfg.ignoredYamlKeys).toEqual([]);
  });

  it('the boot stops with that message (loadAppConfig on SWITCHBOARD_CONFIG)', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sb-')), 'switchboard.yaml');
    writeFileSync(file, 'router:\n  cooldown:\n    seconds: 5\n');
    expect(() => loadAppConfig({ SWITCHBOARD_CONFIG: file })).toThrow(
      new ConfigError('router.cooldown.seconds', 'unknown key; did you mean cooldown_seconds?'),
    );
  });

  it('a LiteLLM-format file keeps loading; the keys it does not use are listed as ignored (names, never values)', () => {
    const cfg = load(`
model_list:
  - model_name: gpt-4o
    litellm_params: { model: gpt-4o, api_key: sk-secret, drop_params: true }
    model_info: { id: abc, mode: chat, input_cost_per_token: 0.0000025 }
    tpm: 5
litellm_settings:
  drop_params: true
  fallbacks: [{ gpt-4o: [gpt-4o] }]
router_settings:
  routing_strategy: least-busy
  redis_host: localhost
general_settings:
  master_key: sk-1234
environment_variables: { X: y }
callback_settings: {}
`);
    expect(cfg.models[0].pricing).toEqual({ input_per_mtok: '2.5' });
    expect(cfg.models[0].deployments[0].settings).toEqual({ drop_params: true });
    expect(cfg.router.strategy).toBe('least-busy');
    expect(cfg.ignoredYamlKeys).toEqual([
      'callback_settings',
      'general_settings',
      'environment_variables',
      'router_settings.redis_host',
      'litellm_settings.drop_params',
      'model_list[0].tpm',
      'model_list[0].model_info.id',
      'model_list[0].model_info.mode',
    ]);
    expect(cfg.ignoredYamlKeys.join()).not.toContain('sk-');
  });

  it("Switchboard's own sections stay strict inside a LiteLLM-format file", () => {
    expect(() => load('model_list: []\nrouter:\n  strategyy: weighted\n')).toThrow(
      'router.strategyy: unknown key; did you mean strategy?',
    );
  });

  it('editDistance is Levenshtein', () => {
    expect(editDistance('seconds', 'window_seconds')).toBe(7);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });
});
