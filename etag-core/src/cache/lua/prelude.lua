-- Shared by every script of the validator cache (see ../script.rs for the key layout).
-- KEYS[1]: the entry, a hash: srv (run_id of the server that wrote it), rev (decimal revision),
--          st ('p' present / 'm' missing; absent while the entry is invalidated), tag, lm, busy.
-- KEYS[2]: the write marks, a sorted set: member = mark id, score = deadline (server clock, µs).

-- Server time in microseconds: one clock for every app process, whatever their hosts' clocks say.
-- (Below 2^53 until the year 2255, so a Lua number holds it exactly.)
local function clock()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000000 + tonumber(t[2])
end

-- An integer as a decimal string: Lua 5.1's own conversion prints 14 significant digits only.
local function int(n)
  return string.format('%d', n)
end

-- The run_id of this server process: it changes on every restart and differs on a promoted
-- replica, so data restored from a persistence file or replicated late is never trusted.
local function server()
  return string.match(redis.call('INFO', 'server'), 'run_id:(%x+)')
end

-- Whether decimal revision a is greater than b. Revisions are u64, which Lua numbers cannot hold
-- exactly, so they are compared as canonical decimal strings (no leading zeros).
local function greater(a, b)
  if #a ~= #b then
    return #a > #b
  end
  return a > b
end

-- How many writes are in flight: marks whose deadline has not passed.
local function live_marks(now)
  return redis.call('ZCOUNT', KEYS[2], '(' .. int(now), '+inf')
end

-- Makes the entry this server's own: an entry written by another server process is dropped whole.
local function own_entry(srv)
  if redis.call('HGET', KEYS[1], 'srv') ~= srv then
    redis.call('DEL', KEYS[1])
    redis.call('HSET', KEYS[1], 'srv', srv)
  end
end

-- Drops the validators but keeps the revision (a floor no fill can go below) and busy.
local function invalidate()
  redis.call('HDEL', KEYS[1], 'st', 'tag', 'lm')
end

-- Sets the validators of an own entry and restarts its TTL.
local function store(rev, st, tag, lm, ttl_ms)
  invalidate()
  redis.call('HSET', KEYS[1], 'rev', rev, 'st', st, 'tag', tag)
  if lm ~= '' then
    redis.call('HSET', KEYS[1], 'lm', lm)
  end
  redis.call('PEXPIRE', KEYS[1], ttl_ms)
end

-- Removes mark `id`; when no write is left in flight, records now as the last time one was, so
-- that a fill whose ticket is older cannot store what it read before this write.
local function release(id, now, srv)
  redis.call('ZREM', KEYS[2], id)
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', int(now))
  own_entry(srv)
  if redis.call('ZCARD', KEYS[2]) == 0 then
    redis.call('HSET', KEYS[1], 'busy', int(now))
  end
end

