-- release.lua: gives a lease back early (the load failed or found nothing to cache), only if it is
-- still this loader's.
-- KEYS[1]  lease key
-- ARGV[1]  the loader's lease token
-- Returns  1 when released, 0 otherwise.
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
