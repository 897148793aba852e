-- put.lua: writes one entry, choosing its TTL by whether the entry already exists.
-- KEYS[1]  entry key
-- KEYS[2]  lease key: deleted with the entry when an update deletes it (a zero TTL), so a read-through
--          fill racing with it is dropped; a write that keeps the entry leaves the lease (fill.lua then
--          finds the entry changed)
-- ARGV[1]  value bytes
-- ARGV[2]  TTL in ms if the entry is created: >0 expire after, -1 never expire, 0 do not create
-- ARGV[3]  TTL in ms if the entry is updated: >0 expire after, -1 never expire, -2 keep its TTL, 0 delete it
-- ARGV[4]  condition: 'A' always, 'N' only if absent, 'X' only if present
-- ARGV[5]  '1' to return the previous value
-- A tombstone left by negative caching counts as no entry.
-- Returns  { outcome, previous value or nil }: outcome 0 = nothing written, 1 = created,
--          2 = updated, 3 = updated with a zero TTL (so deleted).
local old = redis.call('GET', KEYS[1])
-- A tombstone (format marker 0xA5, flags with bit 0 set) means "known absent": treat it as no entry.
if old and string.byte(old, 1) == 165 and string.len(old) >= 2 and string.byte(old, 2) % 2 == 1 then
  old = false
end
local previous = false
if old and ARGV[5] == '1' then previous = old end
if old then
  if ARGV[4] == 'N' then return { 0, previous } end
  local ttl = tonumber(ARGV[3])
  if ttl == 0 then
    redis.call('DEL', KEYS[1], KEYS[2])
    return { 3, previous }
  elseif ttl == -2 then
    redis.call('SET', KEYS[1], ARGV[1], 'KEEPTTL')
  elseif ttl == -1 then
    redis.call('SET', KEYS[1], ARGV[1])
  else
    redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
  end
  return { 2, previous }
end
if ARGV[4] == 'X' then return { 0, false } end
local ttl = tonumber(ARGV[2])
if ttl == 0 then return { 0, false } end
if ttl == -1 then
  redis.call('SET', KEYS[1], ARGV[1])
else
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
end
return { 1, false }
