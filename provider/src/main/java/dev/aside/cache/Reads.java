package dev.aside.cache;

import dev.aside.codec.EntryKey;
import dev.aside.codec.ValueFormat;
import dev.aside.expiry.ExpiryTimes;
import dev.aside.load.LoaderAdapter;
import dev.aside.load.ReadThrough;
import dev.aside.management.CacheStatistics;
import dev.aside.management.ReadPathMetrics;
import dev.aside.near.NearCache;
import dev.aside.near.NearKeys;
import dev.aside.redis.EntryTtl;
import dev.aside.redis.RedisOperationException;
import dev.aside.redis.RedisStore;
import dev.aside.resilience.FailurePolicy;
import dev.aside.resilience.Gutter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import javax.cache.configuration.MutableConfiguration;

/** The read operations of a cache: {@code get}, {@code getAll} and {@code containsKey}. */
final class Reads<K, V> {
  private final Runnable openCheck;
  private final Arguments<K, V> arguments;
  private final EntryCodec<K, V> entries;
  private final RedisStore store;
  private final NearCache<Object, V> near;
  private final NearKeys<K> nearKeys;
  private final boolean nearByKeyObject;
  private final Function<byte[], V> decoder;
  private final FailurePolicy failures;
  private final MutableConfiguration<K, V> configuration;
  private final CacheStatistics statistics;
  private final ReadPathMetrics readPath;
  private final ReadThrough<K, V> readThrough;
  /** The cache's own loader when it is read-through, else null: misses of get() and getAll() stay misses. */
  private final LoaderAdapter<K, V> readThroughLoader;
  private final ExpiryTimes expiry;
  private final boolean touchesOnAccess;
  private final Gutter gutter;

  /** @param readThroughLoader the cache's loader if misses go to it (a read-through cache), else null */
  Reads(Runnable openCheck, Arguments<K, V> arguments, EntryCodec<K, V> entries, RedisStore store,
      NearCache<Object, V> near, NearKeys<K> nearKeys, FailurePolicy failures, MutableConfiguration<K, V> configuration,
      CacheStatistics statistics, ReadPathMetrics readPath, ReadThrough<K, V> readThrough, LoaderAdapter<K, V> readThroughLoader,
      ExpiryTimes expiry, Gutter gutter) {
    this.openCheck = Objects.requireNonNull(openCheck);
    this.arguments = Objects.requireNonNull(arguments);
    this.entries = Objects.requireNonNull(entries);
    this.store = Objects.requireNonNull(store);
    this.near = near;
    this.nearKeys = Objects.requireNonNull(nearKeys);
    this.nearByKeyObject = nearKeys.byKeyObject();
    this.decoder = entries.decoder();
    this.failures = Objects.requireNonNull(failures);
    this.configuration = Objects.requireNonNull(configuration);
    this.statistics = Objects.requireNonNull(statistics);
    this.readPath = Objects.requireNonNull(readPath);
    this.readThrough = Objects.requireNonNull(readThrough);
    this.readThroughLoader = readThroughLoader;
    this.expiry = Objects.requireNonNull(expiry);
    this.touchesOnAccess = expiry.touchesOnAccess();
    this.gutter = Objects.requireNonNull(gutter);
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
    V local = nearGet(key);
    return local != null ? local : getFromRedis(key, readThroughLoader);
  }

  /**
   * {@link #get}, with {@code loader} answering a miss through the whole read path (coalescing in
   * and across JVMs, the lease-protected fill, negative caching, refresh-ahead, fail-open), whether
   * or not the cache is read-through. The adapter is made only after a near miss, off the hit path.
   */
  V get(K key, Function<? super K, ? extends V> loader) {
    Objects.requireNonNull(loader, "loader");
    V local = nearGet(key);
    return local != null ? local : getFromRedis(key, LoaderAdapter.of(loader));
  }

  /** A near-cache hit with its statistics and access touch, or null (no near cache, a null key, a miss). */
  private V nearGet(K key) {
    if (near != null && key != null) {
      boolean stats = configuration.isStatisticsEnabled();
      long start = stats ? NearCache.clockNanos() : 0;
      V local = nearHit(key);
      if (local != null) {
        if (touchesOnAccess) {
          touch(key, entries.redisKey(key));
        }
        if (stats) {
          statistics.recordHits(1);
          statistics.recordGetTimeNanos(NearCache.clockNanos() - start);
        }
        return local;
      }
    }
    return null;
  }

  /** The rest of {@link #get} after a near-cache miss (or without a near cache): Redis, then {@code loader} if any. */
  private V getFromRedis(K key, LoaderAdapter<K, V> loader) {
    openCheck.run();
    arguments.requireKey(key);
    boolean stats = configuration.isStatisticsEnabled();
    long start = stats ? System.nanoTime() : 0;
    EntryKey entryKey = entries.entryKey(key);
    byte[] redisKey = entryKey.redisKey();
    NearCache.Reservation reservation = near == null ? null : near.reserve(nearKeys.of(key));
    boolean redisAnswers = failures.trusts(redisKey);
    byte[] bytes = null;
    long pttl = 0;
    V value = null;
    if (redisAnswers) {
      Gutter.Ticket seed = gutter.isEnabled() ? gutter.startLoad() : null;
      try {
        if (reservation == null) {
          bytes = store.get(redisKey);
        } else {
          RedisStore.ValueAndTtl read = store.getWithTtl(redisKey);
          bytes = read.value();
          pttl = read.pttl();
        }
        value = entries.decode(entryKey, bytes);
        if (seed != null && value != null) {
          // What Redis answered, for the next outage's first reads.
          gutter.keep(redisKey, seed, localBytes(entryKey, bytes));
        }
      } catch (RedisOperationException e) {
        failures.readFailed(e);
        redisAnswers = false;
      } finally {
        if (seed != null) {
          seed.close();
        }
      }
    }
    if (!redisAnswers) {
      value = fromGutter(redisKey);
    }
    if (reservation != null) {
      if (value != null && redisAnswers) {
        near.fill(reservation, value, localBytes(entryKey, bytes), pttl);
      } else {
        near.cancel(reservation);
      }
    }
    if (value != null) {
      if (redisAnswers) {
        touch(key, redisKey);
      }
      if (stats) {
        statistics.recordHits(1);
        statistics.recordGetTimeNanos(System.nanoTime() - start);
      }
      if (redisAnswers && loader != null && readThrough.refreshesAhead()) {
        readThrough.maybeRefresh(key, entryKey, bytes, loader);
      }
      return value;
    }
    if (stats) {
      statistics.recordMisses(1);
    }
    if (entries.isTombstone(entryKey, bytes)) {
      readPath.recordNegativeHit();
    } else if (loader != null) {
      value = readThrough.load(key, entryKey, redisAnswers, loader);
    }
    if (stats) {
      statistics.recordGetTimeNanos(System.nanoTime() - start);
    }
    return value;
  }

  /*
   * Keys the near cache holds are answered from it, as get() would; the rest with one MGET (on a
   * cluster, one per master: the keys of a master that does not answer fail open, the others are
   * read). Only get() fills the near cache: a fill needs a reservation and the entry's TTL, which
   * MGET lacks.
   */
  Map<K, V> getAll(Set<? extends K> keySet) {
    openCheck.run();
    arguments.requireKeys(keySet);
    long start = System.nanoTime();
    Map<K, V> result = new HashMap<>(keySet.size() * 4 / 3 + 1);
    List<K> keyList = near == null ? new ArrayList<>(keySet) : nearHits(keySet, result);
    int n = keyList.size();
    List<EntryKey> entryKeys = entries.entryKeys(keyList);
    List<byte[]> redisKeys = new ArrayList<>(n);
    entryKeys.forEach(entryKey -> redisKeys.add(entryKey.redisKey()));
    RedisStore.Found read = store.getAvailable(redisKeys);
    if (read.failure() != null) {
      failures.readFailed(read.failure());
    }
    List<byte[]> found = read.values();
    int misses = 0;
    for (int i = 0; i < n; i++) {
      byte[] redisKey = redisKeys.get(i);
      boolean trusted = read.answered(i) && failures.trusts(redisKey);
      V value = trusted ? entries.decode(entryKeys.get(i), found.get(i)) : fromGutter(redisKey);
      if (value != null) {
        if (trusted) {
          touch(keyList.get(i), redisKey);
        }
        result.put(keyList.get(i), value);
      } else {
        misses++;
      }
    }
    if (configuration.isStatisticsEnabled()) {
      statistics.recordHits(result.size());
      statistics.recordMisses(misses);
    }
    if (readThroughLoader != null && misses > 0) {
      for (int i = 0; i < n; i++) {
        K key = keyList.get(i);
        if (result.containsKey(key)) {
          continue;
        }
        boolean trusted = read.answered(i) && failures.trusts(redisKeys.get(i));
        if (trusted && entries.isTombstone(entryKeys.get(i), found.get(i))) {
          readPath.recordNegativeHit();
          continue;
        }
        V value = readThrough.load(key, entryKeys.get(i), trusted, readThroughLoader);
        if (value != null) {
          result.put(key, value);
        }
      }
    }
    if (configuration.isStatisticsEnabled()) {
      statistics.recordGetTimeNanos(System.nanoTime() - start);
    }
    return result;
  }

  /** The gutter's value of an entry Redis is not answering for (a fresh instance), counted as an outage hit; or null. */
  private V fromGutter(byte[] redisKey) {
    byte[] kept = gutter.get(redisKey);
    V value = kept == null ? null : decoder.apply(kept);
    if (value != null) {
      readPath.recordOutageHit();
    }
    return value;
  }

  /** A value's bytes as a local tier keeps them: without the key text a hashed key's value carries. */
  private static byte[] localBytes(EntryKey entryKey, byte[] bytes) {
    return entryKey.isHashed() ? ValueFormat.withoutKeyText(bytes) : bytes;
  }

  /** Puts into {@code result} the keys the near cache holds (each an access, as in get); returns the others. */
  private List<K> nearHits(Set<? extends K> keySet, Map<K, V> result) {
    List<K> others = new ArrayList<>(keySet.size());
    for (K key : keySet) {
      V local = nearHit(key);
      if (local == null) {
        others.add(key);
      } else {
        if (touchesOnAccess) {
          touch(key, entries.redisKey(key));
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
    openCheck.run();
    arguments.requireKey(key);
    if (near != null && nearHolds(key)) {
      return true;
    }
    EntryKey entryKey = entries.entryKey(key);
    byte[] redisKey = entryKey.redisKey();
    if (!failures.trusts(redisKey)) {
      return gutter.get(redisKey) != null;
    }
    try {
      return entries.decode(entryKey, store.get(entryKey.redisKey())) != null;
    } catch (RedisOperationException e) {
      failures.readFailed(e);
      return gutter.get(redisKey) != null;
    }
  }

  /**
   * A value from the near cache, or null: absent, not live, or bytes that do not decode. A String key
   * is passed as one: the JIT then knows its exact class inside the hash lookup and inlines its
   * hashCode and equals, which a lookup by an Object key calls virtually.
   */
  private V nearHit(K key) {
    NearCache.Hit<V> hit = nearByKeyObject && key instanceof String text && NearKeys.isOwnNearKey(text)
        ? near.get(text) : near.get(nearKeys.of(key));
    return hit == null ? null : hit.value(decoder);
  }

  /** Whether the near cache holds a live entry for {@code key} (its bytes decoded when it was filled). */
  private boolean nearHolds(K key) {
    return (nearByKeyObject && key instanceof String text && NearKeys.isOwnNearKey(text) ? near.get(text)
        : near.get(nearKeys.of(key))) != null;
  }

  /*
   * Applies the access TTL after a hit, when the policy asks for one. An access that expires the
   * entry (a zero access duration) deletes it in Redis and drops this JVM's near entry at once, like
   * an own write: the DEL is queued on the connection first, so a read that reserves after the drop
   * reads after the deletion. Any other touch is a modification that Redis reports to every near
   * cache, this one included.
   */
  private void touch(K key, byte[] redisKey) {
    if (touchesOnAccess) {
      EntryTtl ttl = expiry.access();
      if (!ttl.isKeep()) {
        store.expireAsync(redisKey, ttl);
        if (ttl.isExpired() && near != null) {
          near.invalidate(nearKeys.of(key));
        }
      }
    }
  }

  /** An entry handed out by the iterator: a hit, and an access for expiry. */
  void iterated(K key, byte[] redisKey) {
    touch(key, redisKey);
    if (configuration.isStatisticsEnabled()) {
      statistics.recordHits(1);
    }
  }
}
