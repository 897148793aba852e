-- lease.lua: a read-through miss either finds the entry after all, or takes the entry's lease,
-- or learns that another client holds it (and for how long).
-- KEYS[1]  entry key
-- KEYS[2]  lease key (the entry key + ':lease', same hash slot)
-- ARGV[1]  this loader's random lease token
-- ARGV[2]  lease TTL in ms
-- Returns  { 1, value } the entry exists; { 2 } the lease is ours; { 3, pttl } another client holds it.
local value = redis.call('GET', KEYS[1])
if value then return { 1, value } end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return { 2 } end
return { 3, redis.call('PTTL', KEYS[2]) }
