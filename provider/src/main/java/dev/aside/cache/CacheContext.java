package dev.aside.cache;

import dev.aside.cache.CompareAndSet.Change;
import dev.aside.codec.KeyCodec;
import dev.aside.codec.UndecodableValueException;
import dev.aside.codec.ValueCodec;
import dev.aside.codec.ValueFormat;
import dev.aside.config.AsideConfiguration;
import dev.aside.event.EventDispatcher;
import dev.aside.expiry.ExpiryTimes;
import dev.aside.expiry.JitteredExpiryPolicy;
import dev.aside.load.ReadThrough;
import dev.aside.management.CacheStatistics;
import dev.aside.management.ReadPathMetrics;
import dev.aside.near.NearCache;
import dev.aside.redis.KeyLayout;
import dev.aside.redis.RedisStore;
import dev.aside.redis.RedisStore.Outcome;
import dev.aside.redis.RedisStore.PutResult;
import dev.aside.redis.Ttl;
import dev.aside.resilience.FailurePolicy;
import dev.aside.resilience.InvalidationQueue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import javax.cache.Cache;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What every operation of one {@link AsideCache} shares: its store, codecs, policies and their helpers. */
final class CacheContext<K, V> {
  // The facade's logger: undecodable keys and values are still reported under dev.aside.cache.AsideCache.
  private static final Logger log = LoggerFactory.getLogger(AsideCache.class);

  final String name;
  final MutableConfiguration<K, V> configuration;
  final Class<K> keyType;
  final Class<V> valueType;
  final KeyCodec<K> keys;
  final ValueCodec<V> values;
  final KeyLayout layout;
  final RedisStore store;
  final ExpiryTimes expiry;
  final CacheLoader<K, V> loader;
  final CacheWriter<K, V> writer;
  final EventDispatcher<K, V> events;
  final CacheStatistics statistics = new CacheStatistics();
  final Executor executor;
  final ReadPathMetrics readPath = new ReadPathMetrics();
  final java.util.function.Function<byte[], V> decoder = this::decode;
  final ReadThrough<K, V> readThrough;
  final FailurePolicy failures;
  final CompareAndSet cas;
  final NearCache<Object, V> near;
  final boolean nearByKeyObject;
  /*
   * A class the allowlist refuses is named once per cache at WARN, because only the user can fix it;
   * at most MAX_DISALLOWED_NAMED of them, so that bytes written by someone else cannot flood the log.
   */
  private static final int MAX_DISALLOWED_NAMED = 64;
  private final Set<String> disallowedNamed = ConcurrentHashMap.newKeySet();
  final int maxValueBytes;
  private final Runnable openCheck;

  @SuppressWarnings("unchecked")
  CacheContext(Cache<K, V> source, String name, CompleteConfiguration<K, V> config, KeyCodec<K> keys,
      ValueCodec<V> values, KeyLayout layout, RedisStore store, InvalidationQueue invalidations,
      NearCache<Object, V> near, Executor executor, Runnable openCheck) {
    this.near = near;
    this.nearByKeyObject = KeyCodec.isSimpleType(config.getKeyType());
    this.name = Objects.requireNonNull(name);
    this.configuration = (MutableConfiguration<K, V>) Objects.requireNonNull(config);
    this.keyType = config.getKeyType();
    this.valueType = config.getValueType();
    this.keys = Objects.requireNonNull(keys);
    this.values = Objects.requireNonNull(values);
    this.layout = Objects.requireNonNull(layout);
    this.store = Objects.requireNonNull(store);
    this.executor = Objects.requireNonNull(executor);
    this.openCheck = Objects.requireNonNull(openCheck);
    this.events = new EventDispatcher<>(source);
    AsideConfiguration<K, V> aside = config instanceof AsideConfiguration<K, V> a ? a : new AsideConfiguration<>(config);
    ExpiryPolicy policy = config.getExpiryPolicyFactory().create();
    this.expiry = new ExpiryTimes(aside.getTtlJitter() > 0 ? new JitteredExpiryPolicy(policy, aside.getTtlJitter()) : policy);
    this.loader = config.getCacheLoaderFactory() == null ? null : config.getCacheLoaderFactory().create();
    this.readThrough = loader == null ? null : new ReadThrough<>(store, loader, values, this::decode, expiry,
        (k, v) -> events.created(k, v), readPath, executor, new ReadThrough.Settings(aside.isCoalescing(),
            aside.getLeaseTtl(), aside.getLeaseWait(), aside.getNegativeTtl(), aside.getRefreshAheadBeta(),
            aside.getMaxValueBytes()));
    this.failures = new FailurePolicy(name, layout.namespace(), aside.getWriteFailures(), invalidations, readPath);
    this.maxValueBytes = aside.getMaxValueBytes();
    this.cas = new CompareAndSet(store, this::voidLease, name);
    this.writer = config.getCacheWriterFactory() == null ? null
        : (CacheWriter<K, V>) config.getCacheWriterFactory().create();
  }

  /** Throws if the cache is closed. */
  void checkOpen() {
    openCheck.run();
  }

  byte[] redisKey(K key) {
    return layout.entryKey(keys.encode(key));
  }

  List<byte[]> redisKeys(Collection<K> keyList) {
    List<byte[]> out = new ArrayList<>(keyList.size());
    for (K key : keyList) {
      out.add(redisKey(key));
    }
    return out;
  }

  K decodeKey(byte[] redisKey) {
    String text = layout.keyText(redisKey);
    if (text == null) {
      return null;
    }
    try {
      return keys.decode(text);
    } catch (UndecodableValueException e) {
      readPath.recordUndecodableRead();
      log.debug("Skipping an undecodable key in cache {}: {}", name, e.getMessage());
      return null;
    }
  }

  /** Decodes stored bytes; anything that does not decode is a miss plus a metric. */
  V decode(byte[] bytes) {
    if (bytes == null || ValueFormat.isTombstone(bytes)) {
      return null;
    }
    try {
      return values.decode(bytes);
    } catch (UndecodableValueException e) {
      readPath.recordUndecodableRead();
      String disallowed = e.disallowedClass();
      if (disallowed != null && disallowedNamed.size() < MAX_DISALLOWED_NAMED && disallowedNamed.add(disallowed)) {
        log.warn("Cache {}: a stored value needs class {}, which the deserialization allowlist does not allow, so"
            + " such entries are read as misses. Allow it with the allow-classes setting or the allow URI option.",
            name, disallowed);
      } else {
        log.debug("Treating an undecodable value in cache {} as a miss: {}", name, e.getMessage());
      }
      return null;
    }
  }

  /**
   * Voids the entry's lease ahead of a write or removal (pipelined, so it reaches Redis first): a
   * read-through fill racing with this write is then rejected instead of storing an older value.
   */
  byte[] writeKey(K key) {
    nearInvalidate(key);
    byte[] redisKey = redisKey(key);
    voidLease(redisKey);
    return redisKey;
  }

  void voidLease(byte[] redisKey) {
    if (readThrough != null && readThrough.usesLeases()) {
      store.voidLeaseAsync(redisKey);
    }
  }

  /*
   * Applies the access TTL after a hit, when the policy asks for one. An access that expires the
   * entry (a zero access duration) deletes it in Redis and drops this JVM's near entry at once, like
   * an own write: the DEL is queued on the connection first, so a read that reserves after the drop
   * reads after the deletion. Any other touch is a modification that Redis reports to every near
   * cache, this one included.
   */
  void touch(K key, byte[] redisKey) {
    if (expiry.touchesOnAccess()) {
      long ttl = expiry.access();
      if (ttl != Ttl.KEEP) {
        store.expireAsync(redisKey, ttl);
        if (ttl == Ttl.EXPIRED) {
          nearInvalidate(key);
        }
      }
    }
  }

  /** The near cache's key: the key itself for simple key types, else its text (see the manager's nearKeyOf). */
  Object nearKey(K key) {
    return nearByKeyObject ? key : keys.encode(key);
  }

  /**
   * A value from the near cache, or null: absent, not live, or bytes that do not decode. A String key
   * is passed as one: the JIT then knows its exact class inside the hash lookup and inlines its
   * hashCode and equals, which a lookup by an Object key calls virtually.
   */
  V nearHit(K key) {
    NearCache.Hit<V> hit = nearByKeyObject && key instanceof String text ? near.get(text) : near.get(nearKey(key));
    return hit == null ? null : hit.value(decoder);
  }

  /** Whether the near cache holds a live entry for {@code key} (its bytes decoded when it was filled). */
  boolean nearHolds(K key) {
    return (nearByKeyObject && key instanceof String text ? near.get(text) : near.get(nearKey(key))) != null;
  }

  /** Drops this JVM's near entry after its own write, so it reads its writes. */
  void nearInvalidate(K key) {
    if (near != null) {
      near.invalidate(nearKey(key));
    }
  }

  /** Encodes a value to store, refusing one above the cache's maximum size before anything is sent. */
  byte[] encode(V value) {
    byte[] bytes = values.encode(value);
    if (bytes.length > maxValueBytes) {
      throw new IllegalArgumentException("A value of " + bytes.length + " bytes exceeds the maximum of " + maxValueBytes
          + " bytes (max-value-size) of cache " + name);
    }
    return bytes;
  }

  void publishWrite(K key, V value, PutResult result) {
    if (result.outcome() == Outcome.CREATED) {
      events.created(key, value);
    } else if (result.outcome() != Outcome.UNCHANGED) {
      publishUpdated(key, value, decode(result.previous()));
    }
  }

  void publishUpdated(K key, V value, V old) {
    events.updated(key, value, old);
  }

  void writeThrough(K key, V value) {
    if (isWriteThrough()) {
      try {
        writer.write(new AsideEntry<>(key, value));
      } catch (CacheWriterException e) {
        throw e;
      } catch (Exception e) {
        throw new CacheWriterException("Exception in CacheWriter", e);
      }
    }
  }

  void deleteThrough(K key) {
    if (isWriteThrough()) {
      try {
        writer.delete(key);
      } catch (CacheWriterException e) {
        throw e;
      } catch (Exception e) {
        throw new CacheWriterException("Exception in CacheWriter", e);
      }
    }
  }

  boolean isReadThrough() {
    return loader != null && configuration.isReadThrough();
  }

  boolean isWriteThrough() {
    return writer != null && configuration.isWriteThrough();
  }

  boolean statsOn() {
    return configuration.isStatisticsEnabled();
  }

  void recordHit(long start) {
    if (statsOn()) {
      recordHitTime(System.nanoTime() - start);
    }
  }

  /** One hit that took {@code nanos}; the caller has checked that statistics are on. */
  void recordHitTime(long nanos) {
    statistics.recordHits(1);
    statistics.recordGetTimeNanos(nanos);
  }

  /** One put, timed from {@code start}. */
  void recordPut(long start) {
    statistics.recordPuts(1);
    statistics.recordPutTimeNanos(System.nanoTime() - start);
  }

  /** One removal, timed from {@code start}. */
  void recordRemoval(long start) {
    statistics.recordRemovals(1);
    statistics.recordRemoveTimeNanos(System.nanoTime() - start);
  }

  /** A read-then-write (getAndPut, replace…), if statistics are on: its hit or miss, and a put if it stored. */
  void recordReadAndPut(boolean hit, boolean stored, long start) {
    if (statsOn()) {
      recordGetOutcome(hit, start);
      if (stored) {
        recordPut(start);
      }
    }
  }

  /** A read-then-remove (getAndRemove, remove(k, v)), if statistics are on: its hit or miss, and a removal if one happened. */
  void recordReadAndRemoval(boolean hit, boolean removed, long start) {
    if (statsOn()) {
      recordGetOutcome(hit, start);
      if (removed) {
        recordRemoval(start);
      }
    }
  }

  void recordGetOutcome(boolean hit, long start) {
    if (hit) {
      statistics.recordHits(1);
    } else {
      statistics.recordMisses(1);
    }
    statistics.recordGetTimeNanos(System.nanoTime() - start);
  }

  void requireKey(K key) {
    Objects.requireNonNull(key, "key");
  }

  void requireKeys(Set<? extends K> keySet) {
    Objects.requireNonNull(keySet, "keys");
    for (K key : keySet) {
      Objects.requireNonNull(key, "keys contains a null");
    }
  }

  void requireEntry(K key, V value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    checkTypes(key, value);
  }

  void checkTypes(K key, V value) {
    if (keyType != Object.class && !keyType.isInstance(key)) {
      throw new ClassCastException("Key " + key.getClass().getName() + " is not a " + keyType.getName());
    }
    if (valueType != Object.class && !valueType.isInstance(value)) {
      throw new ClassCastException("Value " + value.getClass().getName() + " is not a " + valueType.getName());
    }
  }

  /**
   * The decision of {@code replace(k, old, new)} and {@code remove(k, old)}: absent is a miss; present
   * but different is an access (expiry for access applies); equal goes on to {@code then}.
   */
  Change<Boolean> ifCurrentEquals(byte[] current, V expected, boolean[] present,
      java.util.function.Function<V, Change<Boolean>> then) {
    V old = decode(current);
    present[0] = old != null;
    if (old == null) {
      return Change.none(false);
    }
    if (!old.equals(expected)) {
      return Change.touch(expiry.access(), false);
    }
    return then.apply(old);
  }

  /** An entry handed out by the iterator: a hit, and an access for expiry. */
  void iterated(K key, byte[] redisKey) {
    touch(key, redisKey);
    if (statsOn()) {
      statistics.recordHits(1);
    }
  }
}
