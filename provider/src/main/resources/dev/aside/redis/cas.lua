-- cas.lua: compare-and-set of one entry; the write happens only if the entry still holds the
-- exact bytes the caller read (optimistic concurrency for invoke and the general write path).
-- KEYS[1]  entry key
-- KEYS[2]  lease key: deleted with the entry, so a read-through fill racing with the removal is dropped
-- ARGV[1]  expected current bytes, or '' when the caller saw no entry (values are never empty)
-- ARGV[2]  action: 'S' set ARGV[3], 'D' delete, 'T' only apply the TTL in ARGV[4]
-- ARGV[3]  new value bytes (action 'S')
-- ARGV[4]  TTL in ms: >0 expire after, -1 never expire, -2 keep the current TTL, 0 delete
-- Returns  1 when applied, 0 when the entry changed since it was read.
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '' then
  if current then return 0 end
elseif current ~= ARGV[1] then
  return 0
end
local action = ARGV[2]
local ttl = tonumber(ARGV[4])
if action == 'D' or ttl == 0 then
  redis.call('DEL', KEYS[1], KEYS[2])
elseif action == 'T' then
  if ttl == -1 then redis.call('PERSIST', KEYS[1]) elseif ttl > 0 then redis.call('PEXPIRE', KEYS[1], ttl) end
elseif ttl == -2 then
  redis.call('SET', KEYS[1], ARGV[3], 'KEEPTTL')
elseif ttl == -1 then
  redis.call('SET', KEYS[1], ARGV[3])
else
  redis.call('SET', KEYS[1], ARGV[3], 'PX', ttl)
end
return 1
