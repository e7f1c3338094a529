/**
 * The Lua script of the hot path (EVALSHA through ioredis `defineCommand`): the settlements, the lease
 * operations and the admissions of one event-loop turn go to Redis as one command (ScriptBatcher), in
 * that order (so the reservations and leases they free count for the admissions), each request in order.
 * A batch runs atomically, so concurrent requests on any gateway instance see one consistent count.
 *
 * Key layout per subject (key or team), under `base` = `<prefix>:lim:<kind>:<id>`:
 *   base:rpm                 the requests of the sliding minute (contract §9.21), exact to the ms: a
 *                            sorted set, score = time (ms), member `<id>:<weight>`; one entry per script
 *                            call for what its admissions (and settlements) counted, one per lease grant
 *                            (a lease's slots are admissions at its grant time); member `#<expiry>`
 *                            holds minus the window's total, so one ZRANGE reads the total and the oldest
 *                            entry. Entries 60 s old leave the window (trimmed when read), so it holds at
 *                            most 60 s of calls; the key expires 61–120 s after its last write.
 *   base:tpm                 tokens, likewise (admission estimates, lease grants, tokens settled beyond the
 *                            estimate)
 *   base:spend:<period>      settled spend in the budget period, integer nano-USD (seeded from Postgres)
 *   base:resv:<period>       open reservations plus the unused part of leases, nano-USD
 * Reservation records, under the lease-ledger prefix `<prefix>:lease:`:
 *   reservation:<id>         hash, one per reservation admitted one by one with a budget reserved, and
 *                            per task (ADMIT task = 1), written by its admission: state (open | expired |
 *                            settled | released), owner (instance), ledger (1: the owner's ledger holds
 *                            it too: a request's; 0: a task's, which outlives its owner), deadline (ms),
 *                            amount (nano-USD per budget subject), est (tokens), subjects (one line
 *                            each: base TAB period TAB nano-USD reserved TAB tpm 0/1 TAB budget 0/1).
 *                            The id is the usage event id. A request's settlement by its own
 *                            instance (SETTLE with subjects) ends and deletes it; settlement or release
 *                            by id (SETTLE with n = -1), and expiry, leave it for RESERVATION_FORGET_MS.
 *   reservation-deadlines    sorted set, score = deadline (ms), member = id, of the open records.
 *   resv-deadlines           the previous build's deadlines (members id NUL base NUL period, pointing at
 *                            `base:resvh:<period>` hash entries `<nano>:<owner>`): only drained.
 * Keys are built inside the scripts, so this layout assumes one Redis (not Cluster).
 *
 * KEYS: the usage stream. ARGV: the settled-marker prefix, this batch's id, the lease-ledger prefix
 * (`<prefix>:lease:`), this instance's id, the clock in ms ('' = Redis TIME; tests drive it), then four
 * lanes, each a count followed by its requests' values: settlements, summed settlements, lease
 * operations, admissions → { settle, sum, lease, admit replies, { reservations expired by this call } }.
 *
 * Lease ledger: the budget reservation an instance's leases and one-by-one admissions added and that
 * neither a give-back nor a settlement has freed yet is kept in `<lease prefix>ledger:<instance>` (hash:
 * base NUL period → nano-USD), and the instance in `<lease prefix>alive` (sorted set, score = heartbeat
 * deadline, ms; renewed by every grant and one-by-one reservation, and by LEASE_HEARTBEAT_LUA). A
 * lease's give-back and a settlement free at most what the owner's ledger still holds. Every call first
 * gives back the ledgers of up to two instances whose deadline passed (a process that died), so their
 * reservations stop counting within LEDGER_TTL_MS instead of at the end of the budget period (or never,
 * without one). An instance reclaimed while alive (stalled past the deadline) frees nothing twice: its
 * id is refused leases from then on (LEASE replies k = -1), and it moves to a new id whose ledger only
 * its new reservations feed. Every reservation record also has a deadline (RESERVATION_TTL_MS after a
 * request's admission by default; a task's chooses its own): every call first frees up to
 * RESERVATION_SWEEP_LIMIT open records whose deadline passed, even if their owner lives, marking them
 * expired; a settlement that still comes counts its spend, once, and frees nothing.
 *
 * ADMIT  per request: eventId, n, estTokens, holdMs (the record's deadline from now; 0 = RESERVATION_TTL_MS),
 *        task (0/1: always write a record, kept out of the owner's ledger), then per subject 7 values:
 *        base, rpm (0 = none), tpm (0 = none), budgetNano (-1 = none), period, reserveNano, ttlSeconds (0 = keep)
 *   → per request { verdict, subjectIndex, nowMs, per subject: rpmUsed, rpmResetMs, tpmUsed, tpmResetMs }
 *   verdict: ok | rpm | tpm | budget | seed (the spend counter of subject `subjectIndex` is missing)
 *   A request is admitted while the window holds fewer than rpm requests (and fewer than tpm tokens).
 *   used: the window's total (after this request when admitted); resetMs: until there is room for one
 *   more request (token), and at least until the oldest entry leaves the window: never over 60 s.
 *   Nothing is written unless every check passes.
 *
 * LEASE  per request, one subject: base, rpm, tpm, budgetNano, period, ttlSeconds, slots, tokensPerSlot,
 *        nanoPerSlot, then what a retired lease gives back: its entry (uid, '' = none), its grant time
 *        (ms), the requests it was granted and gives back, the tokens likewise, the nano-USD it gives back.
 *   Gives back first (what is still in the window), then grants k ≤ slots request slots (k
 *   tokens-per-slot and nano-per-slot each), counted now like k admitted requests, with k at most
 *   1/LEASE_SHARE of the headroom left in every limit, and nothing below LEASE_MIN_SLOTS: near a limit
 *   every request is admitted one by one.
 *   → { k, nowMs, rpmUsed, rpmResetMs, tpmUsed, tpmResetMs, uid } (k = 0: nothing granted; -1: this
 *   instance's ledger was reclaimed, nothing given back or granted: it must move to a new id).
 *
 * SETTLE per request: eventId, payload, n, extraTokens, leased (0/1), earlier batches (the ids of the
 *        batches an earlier attempt of this settlement went out in, comma-separated; '' on the first),
 *        may be seeded (1: the event may be in Postgres already, so a spend counter seeded from there may
 *        count it: its spend is added only for subjects whose seed did not mark it; see SEED_SPEND_LUA),
 *        then per subject 6 values:
 *        base, tpm (0/1), budget (0/1), period, costNano, reservedNano (what its admission reserved; 0 = none)
 *   An empty payload releases the reservation without appending anything (request never sent upstream).
 *   By id, from any instance: id, payload ('' = release), -1, costNano, tokens (the usage's total), may
 *   be seeded (0/1): the
 *   record says what to free and count (tokens beyond its estimate, the cost per budget subject); → the
 *   outcome: settled | released | already-<state> | unknown (no record: the event is appended anyway).
 *   → per request 1 when counted now, 0 when counted before. The event is appended either way (the
 *   writer deduplicates records on their id): the batch's events go to the stream as one entry, field
 *   `e` holding one event JSON per line. A request admitted one by one that holds a reservation
 *   uses it as its marker; for the others, each batch that settles any leaves one marker key
 *   (`<prefix>batch:<id>`, 10 minutes: long enough for the retry of a call whose reply was lost, one
 *   key per batch rather than per request), and a retry counts only if none of its earlier batches ran.
 *
 * SUM    settlements that need no check of their own (first attempts holding no reservation marker:
 *        leased, or without a budget reservation), summed by the gateway (mergeSettlementSums) so that
 *        Redis' work is per batch and subject, not per request: the events (one JSON per line, '' for
 *        none), a subject count, then per subject 5 values: base, period, tokens added (0 = none or no
 *        tpm limit), spend in nano-USD (0 = none or no budget), reservation given back in nano-USD.
 *        Counted unconditionally under the batch's marker (a retry of any of them names this batch).
 *   → 1 per item.
 */
/** An instance's lease ledger is given back this long after its last heartbeat (ms). */
export const LEDGER_TTL_MS = 30_000;
/** How often an instance renews its heartbeat (ms): well inside LEDGER_TTL_MS. */
export const LEDGER_HEARTBEAT_MS = 5_000;

/**
 * A one-by-one budget reservation is freed this long after its admission even if its owner lives (ms):
 * far longer than any request runs (deployment timeouts default to 120 s).
 */
export const RESERVATION_TTL_MS = 3_600_000;
/** After that (or once settled or released by id), its record stays this long (then it is dropped). */
export const RESERVATION_FORGET_MS = 86_400_000;
/** Each script call frees at most this many reservations whose deadline passed (the reply says how many). */
export const RESERVATION_SWEEP_LIMIT = 8;

/** How long a seed's marks of counted events are kept (s): their settlements come once Redis is back. */
const SEEDED_MARKS_TTL_S = 86_400;

/** A lease takes at most this share (1/n) of the headroom left in each limit. */
export const LEASE_SHARE = 8;
/** Below this many request slots, no lease is granted (requests are admitted one by one). */
export const LEASE_MIN_SLOTS = 4;

export const LIMITS_LUA = `
local LEASE_SHARE = ${LEASE_SHARE}
local LEASE_MIN_SLOTS = ${LEASE_MIN_SLOTS}
local nowMs = tonumber(ARGV[5])
if not nowMs then
  local t = redis.call('TIME')
  nowMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local WINDOW_MS = 60000
-- An entry at or before this left the window: it is 60 s old.
local cutoff = nowMs - WINDOW_MS
local LEDGER_TTL_MS = ${LEDGER_TTL_MS}
local ledgerPrefix = ARGV[3]
local instance = ARGV[4]
local ledger = ledgerPrefix .. 'ledger:' .. instance
local alive = ledgerPrefix .. 'alive'

-- Decrements a counter that exists, never below zero (a lost counter is not made negative).
local function giveBack(k, amount)
  if amount > 0 and redis.call('EXISTS', k) == 1 and redis.call('DECRBY', k, amount) < 0 then
    redis.call('SET', k, 0, 'KEEPTTL')
  end
end

-- Increments a counter, setting its expiry when this creates it; returns the new value.
local function add(k, amount, ttl)
  local v = redis.call('INCRBY', k, amount)
  if v == amount and ttl > 0 then redis.call('EXPIRE', k, ttl) end
  return v
end

-- Budget reservation this instance's leases and one-by-one admissions add for a subject (recorded in
-- its ledger).
local function ledgerAdd(base, period, nano)
  redis.call('HINCRBY', ledger, base .. '\\0' .. period, nano)
  redis.call('ZADD', alive, nowMs + LEDGER_TTL_MS, instance)
end

-- How much of nano a ledger (key) lets be freed for a subject: what it still holds (nothing once a sweep
-- gave it back), taken off it.
local function ledgerTake(key, base, period, nano)
  if nano <= 0 then return 0 end
  local field = base .. '\\0' .. period
  local have = tonumber(redis.call('HGET', key, field) or '0')
  local take = math.min(have, nano)
  if take <= 0 then return 0 end
  if take == have then redis.call('HDEL', key, field) else redis.call('HINCRBY', key, field, -take) end
  return take
end

-- What this call's one-by-one admissions reserved, per ledger field: added to the ledger once, at the
-- end (nothing after the admissions reads the ledger).
local ledgerAdded = {}
local function flushLedgerAdded()
  local any = false
  for field, nano in pairs(ledgerAdded) do
    redis.call('HINCRBY', ledger, field, nano)
    any = true
  end
  if any then redis.call('ZADD', alive, nowMs + LEDGER_TTL_MS, instance) end
end

-- The same for this instance's ledger.
local function ledgerFree(base, period, nano)
  return ledgerTake(ledger, base, period, nano)
end

-- Reservation records (see the header): <ledger prefix>reservation:<id>, a hash. The deadlines set
-- (score = deadline, ms; member = id) frees each open one at its deadline even if its owner lives.
local recordPrefix = ledgerPrefix .. 'reservation:'
local deadlines = ledgerPrefix .. 'reservation-deadlines'
local RESERVATION_TTL_MS = ${RESERVATION_TTL_MS}
local RESERVATION_FORGET_MS = ${RESERVATION_FORGET_MS}

-- A record as a table (nil when there is none).
local function readRecord(id)
  local f = redis.call('HMGET', recordPrefix .. id, 'state', 'owner', 'ledger', 'subjects', 'est')
  if not f[1] then return nil end
  return { state = f[1], owner = f[2], ledger = f[3], subjects = f[4] or '', est = tonumber(f[5]) or 0 }
end

-- Its subjects: one line each, base TAB period TAB nano held TAB tpm (0/1) TAB budget (0/1).
local function eachSubject(r)
  return string.gmatch(r.subjects, '([^\\t\\n]+)\\t([^\\t\\n]+)\\t(%d+)\\t(%d)\\t(%d)')
end

-- What may be freed of a reservation: what its owner's ledger still holds of it.
local function reservationFree(base, period, nano, ownerLedger)
  if ownerLedger then return ledgerTake(ownerLedger, base, period, nano) end
  return nano
end

-- What this call ends of open reservations, per owner ledger and subject: freed once per call (at most
-- what the ledger still holds of it), when the settlements' changes are applied.
local reservationsEnded = {}
local function freeEndedReservations()
  for _, e in pairs(reservationsEnded) do
    giveBack(e.base .. ':resv:' .. e.period, reservationFree(e.base, e.period, e.nano, e.ledger))
  end
end
local function endHolding(ownerLedger, base, period, nano)
  if nano <= 0 then return end
  local k = (ownerLedger or '') .. '\\0' .. base .. '\\0' .. period
  local e = reservationsEnded[k]
  if e then
    e.nano = e.nano + nano
  else
    reservationsEnded[k] = { ledger = ownerLedger, base = base, period = period, nano = nano }
  end
end

-- Frees what an open record holds, with the call's others, and takes it off the deadlines.
local function freeRecord(id, r)
  redis.call('ZREM', deadlines, id)
  local ownerLedger = nil
  if r.ledger == '1' then ownerLedger = ledgerPrefix .. 'ledger:' .. r.owner end
  for base, period, held in eachSubject(r) do
    endHolding(ownerLedger, base, period, tonumber(held))
  end
end

-- Ends a request's reservation at its settlement by the instance that admitted it: returns whether the
-- settlement counts now (the record was open, or expired: its spend still counts, once). The record is
-- the request's idempotency marker; it is deleted.
local function endReservation(id)
  local r = readRecord(id)
  if not r or r.state == 'settled' or r.state == 'released' then return false end
  if r.state == 'open' then freeRecord(id, r) end
  redis.call('DEL', recordPrefix .. id)
  return true
end

-- Frees (at most limit) open reservations whose deadline passed, marking them expired; the record stays
-- RESERVATION_FORGET_MS, so that a settlement that still comes counts its spend (and frees nothing).
-- Also drains the deadlines of the previous layout (base:resvh:<period> hash entries "<nano>:<owner>",
-- members id NUL base NUL period) left by an older build. Returns how many it expired.
local function expireReservations(limit)
  local expired = 0
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', deadlines, '-inf', nowMs, 'LIMIT', 0, limit)) do
    local r = readRecord(id)
    redis.call('ZREM', deadlines, id)
    if r and r.state == 'open' then
      freeRecord(id, r)
      redis.call('HSET', recordPrefix .. id, 'state', 'expired')
      redis.call('PEXPIRE', recordPrefix .. id, RESERVATION_FORGET_MS)
      expired = expired + 1
    end
  end
  local legacy = ledgerPrefix .. 'resv-deadlines'
  for _, m in ipairs(redis.call('ZRANGEBYSCORE', legacy, '-inf', nowMs, 'LIMIT', 0, limit)) do
    local id, base, period = string.match(m, '^(.-)%z(.-)%z(.*)$')
    redis.call('ZREM', legacy, m)
    if id then
      local hk = base .. ':resvh:' .. period
      local v = redis.call('HGET', hk, id)
      if v then
        redis.call('HDEL', hk, id)
        local nano, owner = string.match(v, '^(%d+):?(.*)$')
        local ownerLedger = nil
        if owner and owner ~= '' then ownerLedger = ledgerPrefix .. 'ledger:' .. owner end
        endHolding(ownerLedger, base, period, tonumber(nano) or 0)
      end
    end
  end
  return expired
end

-- Gives back the ledgers of (at most two) instances whose heartbeat deadline has passed.
local function reclaimLedgers()
  for _, who in ipairs(redis.call('ZRANGEBYSCORE', alive, '-inf', nowMs, 'LIMIT', 0, 2)) do
    local key = ledgerPrefix .. 'ledger:' .. who
    local fields = redis.call('HGETALL', key)
    for i = 1, #fields, 2 do
      local sep = string.find(fields[i], '\\0', 1, true)
      if sep then
        giveBack(string.sub(fields[i], 1, sep - 1) .. ':resv:' .. string.sub(fields[i], sep + 1), tonumber(fields[i + 1]) or 0)
      end
    end
    redis.call('DEL', key)
    redis.call('ZREM', alive, who)
    -- Its id takes no lease again: a stalled instance must switch to a new ledger (see lease()).
    redis.call('SET', ledgerPrefix .. 'reclaimed:' .. who, '1', 'EX', 86400)
  end
end

-- Sliding windows (base:rpm, base:tpm; see the key layout above). An entry's weight ends its member.
-- Each window is read once per call and kept here: { total, oldest (ms, nil when empty), add (weight
-- counted at now, not written yet), dirty, marker, expires }; flushWindows() writes the total, one entry
-- for what this call's admissions and settlements added, and the expiry, once per window. The marker
-- member #<expiry ms> holds minus the total and names the key's expiry, so that the expiry is renewed
-- only when less than a window is left of it (about once a minute), not on every write.
local windows = {}
local function weightOf(member)
  return tonumber(string.match(member, '(%d+)$')) or 0
end

-- The oldest entry still stored (its score), or nil.
local function oldestStored(z)
  return tonumber(redis.call('ZRANGEBYSCORE', z, '(0', '+inf', 'WITHSCORES', 'LIMIT', 0, 1)[2])
end

-- A window as this call sees it, dropping the entries that left it (60 s old) when first read.
local function window(z)
  local w = windows[z]
  if w then return w end
  w = { total = 0, add = 0, dirty = false, expires = 0 }
  local r = redis.call('ZRANGE', z, 0, 1, 'WITHSCORES')
  if #r > 0 then
    w.marker = r[1]
    w.expires = tonumber(string.sub(r[1], 2)) or 0
    w.total = -tonumber(r[2])
    w.oldest = tonumber(r[4])
    if w.oldest and w.oldest <= cutoff then
      for _, m in ipairs(redis.call('ZRANGEBYSCORE', z, '(0', cutoff)) do w.total = w.total - weightOf(m) end
      redis.call('ZREMRANGEBYSCORE', z, '(0', cutoff)
      w.total = math.max(0, w.total)
      w.dirty = true
      w.oldest = oldestStored(z)
    end
  end
  windows[z] = w
  return w
end

-- Counts weight at now. A lease (uid) gets an entry of its own, so that its unused part can be given
-- back; admissions and settlements share this call's entry.
local function count(z, weight, uid)
  local w = window(z)
  if uid then redis.call('ZADD', z, nowMs, uid .. ':' .. weight) else w.add = w.add + weight end
  w.total = w.total + weight
  w.oldest = w.oldest or nowMs
  w.dirty = true
  return w
end

-- Takes back part of a lease's entry (its unused slots) if it is still in the window.
local function takeBack(z, uid, at, weight, back)
  if back <= 0 or uid == '' then return end
  local w = window(z)
  if redis.call('ZREM', z, uid .. ':' .. weight) == 0 then return end
  w.total = math.max(0, w.total - back)
  w.dirty = true
  if weight > back then
    redis.call('ZADD', z, at, uid .. ':' .. (weight - back))
  else
    w.oldest = oldestStored(z) or (w.add > 0 and nowMs or nil)
  end
end

local function flushWindows()
  for z, w in pairs(windows) do
    if w.dirty then
      local renew = w.expires < nowMs + WINDOW_MS + 1000
      if renew then
        if w.marker then redis.call('ZREM', z, w.marker) end
        w.expires = nowMs + 2 * WINDOW_MS
        w.marker = '#' .. w.expires
      end
      if w.add > 0 then
        redis.call('ZADD', z, -w.total, w.marker, nowMs, ARGV[2] .. ':' .. w.add)
      else
        redis.call('ZADD', z, -w.total, w.marker)
      end
      if renew then redis.call('PEXPIRE', z, w.expires - nowMs) end
    end
  end
end

-- Milliseconds until the window's total is at most target, and at least until its oldest entry leaves
-- (0 when empty): the x-ratelimit reset, and Retry-After when refused. Never over WINDOW_MS.
local function resetMs(z, target)
  local w = windows[z]
  if not w.oldest then return 0 end
  local total = w.total
  if total <= target then return w.oldest + WINDOW_MS - nowMs end
  local from = 0
  while true do
    local r = redis.call('ZRANGEBYSCORE', z, '(0', '+inf', 'WITHSCORES', 'LIMIT', from, 16)
    -- What is left is this call's own entry, counted now.
    if #r == 0 then return WINDOW_MS end
    for i = 1, #r, 2 do
      total = total - weightOf(r[i])
      if total <= target then return tonumber(r[i + 1]) + WINDOW_MS - nowMs end
    end
    from = from + 16
  end
end

-- The counters a subject is checked against: its windows (wr, wt; see window()), spend and reserved
-- (one MGET), plus the names of their keys; spend is nil when the subject has a budget and its counter
-- is missing.
local function counters(base, rpm, tpm, budget, period)
  local s = { spend = 0, reserved = 0 }
  if rpm > 0 then
    s.krpm = base .. ':rpm'
    s.wr = window(s.krpm)
  end
  if tpm > 0 then
    s.ktpm = base .. ':tpm'
    s.wt = window(s.ktpm)
  end
  if budget >= 0 then
    s.kresv = base .. ':resv:' .. period
    local v = redis.call('MGET', base .. ':spend:' .. period, s.kresv)
    s.spend = v[1] and tonumber(v[1]) or nil
    s.reserved = tonumber(v[2] or '0')
  end
  return s
end

-- Used and reset of a subject's windows for the replies (0, 0 for a limit that does not apply).
local function views(out, s, rpm, tpm)
  out[#out + 1] = s.wr and s.wr.total or 0
  out[#out + 1] = s.wr and resetMs(s.krpm, rpm - 1) or 0
  out[#out + 1] = s.wt and s.wt.total or 0
  out[#out + 1] = s.wt and resetMs(s.ktpm, tpm - 1) or 0
  return out
end

-- The settlements' counter changes, summed per key and applied once at the end of their lane (one
-- command per counter per batch, not per request): tokens added (one window entry per subject),
-- spend added (only to a seeded counter), reservations given back; and the batch's usage events, appended
-- to the stream as one entry (one JSON per line: JSON text never holds a raw newline).
local tokensAdded, spendAdded, reservedFreed, events = {}, {}, {}, {}
-- Whether the batch leaves its marker key (set with the counters, at the end of the settlement lanes).
local batchMarked = false
local function markBatch()
  batchMarked = true
end
local function bump(t, k, amount)
  if amount > 0 then t[k] = (t[k] or 0) + amount end
end
local function applySettled()
  for z, v in pairs(tokensAdded) do count(z, v) end
  for k, v in pairs(spendAdded) do
    -- The counter keeps the expiry its seed gave it (a short one when Postgres could not be read).
    if redis.call('EXISTS', k) == 1 then redis.call('INCRBY', k, v) end
  end
  for k, v in pairs(reservedFreed) do giveBack(k, v) end
  freeEndedReservations()
  if batchMarked then redis.call('SET', ARGV[1] .. 'batch:' .. ARGV[2], '1', 'EX', 600) end
  if #events > 0 then redis.call('XADD', KEYS[1], '*', 'e', table.concat(events, '\\n')) end
end


-- A settlement (payload = the usage event) or release (payload '') of a reservation by its id, from any
-- instance: the record says what it holds and for whom. Values: id, payload, -1, costNano, tokens (the
-- usage's total), may be seeded (0/1, as in settle()). Returns the record's new state (settled,
-- released) the first time; then already-<state> (expired: the sweep released it), or unknown (no such
-- record, or gone a day after it ended: a settlement's event is appended anyway, counting nothing; the
-- writer keeps one record per id). A record that expired still counts a settlement's spend (once), and
-- frees nothing again.
local function settleById(p)
  local id = ARGV[p]
  local payload = ARGV[p + 1]
  local nextP = p + 6
  local release = payload == ''
  local r = readRecord(id)
  if not r then
    if not release then events[#events + 1] = payload end
    return 'unknown', nextP
  end
  if r.state == 'settled' or r.state == 'released' or (release and r.state == 'expired') then
    return 'already-' .. r.state, nextP
  end
  if r.state == 'open' then freeRecord(id, r) end
  if not release then
    local cost = tonumber(ARGV[p + 3])
    local extra = math.max(0, tonumber(ARGV[p + 4]) - r.est)
    local maybeSeeded = ARGV[p + 5] == '1'
    for base, period, _, tpm, budget in eachSubject(r) do
      if tpm == '1' then bump(tokensAdded, base .. ':tpm', extra) end
      if budget == '1' and not (maybeSeeded and redis.call('HDEL', base .. ':seeded:' .. period, id) == 1) then
        bump(spendAdded, base .. ':spend:' .. period, cost)
      end
    end
    events[#events + 1] = payload
  end
  local state = release and 'released' or 'settled'
  redis.call('HSET', recordPrefix .. id, 'state', state)
  redis.call('PEXPIRE', recordPrefix .. id, RESERVATION_FORGET_MS)
  return state, nextP
end

-- One request whose values start at ARGV[p]; returns 1 (counted now) or 0, and where the next starts.
-- Idempotency: the reservation record of a request admitted one by one is its marker (ended once); the
-- others count unless a batch an earlier attempt went out in left its marker. The event is
-- appended to the stream either way: the writer drops repeats, so an event is never lost, even when
-- Redis lost the reservation (a restart without persistence).
local function settle(p)
  local id = ARGV[p]
  local payload = ARGV[p + 1]
  local n = tonumber(ARGV[p + 2])
  if n < 0 then return settleById(p) end
  local extra = tonumber(ARGV[p + 3])
  local leased = ARGV[p + 4] == '1'
  local earlier = ARGV[p + 5]
  local maybeSeeded = ARGV[p + 6] == '1'
  local s0 = p + 7
  local nextP = s0 + n * 6
  local first = nil
  if not leased then
    for i = 0, n - 1 do
      if tonumber(ARGV[s0 + i * 6 + 5]) > 0 then
        first = i
        break
      end
    end
  end
  local counts = true
  if first then
    counts = endReservation(id)
  else
    for b in string.gmatch(earlier, '[^,]+') do
      if redis.call('EXISTS', ARGV[1] .. 'batch:' .. b) == 1 then
        counts = false
        break
      end
    end
    markBatch()
  end
  if counts then
    for i = 0, n - 1 do
      local o = s0 + i * 6
      local base = ARGV[o]
      local period = ARGV[o + 3]
      local held = tonumber(ARGV[o + 5])
      if held > 0 and leased then
        bump(reservedFreed, base .. ':resv:' .. period, ledgerFree(base, period, held))
      end
      if ARGV[o + 1] == '1' then bump(tokensAdded, base .. ':tpm', extra) end
      if ARGV[o + 2] == '1' and not (maybeSeeded and redis.call('HDEL', base .. ':seeded:' .. period, id) == 1) then
        bump(spendAdded, base .. ':spend:' .. period, tonumber(ARGV[o + 4]))
      end
    end
  end
  if payload ~= '' then events[#events + 1] = payload end
  if counts then return 1, nextP end
  return 0, nextP
end

-- One summed item (usually the whole batch's, merged by the gateway) whose values start at ARGV[p].
local function settleSum(p)
  local payload = ARGV[p]
  local k = tonumber(ARGV[p + 1])
  markBatch()
  for i = 0, k - 1 do
    local o = p + 2 + i * 5
    local base = ARGV[o]
    local period = ARGV[o + 1]
    local tokens = tonumber(ARGV[o + 2])
    local spend = tonumber(ARGV[o + 3])
    local freed = tonumber(ARGV[o + 4])
    if tokens > 0 then bump(tokensAdded, base .. ':tpm', tokens) end
    if spend > 0 then bump(spendAdded, base .. ':spend:' .. period, spend) end
    -- Only leased settlements hold a reservation here (see summable()): freed through the ledger.
    if freed > 0 then bump(reservedFreed, base .. ':resv:' .. period, ledgerFree(base, period, freed)) end
  end
  if payload ~= '' then events[#events + 1] = payload end
  return 1, p + 2 + k * 5
end

-- One lease operation (a single subject) whose values start at ARGV[p]; returns its reply and where the
-- next starts.
local function lease(p)
  local base = ARGV[p]
  local rpm = tonumber(ARGV[p + 1])
  local tpm = tonumber(ARGV[p + 2])
  local budget = tonumber(ARGV[p + 3])
  local period = ARGV[p + 4]
  local ttl = tonumber(ARGV[p + 5])
  local slots = tonumber(ARGV[p + 6])
  local tokPer = math.max(1, tonumber(ARGV[p + 7]))
  local nanoPer = math.max(1, tonumber(ARGV[p + 8]))
  local nextP = p + 16
  -- This instance's ledger was given back while it lived (it stalled past its deadline): it gets no
  -- lease under that ledger again (-1 tells it to start a new one), so what its earlier leases and
  -- requests still free can never come out of a newer lease's reservation.
  if redis.call('EXISTS', ledgerPrefix .. 'reclaimed:' .. instance) == 1 then return { -1, nowMs }, nextP end
  local uid, at = ARGV[p + 9], tonumber(ARGV[p + 10])
  takeBack(base .. ':rpm', uid, at, tonumber(ARGV[p + 11]), tonumber(ARGV[p + 12]))
  takeBack(base .. ':tpm', uid, at, tonumber(ARGV[p + 13]), tonumber(ARGV[p + 14]))
  giveBack(base .. ':resv:' .. period, ledgerFree(base, period, tonumber(ARGV[p + 15])))
  if slots <= 0 then return { 0, nowMs }, nextP end
  local s = counters(base, rpm, tpm, budget, period)
  local k = slots
  if rpm > 0 then k = math.min(k, math.floor((rpm - s.wr.total) / LEASE_SHARE)) end
  if tpm > 0 then k = math.min(k, math.floor((tpm - s.wt.total) / LEASE_SHARE / tokPer)) end
  if budget >= 0 then
    if not s.spend then return { 0, nowMs }, nextP end
    k = math.min(k, math.floor((budget - s.spend - s.reserved) / LEASE_SHARE / nanoPer))
  end
  if k < LEASE_MIN_SLOTS then return { 0, nowMs }, nextP end
  -- The lease's entry: unique across calls and instances (the batch id names its instance).
  uid = ARGV[2] .. '.' .. p
  if rpm > 0 then count(s.krpm, k, uid) end
  if tpm > 0 then count(s.ktpm, k * tokPer, uid) end
  if budget >= 0 then
    add(s.kresv, k * nanoPer, ttl)
    ledgerAdd(base, period, k * nanoPer)
  end
  local out = views({ k, nowMs }, s, rpm, tpm)
  out[#out + 1] = uid
  return out, nextP
end

-- One request whose values start at ARGV[p]; returns its reply and where the next request starts.
local function admit(p)
  local id = ARGV[p]
  local n = tonumber(ARGV[p + 1])
  local est = tonumber(ARGV[p + 2])
  local hold = tonumber(ARGV[p + 3])
  local task = ARGV[p + 4] == '1'
  local s0 = p + 5
  local nextP = s0 + n * 7
  local verdict = 'ok'
  local who = 0
  local out = { 'ok', 0, nowMs }
  local subjects = {}
  for i = 0, n - 1 do
    local o = s0 + i * 7
    local rpm = tonumber(ARGV[o + 1])
    local tpm = tonumber(ARGV[o + 2])
    local budget = tonumber(ARGV[o + 3])
    local s = counters(ARGV[o], rpm, tpm, budget, ARGV[o + 4])
    if budget >= 0 and not s.spend then return { 'seed', i, nowMs }, nextP end
    if verdict == 'ok' then
      if rpm > 0 and s.wr.total + 1 > rpm then verdict = 'rpm'; who = i
      elseif tpm > 0 and s.wt.total >= tpm then verdict = 'tpm'; who = i
      elseif budget >= 0 and s.spend + s.reserved >= budget then verdict = 'budget'; who = i
      end
    end
    subjects[i + 1] = s
  end
  out[1] = verdict
  out[2] = who
  local ok = verdict == 'ok'
  -- The reservation record: written when a budget is reserved (always, for a task) unless it exists.
  local rec = nil
  if ok then
    local want = task
    for i = 0, n - 1 do
      if subjects[i + 1].kresv and tonumber(ARGV[s0 + i * 7 + 5]) > 0 then want = true end
    end
    if want and redis.call('EXISTS', recordPrefix .. id) == 0 then
      if hold <= 0 then hold = RESERVATION_TTL_MS end
      rec = { amount = 0 }
    end
  end
  for i = 0, n - 1 do
    local o = s0 + i * 7
    local s = subjects[i + 1]
    local rpm = tonumber(ARGV[o + 1])
    local tpm = tonumber(ARGV[o + 2])
    local budget = tonumber(ARGV[o + 3])
    local reserve = tonumber(ARGV[o + 5])
    if ok and s.krpm then count(s.krpm, 1) end
    if ok and s.ktpm and est > 0 then count(s.ktpm, est) end
    views(out, s, rpm, tpm)
    if rec then
      local held = 0
      if s.kresv and reserve > 0 then held = reserve end
      rec[i + 1] = table.concat({ ARGV[o], ARGV[o + 4], held, tpm > 0 and 1 or 0, budget >= 0 and 1 or 0 }, '\\t')
      if held > 0 then
        rec.amount = math.max(rec.amount, held)
        add(s.kresv, held, tonumber(ARGV[o + 6]))
        if not task then
          local field = ARGV[o] .. '\\0' .. ARGV[o + 4]
          ledgerAdded[field] = (ledgerAdded[field] or 0) + held
        end
      end
    end
  end
  if rec then
    redis.call('HSET', recordPrefix .. id, 'state', 'open', 'owner', instance, 'ledger', task and '0' or '1',
      'deadline', nowMs + hold, 'est', est, 'amount', rec.amount, 'subjects', table.concat(rec, '\\n'))
    redis.call('ZADD', deadlines, nowMs + hold, id)
  end
  return out, nextP
end

-- The four lanes, in order; the settlements' counter changes are applied before leases and admissions.
reclaimLedgers()
local expired = expireReservations(${RESERVATION_SWEEP_LIMIT})
local p = 6
local replies = {}
for lane, fn in ipairs({ settle, settleSum, lease, admit }) do
  local out = {}
  local count = tonumber(ARGV[p])
  p = p + 1
  for r = 1, count do
    out[r], p = fn(p)
  end
  replies[lane] = out
  if lane == 2 then applySettled() end
end
flushWindows()
flushLedgerAdded()
replies[5] = { expired }
return replies
`;

type ScriptValue = string | number;

/** The script's arguments: the fixed head, then each lane's count and its requests' values, flattened. */
export function limitsScriptArgs(head: ScriptValue[], lanes: ScriptValue[][][]): ScriptValue[] {
  const out: ScriptValue[] = [...head];
  for (const lane of lanes) {
    out.push(lane.length);
    for (const request of lane) for (const v of request) out.push(v);
  }
  return out;
}

/**
 * Merges SUM items (see above) into one: the events joined line by line, and per subject (base and
 * period) the tokens, spend and freed reservation summed. Pure; the amounts stay integers.
 */
export function mergeSettlementSums(items: ScriptValue[][]): ScriptValue[] {
  const payloads: string[] = [];
  const subjects = new Map<string, [base: ScriptValue, period: ScriptValue, number, number, number]>();
  for (const item of items) {
    if (item[0] !== '') payloads.push(String(item[0]));
    const k = Number(item[1]);
    for (let i = 0, o = 2; i < k; i++, o += 5) {
      const key = `${item[o]}\n${item[o + 1]}`;
      const sum = subjects.get(key);
      if (sum) {
        sum[2] += Number(item[o + 2]);
        sum[3] += Number(item[o + 3]);
        sum[4] += Number(item[o + 4]);
      } else {
        subjects.set(key, [
          item[o],
          item[o + 1],
          Number(item[o + 2]),
          Number(item[o + 3]),
          Number(item[o + 4]),
        ]);
      }
    }
  }
  const out: ScriptValue[] = [payloads.join('\n'), subjects.size];
  for (const sum of subjects.values()) out.push(...sum);
  return out;
}

/**
 * Seeds a spend counter unless it exists, and with it marks the events the seed counted whose settlement
 * may still come (written to Postgres during a Redis outage): their settlement then adds no spend for
 * this subject (settle(), SETTLE lane). KEYS: the counter, the subject's marker hash
 * (`base:seeded:<period>`, kept a day at most). ARGV: nano-USD, TTL in seconds (0 = none), the event ids.
 * → 1 when seeded, 0 when the counter existed (nothing written).
 */
export const SEED_SPEND_LUA = `
local ttl = tonumber(ARGV[2])
local set
if ttl > 0 then set = redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ttl) else set = redis.call('SET', KEYS[1], ARGV[1], 'NX') end
if not set then return 0 end
for i = 3, #ARGV, 1000 do
  local args = { 'HSET', KEYS[2] }
  for j = i, math.min(#ARGV, i + 999) do
    args[#args + 1] = ARGV[j]
    args[#args + 1] = '1'
  end
  redis.call(unpack(args))
end
if #ARGV > 2 then redis.call('EXPIRE', KEYS[2], ${SEEDED_MARKS_TTL_S}) end
return 1
`;

/**
 * Renews an instance's lease-ledger heartbeat (only while it is listed: a reclaimed instance is not
 * revived). KEYS: the alive set. ARGV: the instance id.
 */
export const LEASE_HEARTBEAT_LUA = `
local t = redis.call('TIME')
local nowMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call('ZADD', KEYS[1], 'XX', nowMs + ${LEDGER_TTL_MS}, ARGV[1])
`;
