import { ConfigError } from './config-error';
import { loadEnv } from './env.loader';
import { join } from 'node:path';
import { loadYamlFile, parseYamlConfig } from './yaml.loader';
import { parse } from 'yaml';

const env = { GEMINI_API_KEY: 'g-key', OPENAI_API_KEY: 'o-key' };

describe('YAML config', () => {
  it('loads the shipped switchboard.example.yaml (Gemini and OpenAI models)', () => {
    const cfg = loadYamlFile(join(__dirname, '../../switchboard.example.yaml'), env);
    expect(cfg.models.map((m) => [m.modelName, m.deployments[0].provider, m.deployments[0].apiKey])).toEqual([
      ['gemini-2.5-flash', 'gemini', 'g-key'],
      ['gemini-2.5-pro', 'gemini', 'g-key'],
      ['text-embedding-004', 'gemini', 'g-key'],
      ['gpt-4o-mini', 'openai', 'o-key'],
    ]);
  });

  it('parses the contract example, substituting ${VAR}', () => {
    const cfg = parseYamlConfig(
      parse(`
models:
  - model_name: gemini-2.5-flash
    deployments:
      - provider: gemini
        upstream_model: gemini-2.5-flash
        api_key: \${GEMINI_API_KEY}
        base_url: https://generativelanguage.googleapis.com
        weight: 1
        rpm_limit: 1000
    pricing: { input_per_mtok: "0.30", output_per_mtok: "2.50", cached_input_per_mtok: "0.075" }
    fallbacks: [gpt-4o-mini]
router:
  strategy: weighted
  retries: 2
  cooldown: { failures: 3, window_seconds: 60, cooldown_seconds: 30 }
`),
      env,
    );
    expect(cfg.models[0]).toMatchObject({
      modelName: 'gemini-2.5-flash',
      fallbacks: ['gpt-4o-mini'],
      pricing: { input_per_mtok: '0.30', output_per_mtok: '2.50', cached_input_per_mtok: '0.075' },
      deployments: [{ provider: 'gemini', apiKey: 'g-key', rpmLimit: 1000, weight: 1, timeoutMs: 120000 }],
    });
    expect(cfg.router).toEqual({
      strategy: 'weighted',
      retries: 2,
      cooldown: { failures: 3, windowSeconds: 60, cooldownSeconds: 30 },
    });
  });

  it('accepts a file with only router: (or models: [])', () => {
    expect(parseYamlConfig(parse('router:\n  retries: 0\n'), env).models).toEqual([]);
    expect(parseYamlConfig(parse('models: []\n'), env).router.strategy).toBe('weighted');
  });

  it('names the YAML path of a bad value', () => {
    const doc = parse(
      'models:\n  - model_name: a\n    deployments: []\n  - model_name: b\n    deployments: []\n  - model_name: c\n    deployments:\n      - provider: gemni\n        upstream_model: x\n',
    );
    expect(() => parseYamlConfig(doc, env)).toThrow(
      'models[2].deployments[0].provider: unknown provider "gemni"',
    );
    expect(() =>
      parseYamlConfig(parse('models:\n  - model_name: a\n    pricing: { input_per_mtok: cheap }\n'), env),
    ).toThrow('models[0].pricing.input_per_mtok: must be a non-negative decimal');
    expect(() =>
      parseYamlConfig(
        parse(
          'models:\n  - model_name: a\n    deployments:\n      - provider: openai\n        upstream_model: x\n        api_key: ${MISSING_VAR}\n',
        ),
        env,
      ),
    ).toThrow(ConfigError);
  });

  it('accepts the long-context tier and cached audio prices, the threshold as a whole number of tokens', () => {
    const cfg = parseYamlConfig(
      parse(`models:
  - model_name: pro
    pricing:
      input_per_mtok: "1.25"
      output_per_mtok: 1e1
      cached_audio_input_per_mtok: "0.10"
      long_context:
        threshold_tokens: 200000
        input_per_mtok: "2.50"
        output_per_mtok: "15.00"
        cached_input_per_mtok: "0.25"
`),
      env,
    );
    expect(cfg.models[0].pricing).toEqual({
      input_per_mtok: '1.25',
      output_per_mtok: '10',
      cached_audio_input_per_mtok: '0.10',
      long_context: {
        threshold_tokens: '200000',
        input_per_mtok: '2.50',
        output_per_mtok: '15.00',
        cached_input_per_mtok: '0.25',
      },
    });
    const withTier = (tier: string) =>
      parseYamlConfig(parse(`models:\n  - model_name: a\n    pricing: { long_context: ${tier} }\n`), env);
    for (const bad of ['200k', '0.5', '0'])
      expect(() => withTier(`{ threshold_tokens: ${bad}, input_per_mtok: 1 }`)).toThrow(
        'models[0].pricing.long_context.threshold_tokens: must be an integer ≥ 1',
      );
    expect(() => withTier('{ threshold_tokens: 10 }')).toThrow(
      'models[0].pricing.long_context.input_per_mtok: is required',
    );
    expect(() => withTier('{ threshold_tokens: 10, input_per_mtok: 1, output_per_mtok: lots }')).toThrow(
      'models[0].pricing.long_context.output_per_mtok: must be a non-negative decimal',
    );
    expect(() => withTier('{ threshold_tokens: 10, input_per_mtok: 1, threshold: 2 }')).toThrow(
      'models[0].pricing.long_context.threshold: unknown field',
    );
    expect(() =>
      parseYamlConfig(
        parse('models:\n  - model_name: a\n    pricing: { long_context_threshold_tokens: 1 }\n'),
        env,
      ),
    ).toThrow('models[0].pricing.long_context_threshold_tokens: unknown pricing field');
  });

  it('refuses providers this build cannot serve (unknown ids), naming the path and the served ones', () => {
    for (const provider of ['acme', 'bedrock']) {
      const doc = parse(
        `models:\n  - model_name: a\n    deployments:\n      - provider: ${provider}\n        upstream_model: x\n`,
      );
      expect(() => parseYamlConfig(doc, env)).toThrow(
        `models[0].deployments[0].provider: unknown provider "${provider}" (served: openai,`,
      );
    }
    const litellm = parse(
      'model_list:\n  - model_name: x\n    litellm_params:\n      model: acme/some-model\n',
    );
    expect(() => parseYamlConfig(litellm, env)).toThrow(
      'model_list[0].litellm_params.model: unknown provider "acme"',
    );
    for (const provider of ['mock', 'anthropic']) {
      const served = parse(
        `models:\n  - model_name: a\n    deployments:\n      - provider: ${provider}\n        upstream_model: x\n`,
      );
      expect(parseYamlConfig(served, env).models[0].deployments[0].provider).toBe(provider);
    }
    const claude = parse(
      'model_list:\n  - model_name: claude\n    litellm_params:\n      model: anthropic/claude-sonnet-4-5\n',
    );
    expect(parseYamlConfig(claude, env).models[0].deployments[0]).toMatchObject({
      provider: 'anthropic',
      upstreamModel: 'claude-sonnet-4-5',
    });
  });

  it('accepts the LiteLLM proxy config from the seed documents unchanged', () => {
    const cfg = parseYamlConfig(
      parse(`
model_list:
  - model_name: gemini-tts-flash
    litellm_params:
      model: gemini/gemini-2.5-flash-preview-tts
      api_key: os.environ/GEMINI_API_KEY
  - model_name: gemini-pro
    litellm_params:
      model: gemini/gemini-1.5-pro
      api_key: os.environ/GEMINI_API_KEY
  - model_name: gpt-4o
    litellm_params:
      model: gpt-4o
      api_key: os.environ/OPENAI_API_KEY
      rpm: 60
litellm_settings:
  fallbacks: [{ "gemini-pro": ["gpt-4o"] }]
router_settings:
  routing_strategy: least-busy
  num_retries: 3
`),
      env,
    );
    expect(cfg.models.map((m) => m.modelName)).toEqual(['gemini-tts-flash', 'gemini-pro', 'gpt-4o']);
    expect(cfg.models[0].deployments[0]).toMatchObject({
      provider: 'gemini',
      upstreamModel: 'gemini-2.5-flash-preview-tts',
      apiKey: 'g-key',
    });
    expect(cfg.models[2].deployments[0]).toMatchObject({
      provider: 'openai',
      upstreamModel: 'gpt-4o',
      rpmLimit: 60,
    });
    expect(cfg.models[1].fallbacks).toEqual(['gpt-4o']);
    expect(cfg.router).toMatchObject({ strategy: 'least-busy', retries: 3 });
  });
});

describe('LiteLLM cost keys', () => {
  it('model_info and litellm_params prices become per-million prices, …_above_200k_tokens the long-context tier', () => {
    const cfg = parseYamlConfig(
      parse(`
model_list:
  - model_name: pro
    litellm_params:
      model: gemini/gemini-2.5-pro
      input_cost_per_token: 1.25e-06
    model_info:
      output_cost_per_token: 0.00001
      cache_read_input_token_cost: "1.25e-7"
      input_cost_per_token_above_200k_tokens: 2.5e-06
      output_cost_per_token_above_200k_tokens: 1.5e-05
      cache_read_input_token_cost_above_200k_tokens: 2.5e-07
      cache_read_input_audio_token_cost: 1e-07
      max_input_tokens: 1048576
`),
      env,
    );
    expect(cfg.models[0].pricing).toEqual({
      input_per_mtok: '1.25',
      output_per_mtok: '10',
      cached_input_per_mtok: '0.125',
      long_context: {
        threshold_tokens: '200000',
        input_per_mtok: '2.5',
        output_per_mtok: '15',
        cached_input_per_mtok: '0.25',
      },
      cached_audio_input_per_mtok: '0.1',
    });
    expect(cfg.models[0].deployments[0].settings).toEqual({});
  });

  it('refuses two thresholds and names a bad price', () => {
    const entry = (info: string) =>
      parse(
        `model_list:\n  - model_name: m\n    litellm_params: { model: gpt-4o }\n    model_info: { ${info} }\n`,
      );
    expect(() =>
      parseYamlConfig(
        entry('input_cost_per_token_above_128k_tokens: 1e-6, output_cost_per_token_above_200k_tokens: 1e-6'),
        env,
      ),
    ).toThrow(
      'model_list[0].model_info.output_cost_per_token_above_200k_tokens: a model has one long-context threshold',
    );
    expect(() => parseYamlConfig(entry('output_cost_per_token_above_200k_tokens: 1e-6'), env)).toThrow(
      'model_list[0].model_info.output_cost_per_token_above_200k_tokens: needs input_cost_per_token_above_200k_tokens',
    );
    expect(() => parseYamlConfig(entry('input_cost_per_token: free'), env)).toThrow(
      'model_list[0].model_info.input_cost_per_token: must be a non-negative decimal',
    );
  });
});

describe('environment', () => {
  it('uses the contract defaults', () => {
    expect(loadEnv({})).toMatchObject({
      port: 4000,
      role: 'all',
      maxBodyBytes: 33554432,
      limitsOnRedisFailure: 'open',
      allowPrivateUrls: false,
    });
  });

  it('refuses production without master and encryption keys, naming the variable', () => {
    expect(() => loadEnv({ NODE_ENV: 'production' })).toThrow(
      'SWITCHBOARD_MASTER_KEY: is required when NODE_ENV=production',
    );
    expect(() => loadEnv({ NODE_ENV: 'production', SWITCHBOARD_MASTER_KEY: 'x'.repeat(20) })).toThrow(
      /^SWITCHBOARD_ENCRYPTION_KEY/,
    );
  });

  it('refuses SWITCHBOARD_METERING=off in production; allows it elsewhere', () => {
    const prod = {
      NODE_ENV: 'production',
      SWITCHBOARD_MASTER_KEY: 'x'.repeat(20),
      SWITCHBOARD_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
    };
    expect(loadEnv(prod).metering).toBe(true);
    expect(() => loadEnv({ ...prod, SWITCHBOARD_METERING: 'off' })).toThrow(
      'SWITCHBOARD_METERING: cannot be off when NODE_ENV=production',
    );
    expect(loadEnv({ SWITCHBOARD_METERING: 'off' }).metering).toBe(false);
  });

  it('reads SWITCHBOARD_DEMO_MODEL (default on)', () => {
    expect(loadEnv({}).demoModel).toBe(true);
    expect(loadEnv({ SWITCHBOARD_DEMO_MODEL: 'false' }).demoModel).toBe(false);
  });

  it('names bad values', () => {
    expect(() => loadEnv({ PORT: 'abc' })).toThrow('PORT: must be an integer');
    expect(() => loadEnv({ SWITCHBOARD_ROLE: 'both' })).toThrow(
      'SWITCHBOARD_ROLE: must be one of api, worker, all',
    );
    expect(() => loadEnv({ SWITCHBOARD_ENCRYPTION_KEY: 'c2hvcnQ=' })).toThrow(
      'SWITCHBOARD_ENCRYPTION_KEY: must be 32 bytes',
    );
  });
});
