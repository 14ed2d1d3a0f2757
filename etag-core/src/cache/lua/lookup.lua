-- lookup: no ARGV.
-- Returns {'pending'} while a write is in flight, {'hit', now, srv, rev, st, tag, lm} for valid
-- validators of this server, {'miss', now, srv} otherwise. (now, srv) is the fill ticket.
local now = clock()
if live_marks(now) > 0 then
  return {'pending'}
end
local srv = server()
local e = redis.call('HMGET', KEYS[1], 'srv', 'rev', 'st', 'tag', 'lm')
if e[1] == srv and e[2] and e[3] then
  return {'hit', int(now), srv, e[2], e[3], e[4] or '', e[5] or ''}
end
return {'miss', int(now), srv}
