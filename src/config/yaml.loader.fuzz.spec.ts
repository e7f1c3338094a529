import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { bodiesNear, FUZZ_RUNS } from '../dialects/__fixtures__/request-fuzz';
import { ConfigError } from './config-error';
import { loadYamlFile, parseYamlConfig } from './yaml.loader';

const env = { KEY: 'k' };

/** A config using most of what the loader reads: Switchboard models, pricing, router, LiteLLM entries. */
const VALID = {
  models: [
    {
      model_name: 'gpt',
      deployments: [
        {
          provider: 'openai',
          upstream_model: 'gpt-4o',
          api_key: '${KEY}',
          weight: 2,
          rpm_limit: 10,
          timeout_ms: 1000,
        },
      ],
      pricing: {
        input_per_mtok: '0.15',
        output_per_mtok: 0.6,
        long_context: { threshold_tokens: 200000, input_per_mtok: '0.3' },
        per_video_second_by_resolution: { '720p': '0.1' },
      },
      fallbacks: ['other'],
      aliases: ['g'],
      settings: { a: 1 },
    },
  ],
  model_list: [
    { model_name: 'lite', litellm_params: { model: 'gemini/gemini-2.5-flash', api_key: 'os.environ/KEY' } },
  ],
  router: {
    strategy: 'weighted',
    retries: 2,
    cooldown: { failures: 3, window_seconds: 60, cooldown_seconds: 30 },
  },
};

/** The loader's contract: a config, or a ConfigError naming the path at fault; never a TypeError. */
function loadsOrNamesPath(load: () => unknown): void {
  try {
    load();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    expect(err.path).not.toBe('');
  }
}

describe('YAML config loader under fuzzing', () => {
  it('a document near a valid one loads or throws a ConfigError with a path', () => {
    expect(() => parseYamlConfig(structuredClone(VALID), env)).not.toThrow();
    fc.assert(
      fc.property(bodiesNear(VALID), (doc) => loadsOrNamesPath(() => parseYamlConfig(doc, env))),
      { numRuns: FUZZ_RUNS },
    );
  });

  // Fuzz counterexample: an empty key was refused with the path '' (a message naming nothing).
  it('an unknown empty key is named by quoting it', () => {
    expect(() => parseYamlConfig({ '': 0 }, env)).toThrow(expect.objectContaining({ path: '""' }) as Error);
  });

  it('YAML-ish text (valid YAML cut and spliced, or noise) loads or throws a ConfigError with a path', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sb-yaml-fuzz-')), 'switchboard.yaml');
    const text = stringify(VALID);
    const yamlish = fc.oneof(
      fc
        .tuple(fc.nat(text.length), fc.nat(text.length), fc.string({ maxLength: 10 }))
        .map(([a, b, noise]) => text.slice(0, Math.min(a, b)) + noise + text.slice(Math.max(a, b))),
      fc.string({ maxLength: 80 }),
    );
    fc.assert(
      fc.property(yamlish, (t) => {
        writeFileSync(file, t);
        loadsOrNamesPath(() => loadYamlFile(file, env));
      }),
      { numRuns: FUZZ_RUNS },
    );
  });
});
