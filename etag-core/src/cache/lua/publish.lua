-- publish: ARGV = mark id, revision, st, tag, lm, entry TTL (ms).
-- Releases the mark, then stores the validators unless a newer revision is stored. An equal
-- revision is stored again: the writer that committed it is its authority.
local now = clock()
local srv = server()
release(ARGV[1], now, srv)
local stored = redis.call('HGET', KEYS[1], 'rev')
if stored and greater(stored, ARGV[2]) then
  redis.call('PEXPIRE', KEYS[1], ARGV[6])
  return 'outdated'
end
store(ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6])
return 'stored'
