'use strict';
/**
 * The systems under test. Each start function resolves with a target:
 *   { name, label, pid, request(scenario) -> { url, headers, body, expect, check? } | null, stop() }
 * (request answers null for a scenario the target does not serve: only the gateway serves the
 * Anthropic Messages scenarios, see lib/scenarios.js)
 * (the gateway also has workerPid and mixedRequests() for the soak)
 * or throws an Error whose message says why the target is skipped.
 * Gateways run pinned to core 0; the fake upstream shares core 1 with the load generator.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawnSync } = require('node:child_process');
const { spawnPinned, waitForLine, freePort, stop, pinServices } = require('./proc');
const { benchPrefix, clearPrefix } = require('./redis-prefix');
const { SCENARIOS, isMessages, isStream } = require('./scenarios');

const ROOT = path.join(__dirname, '..', '..');
const BENCH = path.join(ROOT, 'bench');
const TARGET_CORE = 0;
const UPSTREAM_CORE = 1;
const MASTER_KEY = 'sk-sb-bench-master-key-0123456789abcdefghijklmnop';
const PORTKEY = path.join(BENCH, 'peers/node_modules/@portkey-ai/gateway/build/start-server.js');

const chatBody = (model, stream) =>
  JSON.stringify({
    model,
    messages: [{ role: 'user', content: 'Say hello' }],
    max_tokens: 16,
    ...(stream ? { stream: true } : {}),
  });

/** A request builder for an OpenAI-compatible endpoint at `base` (chat scenarios only; null for the others). */
const openaiRequest =
  (base, model, extraHeaders = {}) =>
  (scenario) =>
    isMessages(scenario)
      ? null
      : {
          url: `${base}/v1/chat/completions`,
          headers: { 'content-type': 'application/json', ...extraHeaders },
          body: chatBody(model, isStream(scenario)),
          expect: isStream(scenario) ? '[DONE]' : '"chat.completion"',
        };

/** The Anthropic SDK's default version header. */
const ANTHROPIC_VERSION = '2023-06-01';

/** The same small prompt in the Anthropic Messages dialect. */
const messagesBody = (model, stream) =>
  JSON.stringify({
    model,
    max_tokens: 16,
    messages: [{ role: 'user', content: 'Say hello' }],
    ...(stream ? { stream: true } : {}),
  });

/**
 * A request builder for the gateway's `POST /v1/messages` at `base` (Messages scenarios only), with the
 * key in `x-api-key` as the Anthropic SDK sends it; the model is the scenario's (`bench-openai` is
 * translated, `bench-anthropic` passed through). `check`: what validate() also wants in the answer (usage).
 */
const messagesRequest = (base, key) => (scenario) => {
  if (!isMessages(scenario)) return null;
  const stream = isStream(scenario);
  return {
    url: `${base}/v1/messages`,
    headers: { 'content-type': 'application/json', 'x-api-key': key, 'anthropic-version': ANTHROPIC_VERSION },
    body: messagesBody(SCENARIOS[scenario].gatewayModel, stream),
    expect: stream ? 'message_stop' : '"type":"message"',
    check: stream
      ? ['event: message_start', 'text_delta', 'event: message_delta', '"output_tokens"']
      : ['"usage"', '"input_tokens"', '"output_tokens"', '"stop_reason":"end_turn"'],
  };
};

async function poll(url, ok, timeoutMs, child) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null)
      throw new Error(`exited with ${child.exitCode}: ${child.tail.slice(-800)}`);
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), 2000);
    try {
      const res = await fetch(url, { signal: ac.signal });
      await res.arrayBuffer();
      if (ok(res.status)) return;
    } catch {
      /* not up yet */
    } finally {
      clearTimeout(timer);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `not ready after ${timeoutMs / 1000}s (${url})${child ? `: ${child.tail.slice(-800)}` : ''}`,
  );
}

async function startFakeUpstream(chunkDelayMs) {
  const child = spawnPinned(UPSTREAM_CORE, process.execPath, [path.join(BENCH, 'fake-upstream.js')], {
    env: { ...process.env, FAKE_CHUNK_DELAY_MS: String(chunkDelayMs || 0) },
  });
  const port = Number((await waitForLine(child, /LISTENING (\d+)/))[1]);
  return { port, pid: child.pid, stop: () => stop(child) };
}

/** "direct": the fake upstream itself (no hop) — the floor that "added latency" is measured from. */
function direct(up) {
  const base = `http://127.0.0.1:${up.port}`;
  return {
    name: 'direct',
    label: 'direct (fake upstream)',
    pid: up.pid,
    request: openaiRequest(base, 'gpt-4o-mini', { authorization: 'Bearer sk-fake' }),
    stop: async () => {},
  };
}

async function bare(up) {
  const child = spawnPinned(TARGET_CORE, process.execPath, [
    path.join(BENCH, 'bare-proxy.js'),
    `--upstream=http://127.0.0.1:${up.port}`,
  ]);
  const port = Number((await waitForLine(child, /LISTENING (\d+)/))[1]);
  return {
    name: 'bare',
    label: 'bare Node proxy',
    pid: child.pid,
    request: openaiRequest(`http://127.0.0.1:${port}`, 'gpt-4o-mini', { authorization: 'Bearer sk-fake' }),
    stop: () => stop(child),
  };
}

/**
 * The gateway's runtime settings exactly as `npm start` applies them: the `KEY=value` prefixes and the
 * node flags of package.json's start script (memory tuning; see the README's performance section).
 */
function startCommand() {
  const script = require(path.join(ROOT, 'package.json')).scripts.start;
  const tokens = script.trim().split(/\s+/);
  const env = {};
  let i = 0;
  // `exec env`: the shell hands its process to node, so a signal sent to npm reaches the gateway.
  while (tokens[i] === 'exec' || tokens[i] === 'env') i++;
  for (; /^[A-Za-z_][A-Za-z0-9_]*=/.test(tokens[i]); i++) {
    const eq = tokens[i].indexOf('=');
    env[tokens[i].slice(0, eq)] = tokens[i].slice(eq + 1);
  }
  if (tokens[i] !== 'node')
    throw new Error(`unexpected start script (expected [exec env] [ENV=…] node …): ${script}`);
  const flags = tokens.slice(i + 1).filter((t) => t.startsWith('--'));
  return { env, flags };
}

function buildGatewayIfNeeded(log) {
  const helper = path.join(ROOT, 'scripts/build-if-needed.js');
  const main = path.join(ROOT, 'dist/main.js');
  if (fs.existsSync(helper)) {
    spawnSync(process.execPath, [helper], { cwd: ROOT, stdio: 'inherit' });
  } else if (!fs.existsSync(main) && fs.existsSync(path.join(ROOT, 'src/main.ts'))) {
    log('building the gateway (npm run build)…');
    spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  }
  if (!fs.existsSync(main)) throw new Error('dist/main.js is missing (run `npm run build` first)');
  return main;
}

/** Create the bench database if needed and apply the migrations. */
async function prepareDatabase(databaseUrl, log) {
  const url = new URL(databaseUrl);
  const dbName = url.pathname.slice(1);
  const { Client } = require('pg');
  const admin = new Client({ connectionString: Object.assign(new URL(url), { pathname: '/postgres' }).href });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName]);
    if (!rowCount) await admin.query(`CREATE DATABASE "${dbName.replace(/"/g, '')}"`);
  } finally {
    await admin.end();
  }
  if (fs.existsSync(path.join(ROOT, 'prisma/migrations'))) {
    log('applying migrations to the bench database…');
    const r = spawnSync(path.join(ROOT, 'node_modules/.bin/prisma'), ['migrate', 'deploy'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl, CHECKPOINT_DISABLE: '1' },
      encoding: 'utf8',
    });
    if (r.status !== 0)
      throw new Error(`prisma migrate deploy failed: ${(r.stderr || r.stdout).slice(-800)}`);
  }
}

/** `extraModels`: more `models:` entries as YAML lines (the soak's fault and video models). */
function gatewayConfig(upPort, extraModels = []) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-'));
  const file = path.join(dir, 'switchboard.yaml');
  fs.writeFileSync(
    file,
    [
      'models:',
      '  - model_name: bench-openai',
      '    deployments:',
      '      - provider: openai',
      '        upstream_model: gpt-4o-mini',
      '        api_key: sk-fake',
      `        base_url: http://127.0.0.1:${upPort}/v1`,
      '  - model_name: bench-gemini',
      '    deployments:',
      '      - provider: gemini',
      '        upstream_model: gemini-2.5-flash',
      '        api_key: fake',
      `        base_url: http://127.0.0.1:${upPort}`,
      '  - model_name: bench-anthropic',
      '    deployments:',
      '      - provider: anthropic',
      '        upstream_model: claude-sonnet-4-5',
      '        api_key: sk-ant-fake',
      `        base_url: http://127.0.0.1:${upPort}`,
      ...extraModels,
      '',
    ].join('\n'),
  );
  return { dir, file };
}

/** rpm/tpm far out of reach (the limits are int32, max 2147483647) and a budget no bench run can spend. */
const NEVER_REFUSING = {
  rpm_limit: 100_000_000,
  tpm_limit: 2_000_000_000,
  max_budget_usd: '1000000',
  budget_duration: '30d',
};

async function adminPost(base, route, body) {
  const res = await fetch(`${base}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${MASTER_KEY}` },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    /* handled by the callers */
  }
  return { status: res.status, ok: res.ok, text, json };
}

/**
 * The credential the gateway target is called with, and what it makes the gateway do: { key, mode }.
 * With `limits` (the default) a team and a key in it, both with rate limits and a budget, so the
 * admission (rpm, tpm, budget reservation) and the settlement run for the key and the team on every
 * request, never refusing; without, a key with no limits (settlement only). The master key when
 * POST /admin/keys does not exist (404) or fails.
 */
async function gatewayKey(base, log, limits) {
  let keyBody = { name: 'bench' };
  let mode = 'virtual key, no limits';
  if (limits) {
    const team = await adminPost(base, '/admin/teams', { name: 'bench', ...NEVER_REFUSING }).catch((err) => ({
      ok: false,
      status: 'error',
      text: err.message,
      json: null,
    }));
    if (team.ok && typeof team.json?.id === 'string') {
      keyBody = { name: 'bench', team_id: team.json.id, ...NEVER_REFUSING };
      mode = 'virtual key, limits + budget';
    } else {
      log(
        `WARNING: POST /admin/teams answered ${team.status} ${team.text.slice(0, 200)}: ` +
          'the key gets its own limits, without a team',
      );
      keyBody = { name: 'bench', ...NEVER_REFUSING };
      mode = 'virtual key, key limits + budget, no team';
    }
  }
  const res = await adminPost(base, '/admin/keys', keyBody);
  if (res.status === 404) {
    log('POST /admin/keys answered 404: using the master key');
    return { key: MASTER_KEY, mode: 'master key' };
  }
  if (res.ok && typeof res.json?.key === 'string') return { key: res.json.key, mode };
  log(`WARNING: POST /admin/keys answered ${res.status} ${res.text.slice(0, 200)}: using the master key`);
  return { key: MASTER_KEY, mode: 'master key' };
}

/**
 * The soak's mixed traffic against a gateway at `base`: OpenAI chat (JSON and SSE with the usage chunk)
 * and Gemini through the Google dialect route (generateContent, streamGenerateContent?alt=sse).
 */
function gatewayMixedRequests(base, key) {
  const openai = { 'content-type': 'application/json', authorization: `Bearer ${key}` };
  const google = { 'content-type': 'application/json', 'x-goog-api-key': key };
  const geminiBody = JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Say hello' }] }] });
  const openaiStream = JSON.stringify({
    model: 'bench-openai',
    messages: [{ role: 'user', content: 'Say hello' }],
    max_tokens: 16,
    stream: true,
    stream_options: { include_usage: true },
  });
  const reqs = [
    {
      name: 'openai non-stream',
      path: '/v1/chat/completions',
      headers: openai,
      body: chatBody('bench-openai', false),
      expect: ['"chat.completion"', '"usage"'],
    },
    {
      name: 'openai stream (include_usage)',
      path: '/v1/chat/completions',
      headers: openai,
      body: openaiStream,
      expect: ['"chat.completion.chunk"', '"usage":{', '[DONE]'],
    },
    {
      name: 'gemini generateContent',
      path: '/v1beta/models/bench-gemini:generateContent',
      headers: google,
      body: geminiBody,
      expect: ['"candidates"', '"usageMetadata"'],
    },
    {
      name: 'gemini streamGenerateContent (sse)',
      path: '/v1beta/models/bench-gemini:streamGenerateContent?alt=sse',
      headers: google,
      body: geminiBody,
      expect: ['data: ', '"finishReason"', '"usageMetadata"'],
    },
  ];
  return reqs.map((r) => ({ ...r, method: 'POST', url: `${base}${r.path}` }));
}

/** The gateway serves every scenario: chat for `bench-openai`, Messages for the scenario's model. */
function gatewayRequest(base, key) {
  const chat = openaiRequest(base, 'bench-openai', { authorization: `Bearer ${key}` });
  const messages = messagesRequest(base, key);
  return (scenario) => (isMessages(scenario) ? messages(scenario) : chat(scenario));
}

/**
 * The two set-ups the gateway is measured in (issue 19), started side by side in one run:
 * - `split`: the `api` role alone on core 0; the `worker` role (usage writer) on core 1, and the machine's
 *   Redis and Postgres moved to core 1 while this target is measured (enter/leave, see pinServices);
 * - `installed`: `npm start` as the README runs it, one process in the default `all` role (API and worker),
 *   on core 0, sharing the machine with Redis and Postgres where the scheduler puts them (nothing moved).
 */
const SETUPS = {
  split: { name: 'gateway', label: 'Switchboard split' },
  installed: { name: 'installed', label: 'Switchboard as installed' },
};

/**
 * opts: setup ('split' by default, or 'installed'), virtualKey, limits, log; extraModels (YAML lines, see
 * gatewayConfig) and env (more settings) for the soak; nodeFlags (more node flags for the API process,
 * e.g. bench/cpu-profile.js's --cpu-prof); for bench/callgrind-ab.js: wrap (a command the API process runs
 * under, e.g. valgrind and its options), main (another build's dist/main.js, run from its own checkout)
 * and readyTimeoutMs.
 */
async function gateway(
  up,
  {
    setup = 'split',
    virtualKey,
    limits = true,
    log,
    extraModels = [],
    env: extraEnv = {},
    nodeFlags = [],
    wrap = [],
    main: mainOverride,
    readyTimeoutMs = 60_000,
  },
) {
  if (!SETUPS[setup]) throw new Error(`unknown gateway set-up ${setup} (split or installed)`);
  const main = mainOverride ? path.resolve(mainOverride) : buildGatewayIfNeeded(log);
  const cwd = mainOverride ? path.dirname(path.dirname(main)) : ROOT;
  const databaseUrl =
    process.env.BENCH_DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/switchboard_bench';
  await prepareDatabase(databaseUrl, log);
  const cfg = gatewayConfig(up.port, extraModels);
  const port = await freePort();
  const redisUrl = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379';
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    // Its own keys: the usage stream of an instance running beside the bench is never shared.
    SWITCHBOARD_REDIS_PREFIX: benchPrefix(setup === 'split' ? 'gateway' : setup),
    SWITCHBOARD_MASTER_KEY: MASTER_KEY,
    SWITCHBOARD_ENCRYPTION_KEY: crypto.randomBytes(32).toString('base64'),
    SWITCHBOARD_CONFIG: cfg.file,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    ...extraEnv,
  };
  delete env.SWITCHBOARD_ROLE;
  const start = startCommand();
  Object.assign(env, start.env);
  const role = setup === 'split' ? { SWITCHBOARD_ROLE: 'api' } : {}; // installed: the default role, `all`
  const [cmd, ...pre] = [...wrap, process.execPath];
  const api = spawnPinned(TARGET_CORE, cmd, [...pre, ...start.flags, ...nodeFlags, main], {
    cwd,
    env: { ...env, PORT: String(port), ...role },
  });
  // The worker (usage writer) shares the load generator's core, never the gateway's (issue: "not pinned to that core").
  const worker =
    setup === 'split'
      ? spawnPinned(UPSTREAM_CORE, process.execPath, [...start.flags, main], {
          cwd,
          env: { ...env, SWITCHBOARD_ROLE: 'worker' },
        })
      : null;
  // Redis and Postgres are moved only while the split target is measured (and its warm-up), so the
  // as-installed target beside it in the same run shares its core with them as a real deployment does.
  let services = null;
  const enter = () => {
    if (setup === 'split' && !services) services = pinServices(UPSTREAM_CORE);
  };
  const leave = () => {
    services?.restore();
    services = null;
  };
  const stopAll = async () => {
    await Promise.all([stop(api), worker && stop(worker)]);
    leave();
    await clearPrefix(redisUrl, env.SWITCHBOARD_REDIS_PREFIX).catch(() => undefined);
    fs.rmSync(cfg.dir, { recursive: true, force: true });
  };
  try {
    const base = `http://127.0.0.1:${port}`;
    await poll(`${base}/health/ready`, (s) => s === 200, readyTimeoutMs, api);
    if (worker && worker.exitCode !== null) throw new Error(`worker exited: ${worker.tail.slice(-800)}`);
    const { key, mode } = virtualKey
      ? await gatewayKey(base, log, limits)
      : { key: MASTER_KEY, mode: 'master key' };
    enter();
    const note = services?.note || null;
    if (note) log(note);
    leave();
    const where =
      setup === 'split'
        ? 'api role alone on core 0, worker + Redis + Postgres on core 1'
        : 'npm start, role all, one process on core 0, Redis + Postgres not moved';
    return {
      name: SETUPS[setup].name,
      setup,
      label: `${SETUPS[setup].label} (${where}; ${mode})`,
      short: SETUPS[setup].label,
      pid: api.pid,
      child: api, // its stdout, for bench/cpu-profile.js's --trace-gc
      workerPid: worker?.pid ?? null,
      base,
      key,
      databaseUrl,
      metricsUrl: `${base}/metrics`,
      metricsHeaders: { authorization: `Bearer ${MASTER_KEY}` },
      request: gatewayRequest(base, key),
      mixedRequests: () => gatewayMixedRequests(base, key),
      note: note && `${note.replace("the gateway's runs", "the split gateway's runs")}`,
      enter,
      leave,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** The as-installed gateway target (see SETUPS). */
const installed = (up, opts) => gateway(up, { ...opts, setup: 'installed' });

async function portkey(up) {
  if (!fs.existsSync(PORTKEY)) {
    throw new Error('not installed (npm --prefix bench/peers install, see bench/README.md)');
  }
  const port = await freePort();
  const child = spawnPinned(TARGET_CORE, process.execPath, [PORTKEY, `--port=${port}`, '--headless'], {
    env: { ...process.env, NODE_ENV: 'production', TRUSTED_CUSTOM_HOSTS: '127.0.0.1,localhost' },
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    await poll(`${base}/`, (s) => s < 500, 30_000, child);
  } catch (err) {
    await stop(child);
    throw err;
  }
  return {
    name: 'portkey',
    label: 'Portkey gateway 1.15.2',
    pid: child.pid,
    request: openaiRequest(base, 'gpt-4o-mini', {
      authorization: 'Bearer sk-fake',
      'x-portkey-provider': 'openai',
      'x-portkey-custom-host': `http://127.0.0.1:${up.port}/v1`,
    }),
    stop: () => stop(child),
  };
}

/**
 * Send one request per scenario the target serves and check the answer (`expect`, and every `check`
 * string); throws with the reason on failure.
 */
async function validate(target, scenarios) {
  for (const sc of scenarios) {
    const r = target.request(sc);
    if (!r) continue;
    const res = await fetch(r.url, { method: 'POST', headers: r.headers, body: r.body });
    const text = await res.text();
    const missing = [r.expect, ...(r.check || [])].filter((e) => !text.includes(e));
    if (res.status !== 200 || missing.length) {
      const why = res.status !== 200 ? '' : ` without ${missing.join(', ')}`;
      throw new Error(`${sc} request answered ${res.status}${why}: ${text.slice(0, 300)}`);
    }
  }
}

/** Send each of the soak's request types once; throws unless every one answers 200 with what it should contain. */
async function validateMixed(reqs) {
  for (const r of reqs) {
    const res = await fetch(r.url, { method: r.method, headers: r.headers, body: r.body });
    const text = await res.text();
    const missing = r.expect.filter((e) => !text.includes(e));
    if (res.status !== 200 || missing.length) {
      const why = res.status !== 200 ? '' : ` without ${missing.join(', ')}`;
      throw new Error(`${r.name} (${r.path}) answered ${res.status}${why}: ${text.slice(0, 300)}`);
    }
  }
}

module.exports = {
  startFakeUpstream,
  direct,
  bare,
  gateway,
  installed,
  portkey,
  validate,
  validateMixed,
  // for the focused benches (video-tasks.js) that start the gateway their own way
  MASTER_KEY,
  startCommand,
  buildGatewayIfNeeded,
  prepareDatabase,
  poll,
};
