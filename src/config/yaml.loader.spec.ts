import { ConfigError } from './config-error';
import { loadEnv } from './env.loader';
import { parseYamlConfig } from './yaml.loader';
import { parse } from 'yaml';

const env = { GEMINI_API_KEY: 'g-key', OPENAI_API_KEY: 'o-key' };

describe('YAML config', () => {
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

  it('refuses providers this build cannot serve (known ids without an adapter), naming the path', () => {
    for (const provider of ['anthropic', 'kling', 'seedance']) {
      const doc = parse(
        `models:\n  - model_name: a\n    deployments:\n      - provider: ${provider}\n        upstream_model: x\n`,
      );
      expect(() => parseYamlConfig(doc, env)).toThrow(
        `models[0].deployments[0].provider: provider "${provider}" is not served by this build (served: openai,`,
      );
    }
    const litellm = parse(
      'model_list:\n  - model_name: claude\n    litellm_params:\n      model: anthropic/claude-sonnet-4-5\n',
    );
    expect(() => parseYamlConfig(litellm, env)).toThrow(
      'model_list[0].litellm_params.model: provider "anthropic" is not served by this build',
    );
    const served = parse(
      'models:\n  - model_name: a\n    deployments:\n      - provider: mock\n        upstream_model: x\n',
    );
    expect(parseYamlConfig(served, env).models[0].deployments[0].provider).toBe('mock');
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
