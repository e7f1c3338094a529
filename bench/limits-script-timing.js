'use strict';
/**
 * The limits script alone, in a private redis-server this script starts (no persistence) and stops:
 * Redis' own time per batch (INFO commandstats, usec_per_call of EVALSHA), so the load of the machine
 * and the client's round trip do not blur it.
 *
 *   npm run build && node bench/limits-script-timing.js [path to a compiled limits.scripts.js]
 *
 * The figures in bench/README.md ("Limits script") come from this script.
 *
 * Batches of 6 (each request: a key and a team with rpm, tpm and a budget, as the bench's key):
 * admissions one by one; settlements of such admissions (SETTLE lane); leased settlements summed (SUM).
 */
const Redis = require('ioredis');
const { spawn } = require('node:child_process');
const path = require('node:path');

const scripts = require(path.resolve(process.argv[2] ?? 'dist/modules/limits/limits.scripts.js'));
const port = 20_000 + Math.floor(Math.random() * 20_000);
const server = spawn(
  'redis-server',
  ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
  { stdio: 'ignore' },
);
const redis = new Redis({ port, host: '127.0.0.1', retryStrategy: (n) => (n > 50 ? null : 100) });
redis.on('error', () => undefined);
const prefix = 'sbbench';
const BATCH = 6;
const ROUNDS = Number(process.env.ROUNDS ?? 3000);
const subjects = [`${prefix}:lim:key:k`, `${prefix}:lim:team:t`];
// The script's head: stream, settled prefix, batch id, ledger prefix, instance (and the clock, when the
// compiled script reads one: '' = Redis TIME).
const headLength = scripts.LIMITS_LUA.includes('ARGV[5]') ? 5 : 4;
// Builds before issue 14 item 6 read no "may be seeded" value per settlement.
const readsMaybeSeeded = scripts.LIMITS_LUA.includes('maybeSeeded');
let batches = 0;
const head = () => {
  const h = [`${prefix}:usage:settled:`, `b${++batches}`, `${prefix}:lease:`, 'i1', ''];
  return h.slice(0, headLength);
};

// Builds since issue 15 (reservation records) read a hold (ms, 0 = default) and a task flag per admission.
const readsHold = scripts.LIMITS_LUA.includes('reservation-deadlines');
function admit(id) {
  const a = [id, subjects.length, 50];
  if (readsHold) a.push(0, 0);
  for (const base of subjects) a.push(base, 1_000_000_000, 1_000_000_000_000, 1e15, 'p', 2_000, 3600);
  return a;
}
function settle(id) {
  const a = [id, `{"id":"${id}"}`, subjects.length, 5, 0, ''];
  if (readsMaybeSeeded) a.push(0);
  for (const base of subjects) a.push(base, 1, 1, 'p', 1_500, 2_000);
  return a;
}
function sum(id) {
  const a = [`{"id":"${id}"}`, subjects.length];
  for (const base of subjects) a.push(base, 'p', 5, 1_500, 0);
  return a;
}
/** The lanes, flattened (builds before limitsScriptArgs existed flattened them the same way). */
const lanes = (...byLane) =>
  scripts.limitsScriptArgs
    ? scripts.limitsScriptArgs([], byLane)
    : byLane.flatMap((lane) => [lane.length, ...lane.flat()]);

/**
 * Redis' µs per EVALSHA of `run`, after a warm-up: the least of 5 slices of ROUNDS / 5 calls (the
 * machine is shared; the least is the figure its neighbours disturbed least).
 */
async function time(label, run) {
  for (let i = 0; i < 200; i++) await run(i);
  let best = Infinity;
  for (let slice = 0; slice < 5; slice++) {
    await redis.config('RESETSTAT');
    for (let i = 0; i < ROUNDS / 5; i++) await run(i);
    const stats = await redis.info('commandstats');
    const m = /cmdstat_evalsha:calls=(\d+),usec=(\d+)/.exec(stats);
    best = Math.min(best, Number(m[2]) / Number(m[1]));
  }
  return best;
}

async function main() {
  redis.defineCommand('sbLimits', { numberOfKeys: 1, lua: scripts.LIMITS_LUA });
  redis.defineCommand('sbEmpty', { numberOfKeys: 1, lua: 'return {}' });
  const stream = `${prefix}:usage:events`;
  for (const base of subjects) await redis.set(`${base}:spend:p`, 0);
  const empty = await time('empty', () => redis.sbEmpty(stream, ...head()));
  let n = 0;
  const ids = () => Array.from({ length: BATCH }, () => `e${++n}`);
  const out = {};
  let admitted = [];
  out.admit = await time('admit', async () => {
    const batch = ids();
    await redis.sbLimits(stream, ...head(), ...lanes([], [], [], batch.map(admit)));
    admitted.push(...batch);
  });
  out.settle = await time('settle', async () => {
    const batch = admitted.splice(0, BATCH);
    if (batch.length === 0) batch.push(...ids());
    await redis.sbLimits(stream, ...head(), ...lanes(batch.map(settle), [], [], []));
  });
  out.sum = await time('sum', async () => {
    await redis.sbLimits(stream, ...head(), ...lanes([], ids().map(sum), [], []));
  });
  out.mixed = await time('mixed', async () => {
    const a = ids();
    const s = ids();
    await redis.sbLimits(stream, ...head(), ...lanes(s.map(settle), [], [], a.map(admit)));
  });
  const rows = Object.entries(out).map(([k, us]) => `${k}: ${us.toFixed(1)} µs per batch of ${BATCH}`);
  console.log(`an empty script: ${empty.toFixed(1)} µs\n${rows.join('\n')}`);
}

main()
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => {
    redis.disconnect();
    server.kill('SIGKILL');
  });
