-- fill.lua: stores a loaded value only while the loader's lease is still in place and the entry is
-- still as the load found it: absent for a miss's load, the exact bytes read for a refresh-ahead.
-- A write leaves the lease but changes the entry (so the fill is dropped); a removal or invalidation
-- deletes the entry and its lease in one command (so the fill is dropped). A value loaded before such
-- a change can never overwrite it (no stale set), unless the change itself vanished first: see
-- load/ReadThrough's block comment.
-- KEYS[1]  entry key
-- KEYS[2]  lease key
-- ARGV[1]  the loader's lease token
-- ARGV[2]  value bytes (a value or a tombstone)
-- ARGV[3]  TTL in ms: >0 expire after, -1 never expire
-- ARGV[4]  the entry's bytes when the load began, or '' when it was absent (values are never empty)
-- Returns  1 when stored, 0 when the lease was gone or taken over, or the entry changed (the fill is
--          dropped; the lease is given back if it was still the loader's).
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[2])
local current = redis.call('GET', KEYS[1])
if ARGV[4] == '' then
  if current then return 0 end
elseif current ~= ARGV[4] then
  return 0
end
if tonumber(ARGV[3]) == -1 then
  redis.call('SET', KEYS[1], ARGV[2])
else
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
end
return 1
