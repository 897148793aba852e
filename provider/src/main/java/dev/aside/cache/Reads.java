package dev.aside.cache;

import dev.aside.codec.ValueFormat;
import dev.aside.load.ReadThrough;
import dev.aside.management.CacheStatistics;
import dev.aside.management.ReadPathMetrics;
import dev.aside.near.NearCache;
import dev.aside.redis.RedisOperationException;
import dev.aside.redis.RedisStore;
import dev.aside.resilience.FailurePolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** The read operations of a cache: {@code get}, {@code getAll} and {@code containsKey}. */
final class Reads<K, V> {
  private final CacheContext<K, V> context;
  private final RedisStore store;
  private final NearCache<Object, V> near;
  private final FailurePolicy failures;
  private final CacheStatistics statistics;
  private final ReadPathMetrics readPath;
  private final ReadThrough<K, V> readThrough;
  private final boolean touchesOnAccess;

  Reads(CacheContext<K, V> context) {
    this.context = Objects.requireNonNull(context);
    this.store = context.store;
    this.near = context.near;
    this.failures = context.failures;
    this.statistics = context.statistics;
    this.readPath = context.readPath;
    this.readThrough = context.readThrough;
    this.touchesOnAccess = context.expiry.touchesOnAccess();
  }

  /*
   * A near-cache hit is the hottest path of all, so get() holds only that path and everything that
   * talks to Redis is in getFromRedis(), where the JIT keeps it out of the hit's way. It does not check
   * that the cache is open: close() closes the near cache before it returns, and a closed near cache
   * has no hits, so a get() after close() always reaches getFromRedis(), which throws (before it
   * checks the key, as the TCK expects of a closed cache). With statistics on, a near hit is timed
   * with the near cache's coarse clock (see NearCache.clockNanos): right on average, and far cheaper
   * than the hit it would otherwise dominate.
   */
  V get(K key) {
    if (near != null && key != null) {
      boolean stats = context.statsOn();
      long start = stats ? NearCache.clockNanos() : 0;
      V local = context.nearHit(key);
      if (local != null) {
        if (touchesOnAccess) {
          context.touch(key, context.redisKey(key));
        }
        if (stats) {
          context.recordHitTime(NearCache.clockNanos() - start);
        }
        return local;
      }
    }
    return getFromRedis(key);
  }

  /** The rest of {@link #get} after a near-cache miss (or without a near cache): Redis, then the loader. */
  private V getFromRedis(K key) {
    context.checkOpen();
    context.requireKey(key);
    long start = context.statsOn() ? System.nanoTime() : 0;
    byte[] redisKey = context.redisKey(key);
    NearCache.Reservation reservation = near == null ? null : near.reserve(context.nearKey(key));
    boolean redisAnswers = failures.trusts(redisKey);
    byte[] bytes = null;
    long pttl = 0;
    if (redisAnswers) {
      try {
        if (reservation == null) {
          bytes = store.get(redisKey);
        } else {
          RedisStore.ValueAndTtl read = store.getWithTtl(redisKey);
          bytes = read.value();
          pttl = read.pttl();
        }
      } catch (RedisOperationException e) {
        failures.readFailed(e);
        redisAnswers = false;
      }
    }
    V value = context.decode(bytes);
    if (reservation != null) {
      if (value != null) {
        near.fill(reservation, value, bytes, pttl);
      } else {
        near.cancel(reservation);
      }
    }
    if (value != null) {
      context.touch(key, redisKey);
      context.recordHit(start);
      if (context.isReadThrough()) {
        readThrough.maybeRefresh(key, redisKey, bytes);
      }
      return value;
    }
    if (context.statsOn()) {
      statistics.recordMisses(1);
    }
    if (ValueFormat.isTombstone(bytes)) {
      readPath.recordNegativeHit();
    } else if (context.isReadThrough()) {
      value = readThrough.load(key, redisKey, redisAnswers);
    }
    if (context.statsOn()) {
      statistics.recordGetTimeNanos(System.nanoTime() - start);
    }
    return value;
  }

  /*
   * Keys the near cache holds are answered from it, as get() would; the rest with one MGET. Only
   * get() fills the near cache: a fill needs a reservation and the entry's TTL, which MGET lacks.
   */
  Map<K, V> getAll(Set<? extends K> keySet) {
    context.checkOpen();
    context.requireKeys(keySet);
    long start = System.nanoTime();
    Map<K, V> result = new HashMap<>(keySet.size() * 4 / 3 + 1);
    List<K> keyList = near == null ? new ArrayList<>(keySet) : nearHits(keySet, result);
    int n = keyList.size();
    List<byte[]> redisKeys = context.redisKeys(keyList);
    List<byte[]> found;
    boolean redisAnswers = true;
    try {
      found = store.getAll(redisKeys);
    } catch (RedisOperationException e) {
      failures.readFailed(e);
      redisAnswers = false;
      found = java.util.Arrays.asList(new byte[n][]);
    }
    int misses = 0;
    for (int i = 0; i < n; i++) {
      V value = context.decode(found.get(i));
      if (value != null && failures.trusts(redisKeys.get(i))) {
        context.touch(keyList.get(i), redisKeys.get(i));
        result.put(keyList.get(i), value);
      } else {
        misses++;
      }
    }
    if (context.statsOn()) {
      statistics.recordHits(result.size());
      statistics.recordMisses(misses);
    }
    if (context.isReadThrough() && misses > 0) {
      for (int i = 0; i < n; i++) {
        K key = keyList.get(i);
        if (result.containsKey(key)) {
          continue;
        }
        boolean trusted = redisAnswers && failures.trusts(redisKeys.get(i));
        if (trusted && ValueFormat.isTombstone(found.get(i))) {
          readPath.recordNegativeHit();
          continue;
        }
        V value = readThrough.load(key, redisKeys.get(i), trusted);
        if (value != null) {
          result.put(key, value);
        }
      }
    }
    if (context.statsOn()) {
      statistics.recordGetTimeNanos(System.nanoTime() - start);
    }
    return result;
  }

  /** Puts into {@code result} the keys the near cache holds (each an access, as in get); returns the others. */
  private List<K> nearHits(Set<? extends K> keySet, Map<K, V> result) {
    List<K> others = new ArrayList<>(keySet.size());
    for (K key : keySet) {
      V local = context.nearHit(key);
      if (local == null) {
        others.add(key);
      } else {
        if (touchesOnAccess) {
          context.touch(key, context.redisKey(key));
        }
        result.put(key, local);
      }
    }
    return others;
  }

  /*
   * containsKey answers what get would (without loading): it reads and decodes the value, so bytes
   * that get treats as a miss (foreign, corrupt, outside the allowlist, another Redis type, a
   * tombstone) are not contained. EXISTS would be cheaper, and wrong for exactly those entries. A key
   * the near cache holds is contained: its bytes decoded when it was filled.
   */
  boolean containsKey(K key) {
    context.checkOpen();
    context.requireKey(key);
    if (near != null && context.nearHolds(key)) {
      return true;
    }
    byte[] redisKey = context.redisKey(key);
    if (!failures.trusts(redisKey)) {
      return false;
    }
    try {
      return context.decode(store.get(redisKey)) != null;
    } catch (RedisOperationException e) {
      failures.readFailed(e);
      return false;
    }
  }
}
