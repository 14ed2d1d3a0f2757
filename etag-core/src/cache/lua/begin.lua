-- begin_write: ARGV = mark id, write TTL (µs), entry TTL (ms).
-- Adds a mark with its own deadline, invalidates the validators (the revision stays as a floor)
-- and raises busy to the deadline, since the mark may be live until then.
local now = clock()
local deadline = now + tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', int(now))
redis.call('ZADD', KEYS[2], int(deadline), ARGV[1])
local last = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
redis.call('PEXPIRE', KEYS[2], int(math.floor((tonumber(last[2]) - now) / 1000) + 1))
own_entry(server())
invalidate()
local busy = tonumber(redis.call('HGET', KEYS[1], 'busy') or '0')
if deadline > busy then
  redis.call('HSET', KEYS[1], 'busy', int(deadline))
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 'marked'
