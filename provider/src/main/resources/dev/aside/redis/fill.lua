-- fill.lua: stores a loaded value only while the loader's lease is still in place. Every write,
-- removal or invalidation of the entry deletes the lease first, so a value loaded before such a
-- change can never overwrite it (no stale set).
-- KEYS[1]  entry key
-- KEYS[2]  lease key
-- ARGV[1]  the loader's lease token
-- ARGV[2]  value bytes (a value or a tombstone)
-- ARGV[3]  TTL in ms: >0 expire after, -1 never expire
-- Returns  1 when stored, 0 when the lease was gone or taken over (the fill is dropped).
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[2])
if tonumber(ARGV[3]) == -1 then
  redis.call('SET', KEYS[1], ARGV[2])
else
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
end
return 1
