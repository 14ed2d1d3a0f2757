-- abandon: ARGV = mark id, entry TTL (ms).
-- Releases the mark and leaves the validators invalidated: whether or not the write committed,
-- the next reader loads from the database and fills.
local now = clock()
release(ARGV[1], now, server())
invalidate()
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 'released'
