-- fill: ARGV = ticket time (µs), ticket server, revision, st, tag, lm, entry TTL (ms),
--       longest ticket age (µs).
-- Stores what a reader loaded from the database only if the ticket was issued by this server
-- within the age limit, no write has been in flight since the ticket (busy), none is in flight
-- now, and the revision is greater than the stored one.
local now = clock()
local srv = server()
local ticket = tonumber(ARGV[1])
if ARGV[2] ~= srv or now - ticket > tonumber(ARGV[8]) or live_marks(now) > 0 then
  return 'interrupted'
end
own_entry(srv)
local e = redis.call('HMGET', KEYS[1], 'rev', 'busy')
if e[2] and tonumber(e[2]) >= ticket then
  return 'interrupted'
end
if e[1] and not greater(ARGV[3], e[1]) then
  return 'outdated'
end
store(ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7])
return 'stored'
