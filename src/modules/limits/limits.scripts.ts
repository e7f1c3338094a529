/**
 * The Lua script of the hot path (EVALSHA through ioredis `defineCommand`): the settlements and the
 * admissions of one event-loop turn go to Redis as one command (ScriptBatcher), settlements first (so
 * the reservations they free count for the admissions), each request in order. A batch runs atomically,
 * so concurrent requests on any gateway instance see one consistent count.
 *
 * Key layout per subject (key or team), under `base` = `<prefix>:lim:<kind>:<id>`:
 *   base:rpm:<minute>        requests in that minute (TTL 120 s)
 *   base:tpm:<minute>        tokens in that minute (TTL 120 s)
 *   base:spend:<period>      settled spend in the budget period, integer nano-USD (seeded from Postgres)
 *   base:resv:<period>       sum of open reservations, nano-USD
 *   base:resvh:<period>      hash: usage event id → its reservation (settlement is idempotent on it)
 * Keys are built inside the scripts from Redis TIME, so this layout assumes one Redis (not Cluster).
 *
 * KEYS: the usage stream. ARGV: settled-marker prefix, then the settlements (a count, then each request's
 * values), then the admissions (a count, then each request's values) → { settle replies, admit replies }.
 *
 * ADMIT  per request: eventId, n, estTokens, then per subject 7 values:
 *        base, rpm (0 = none), tpm (0 = none), budgetNano (-1 = none), period, reserveNano, ttlSeconds (0 = keep)
 *   → per request { verdict, subjectIndex, nowMs, per subject: rpmCur, rpmPrev, tpmCur, tpmPrev }
 *   verdict: ok | rpm | tpm | budget | seed (the spend counter of subject `subjectIndex` is missing)
 *   Nothing is written unless every check passes.
 *
 * SETTLE per request: eventId, payload, n, extraTokens, then per subject 6 values:
 *        base, tpm (0/1), budget (0/1), period, costNano, reservedNano (what its admission reserved; 0 = none)
 *   An empty payload releases the reservation without appending anything (request never sent upstream).
 *   → per request 1 when counted now, 0 when counted before. The event is appended either way (the
 *   writer deduplicates records on their id). A request holding a reservation uses it as its marker; one
 *   holding none gets a settled-marker key that lives 10 minutes: long enough for the retry of a call
 *   whose reply was lost, short enough to stay small.
 */
export const LIMITS_LUA = `
local t = redis.call('TIME')
local nowMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local minute = math.floor(nowMs / 60000)
local w = (60000 - (nowMs - minute * 60000)) / 60000
local m0 = tostring(minute)
local m1 = tostring(minute - 1)

-- One request whose values start at ARGV[p]; returns 1 (counted now) or 0, and where the next starts.
-- Idempotency: the request's first reservation is its marker (HDEL succeeds once); a request holding
-- none gets a marker key. The event is appended to the stream either way: the writer drops repeats,
-- so an event is never lost, even when Redis lost the reservation (a restart without persistence).
local function settle(p)
  local id = ARGV[p]
  local payload = ARGV[p + 1]
  local n = tonumber(ARGV[p + 2])
  local extra = tonumber(ARGV[p + 3])
  local nextP = p + 4 + n * 6
  local first = nil
  for i = 0, n - 1 do
    if tonumber(ARGV[p + 4 + i * 6 + 5]) > 0 then
      first = i
      break
    end
  end
  local counts = true
  if first then
    local o = p + 4 + first * 6
    counts = redis.call('HDEL', ARGV[o] .. ':resvh:' .. ARGV[o + 3], id) == 1
    if counts then redis.call('DECRBY', ARGV[o] .. ':resv:' .. ARGV[o + 3], ARGV[o + 5]) end
  else
    counts = redis.call('SET', ARGV[1] .. id, '1', 'NX', 'EX', 600) and true or false
  end
  if counts then
    for i = 0, n - 1 do
      local o = p + 4 + i * 6
      local base = ARGV[o]
      local period = ARGV[o + 3]
      local cost = tonumber(ARGV[o + 4])
      if i ~= first and tonumber(ARGV[o + 5]) > 0 and redis.call('HDEL', base .. ':resvh:' .. period, id) == 1 then
        redis.call('DECRBY', base .. ':resv:' .. period, ARGV[o + 5])
      end
      if tonumber(ARGV[o + 1]) == 1 and extra > 0 then
        local k = base .. ':tpm:' .. m0
        if redis.call('INCRBY', k, extra) == extra then redis.call('EXPIRE', k, 120) end
      end
      -- The counter keeps the expiry its seed gave it (a short one when Postgres could not be read).
      local sk = base .. ':spend:' .. period
      if tonumber(ARGV[o + 2]) == 1 and cost > 0 and redis.call('EXISTS', sk) == 1 then
        redis.call('INCRBY', sk, cost)
      end
    end
  end
  if payload ~= '' then redis.call('XADD', KEYS[1], '*', 'e', payload) end
  if counts then return 1, nextP end
  return 0, nextP
end

-- One request whose values start at ARGV[p]; returns its reply and where the next request starts.
local function admit(p)
  local id = ARGV[p]
  local n = tonumber(ARGV[p + 1])
  local est = tonumber(ARGV[p + 2])
  local nextP = p + 3 + n * 7
  local verdict = 'ok'
  local who = 0
  local out = { 'ok', 0, nowMs }
  local subjects = {}
  for i = 0, n - 1 do
    local o = p + 3 + i * 7
    local base = ARGV[o]
    local rpm = tonumber(ARGV[o + 1])
    local tpm = tonumber(ARGV[o + 2])
    local budget = tonumber(ARGV[o + 3])
    local period = ARGV[o + 4]
    local s = { base = base, rpm = rpm, tpm = tpm, budget = budget, period = period }
    local rc, rp, tc, tp, spend, reserved = 0, 0, 0, 0, 0, 0
    -- Every counter this subject is checked against, in one MGET (key names built once per request).
    local keys = {}
    if rpm > 0 then
      s.krpm = base .. ':rpm:' .. m0
      keys[#keys + 1] = s.krpm
      keys[#keys + 1] = base .. ':rpm:' .. m1
    end
    if tpm > 0 then
      s.ktpm = base .. ':tpm:' .. m0
      keys[#keys + 1] = s.ktpm
      keys[#keys + 1] = base .. ':tpm:' .. m1
    end
    if budget >= 0 then
      s.kresv = base .. ':resv:' .. period
      keys[#keys + 1] = base .. ':spend:' .. period
      keys[#keys + 1] = s.kresv
    end
    local v = {}
    if #keys > 0 then v = redis.call('MGET', unpack(keys)) end
    local j = 1
    if rpm > 0 then
      rc = tonumber(v[j] or '0')
      rp = tonumber(v[j + 1] or '0')
      j = j + 2
    end
    if tpm > 0 then
      tc = tonumber(v[j] or '0')
      tp = tonumber(v[j + 1] or '0')
      j = j + 2
    end
    if budget >= 0 then
      if not v[j] then return { 'seed', i, nowMs }, nextP end
      spend = tonumber(v[j])
      reserved = tonumber(v[j + 1] or '0')
    end
    if verdict == 'ok' then
      if rpm > 0 and rp * w + rc + 1 > rpm then verdict = 'rpm'; who = i
      elseif tpm > 0 and tp * w + tc >= tpm then verdict = 'tpm'; who = i
      elseif budget >= 0 and spend + reserved >= budget then verdict = 'budget'; who = i
      end
    end
    out[#out + 1] = rc
    out[#out + 1] = rp
    out[#out + 1] = tc
    out[#out + 1] = tp
    subjects[i + 1] = s
  end
  out[1] = verdict
  out[2] = who
  if verdict ~= 'ok' then return out, nextP end
  for i = 0, n - 1 do
    local o = p + 3 + i * 7
    local s = subjects[i + 1]
    local reserve = tonumber(ARGV[o + 5])
    local ttl = tonumber(ARGV[o + 6])
    local c = 4 + i * 4
    -- Expiries are set when a counter is created (its first increment), not on every request.
    if s.rpm > 0 then
      out[c] = redis.call('INCR', s.krpm)
      if out[c] == 1 then redis.call('EXPIRE', s.krpm, 120) end
    end
    if s.tpm > 0 and est > 0 then
      out[c + 2] = redis.call('INCRBY', s.ktpm, est)
      if out[c + 2] == est then redis.call('EXPIRE', s.ktpm, 120) end
    end
    if s.budget >= 0 and reserve > 0 then
      local hk = s.base .. ':resvh:' .. s.period
      if redis.call('HSETNX', hk, id, reserve) == 1 then
        -- No other reservation open: the counter and its hash may be new.
        if redis.call('INCRBY', s.kresv, reserve) == reserve and ttl > 0 then
          redis.call('EXPIRE', s.kresv, ttl)
          redis.call('EXPIRE', hk, ttl)
        end
      end
    end
  end
  return out, nextP
end

local settled = {}
local p = 3
for r = 1, tonumber(ARGV[2]) do
  settled[r], p = settle(p)
end
local admitted = {}
local m = tonumber(ARGV[p])
p = p + 1
for r = 1, m do
  admitted[r], p = admit(p)
end
return { settled, admitted }
`;
