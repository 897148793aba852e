package dev.aside.cache;

import dev.aside.codec.KeyCodec;
import dev.aside.codec.UndecodableValueException;
import dev.aside.codec.ValueCodec;
import dev.aside.codec.ValueFormat;
import dev.aside.config.AsideConfiguration;
import dev.aside.expiry.JitteredExpiryPolicy;
import dev.aside.load.ReadThrough;
import dev.aside.management.ReadPathMetrics;
import dev.aside.near.NearCache;
import dev.aside.event.EventDispatcher;
import dev.aside.expiry.ExpiryTimes;
import dev.aside.management.CacheConfigurationMXBean;
import dev.aside.management.CacheStatistics;
import dev.aside.management.MBeanRegistrar;
import dev.aside.management.MBeanRegistrar.MBeanKind;
import dev.aside.redis.KeyLayout;
import dev.aside.redis.RedisOperationException;
import dev.aside.redis.RedisStore;
import dev.aside.resilience.FailurePolicy;
import dev.aside.resilience.InvalidationQueue;
import dev.aside.cache.CompareAndSet.Change;
import dev.aside.redis.RedisStore.Outcome;
import dev.aside.redis.RedisStore.PutResult;
import dev.aside.redis.Ttl;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.EventType;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import javax.cache.integration.CompletionListener;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Cache} whose entries live in Redis.
 *
 * <p>Two write paths. When the expiry policy is one of the JCache standard policies its TTLs are
 * known up front, and each operation is one Redis command or script ({@code SET [NX|XX] [GET]},
 * {@code GETDEL}, {@code put.lua}). Otherwise, and whenever the spec makes a side effect (an expiry
 * policy call, a cache writer call) depend on the entry's current state, the operation goes through
 * {@link CompareAndSet}: read, decide exactly as the spec says, write only if unchanged. {@code invoke}
 * always takes that path, which makes it atomic across JVMs without locks. Misses of a read-through
 * cache go to {@link dev.aside.load.ReadThrough}; what a Redis failure becomes is decided by
 * {@link dev.aside.resilience.FailurePolicy}; hot entries may be served by a
 * {@link dev.aside.near.NearCache}.
 *
 * <p>Invariants: every write or removal voids the entry's read-through lease before it reaches
 * Redis, and drops this JVM's near-cache entry before and after; user code (loaders, writers,
 * listeners, processors, expiry policies) runs on the caller's thread or the manager's executor,
 * never on a Lettuce event-loop thread; a value that does not decode is a miss (counted in
 * {@link #undecodableReads()}), never an exception to a reader.
 */
public final class AsideCache<K, V> implements Cache<K, V> {
  private static final Logger log = LoggerFactory.getLogger(AsideCache.class);

  private final String name;
  private final CacheManager manager;
  private final String managerUriForJmx;
  private final MutableConfiguration<K, V> configuration;
  private final Class<K> keyType;
  private final Class<V> valueType;
  private final KeyCodec<K> keys;
  private final ValueCodec<V> values;
  private final KeyLayout layout;
  private final RedisStore store;
  private final ExpiryTimes expiry;
  private final CacheLoader<K, V> loader;
  private final CacheWriter<K, V> writer;
  private final EventDispatcher<K, V> events;
  private final CacheStatistics statistics = new CacheStatistics();
  private final Executor executor;
  private final Runnable onClose;
  private final ReadPathMetrics readPath = new ReadPathMetrics();
  private final java.util.function.Function<byte[], V> decoder = this::decode;
  private final ReadThrough<K, V> readThrough;
  private final FailurePolicy failures;
  private final CompareAndSet cas;
  private final NearCache<Object, V> near;
  private final boolean nearByKeyObject;
  private final int maxValueBytes;
  private volatile boolean closed;

  @SuppressWarnings("unchecked")
  public AsideCache(String name, CacheManager manager, String managerUriForJmx, CompleteConfiguration<K, V> config,
      KeyCodec<K> keys, ValueCodec<V> values, KeyLayout layout, RedisStore store, InvalidationQueue invalidations,
      NearCache<Object, V> near, Executor executor, Runnable onClose) {
    this.near = near;
    this.nearByKeyObject = KeyCodec.isSimpleType(config.getKeyType());
    this.name = Objects.requireNonNull(name);
    this.manager = Objects.requireNonNull(manager);
    this.managerUriForJmx = Objects.requireNonNull(managerUriForJmx);
    this.configuration = (MutableConfiguration<K, V>) Objects.requireNonNull(config);
    this.keyType = config.getKeyType();
    this.valueType = config.getValueType();
    this.keys = Objects.requireNonNull(keys);
    this.values = Objects.requireNonNull(values);
    this.layout = Objects.requireNonNull(layout);
    this.store = Objects.requireNonNull(store);
    this.executor = Objects.requireNonNull(executor);
    this.onClose = Objects.requireNonNull(onClose);
    this.events = new EventDispatcher<>(this);
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
    for (CacheEntryListenerConfiguration<K, V> listener : config.getCacheEntryListenerConfigurations()) {
      events.register(listener);
    }
    if (config.isStatisticsEnabled()) {
      MBeanRegistrar.register(statistics, MBeanKind.STATISTICS, managerUriForJmx, name);
    }
    if (config.isManagementEnabled()) {
      MBeanRegistrar.register(new CacheConfigurationMXBean(() -> configuration), MBeanKind.CONFIGURATION,
          managerUriForJmx, name);
    }
    MBeanRegistrar.register(readPath, MBeanKind.READ_PATH, managerUriForJmx, name);
    if (near != null) {
      near.countHits(config.isStatisticsEnabled());
      MBeanRegistrar.register(near.metrics(), MBeanKind.NEAR_CACHE, managerUriForJmx, name);
    }
  }

  // ---------------------------------------------------------------- reads

  @Override
  public V get(K key) {
    checkOpen();
    requireKey(key);
    long start = statsOn() ? System.nanoTime() : 0;
    if (near != null) {
      V local = nearHit(key);
      if (local != null) {
        if (expiry.touchesOnAccess()) {
          touch(redisKey(key));
        }
        recordHit(start);
        return local;
      }
    }
    byte[] redisKey = redisKey(key);
    NearCache.Reservation reservation = near == null ? null : near.reserve(nearKey(key));
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
    V value = decode(bytes);
    if (reservation != null) {
      if (value != null) {
        near.fill(reservation, value, bytes, pttl);
      } else {
        near.cancel(reservation);
      }
    }
    if (value != null) {
      touch(redisKey);
      recordHit(start);
      if (isReadThrough()) {
        readThrough.maybeRefresh(key, redisKey, bytes);
      }
      return value;
    }
    if (statsOn()) {
      statistics.recordMisses(1);
    }
    if (ValueFormat.isTombstone(bytes)) {
      readPath.recordNegativeHit();
    } else if (isReadThrough()) {
      value = readThrough.load(key, redisKey, redisAnswers);
    }
    if (statsOn()) {
      statistics.recordGetTimeNanos(System.nanoTime() - start);
    }
    return value;
  }

  @Override
  public Map<K, V> getAll(Set<? extends K> keySet) {
    checkOpen();
    requireKeys(keySet);
    long start = System.nanoTime();
    int n = keySet.size();
    List<K> keyList = new ArrayList<>(keySet);
    List<byte[]> redisKeys = redisKeys(keyList);
    List<byte[]> found;
    boolean redisAnswers = true;
    try {
      found = store.getAll(redisKeys);
    } catch (RedisOperationException e) {
      failures.readFailed(e);
      redisAnswers = false;
      found = java.util.Arrays.asList(new byte[n][]);
    }
    Map<K, V> result = new HashMap<>(n * 4 / 3 + 1);
    int misses = 0;
    for (int i = 0; i < n; i++) {
      V value = decode(found.get(i));
      if (value != null && failures.trusts(redisKeys.get(i))) {
        touch(redisKeys.get(i));
        result.put(keyList.get(i), value);
      } else {
        misses++;
      }
    }
    if (statsOn()) {
      statistics.recordHits(result.size());
      statistics.recordMisses(misses);
    }
    if (isReadThrough() && misses > 0) {
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
    if (statsOn()) {
      statistics.recordGetTimeNanos(System.nanoTime() - start);
    }
    return result;
  }


  @Override
  public boolean containsKey(K key) {
    checkOpen();
    requireKey(key);
    byte[] redisKey = redisKey(key);
    if (!failures.trusts(redisKey)) {
      return false;
    }
    try {
      if (readThrough != null && readThrough.cachesAbsence()) {
        byte[] bytes = store.get(redisKey);
        return bytes != null && !ValueFormat.isTombstone(bytes);
      }
      return store.exists(redisKey);
    } catch (RedisOperationException e) {
      failures.readFailed(e);
      return false;
    }
  }

  @Override
  public void loadAll(Set<? extends K> keySet, boolean replaceExistingValues, CompletionListener listener) {
    checkOpen();
    Objects.requireNonNull(keySet, "keys");
    for (K key : keySet) {
      Objects.requireNonNull(key, "keys contains a null");
    }
    CompletionListener done = listener == null ? NoCompletion.INSTANCE : listener;
    if (loader == null) {
      done.onCompletion();
      return;
    }
    executor.execute(() -> {
      try {
        List<K> toLoad = new ArrayList<>();
        for (K key : keySet) {
          if (replaceExistingValues || !containsKey(key)) {
            toLoad.add(key);
          }
        }
        Map<? extends K, ? extends V> loaded;
        try {
          loaded = loader.loadAll(toLoad);
        } catch (CacheLoaderException e) {
          throw e;
        } catch (Exception e) {
          throw new CacheLoaderException("Exception in CacheLoader", e);
        }
        if (loaded != null) {
          for (Map.Entry<? extends K, ? extends V> entry : loaded.entrySet()) {
            if (entry.getKey() != null && entry.getValue() != null) {
              storeLoaded(entry.getKey(), entry.getValue(), replaceExistingValues);
            }
          }
        }
        done.onCompletion();
      } catch (Exception e) {
        done.onException(e);
      }
    });
  }

  /** Stores a value from {@code loadAll}: no writer call and no put statistics, since a load is not a put. */
  private void storeLoaded(K key, V value, boolean replace) {
    byte[] redisKey = writeKey(key);
    byte[] bytes = values.encode(value);
    if (bytes.length > maxValueBytes) {
      return;
    }
    try {
      storeLoaded(key, value, redisKey, bytes, replace);
    } catch (RedisOperationException e) {
      failures.writeFailed(redisKey, e);
    } finally {
      nearInvalidate(key);
    }
  }

  private void storeLoaded(K key, V value, byte[] redisKey, byte[] bytes, boolean replace) {
    if (expiry.isPredictable()) {
      PutResult result = store.put(redisKey, bytes, expiry.creation(), expiry.update(), replace ? 'A' : 'N',
          events.hasListenersFor(EventType.UPDATED));
      publishWrite(key, value, result);
      return;
    }
    cas.run(redisKey, current -> {
      if (current != null && !replace) {
        return Change.none(null);
      }
      if (current == null) {
        long ttl = expiry.creation();
        return ttl == Ttl.EXPIRED ? Change.none(null)
            : Change.set(bytes, ttl, null, () -> events.created(key, value));
      }
      V old = decode(current);
      return Change.set(bytes, expiry.update(), null, () -> publishUpdated(key, value, old));
    });
  }

  // ---------------------------------------------------------------- writes

  @Override
  public void put(K key, V value) {
    checkOpen();
    requireEntry(key, value);
    long start = System.nanoTime();
    writeThrough(key, value);
    byte[] redisKey = writeKey(key);
    byte[] bytes = encode(value);
    boolean stored = false;
    try {
      if (expiry.isPredictable()) {
        long single = expiry.anyWrite();
        if (single != Long.MIN_VALUE && !events.hasListeners()) {
          store.set(redisKey, bytes, single);
          stored = true;
        } else {
          PutResult result = store.put(redisKey, bytes, expiry.creation(), expiry.update(), 'A',
              events.hasListenersFor(EventType.UPDATED));
          publishWrite(key, value, result);
          stored = result.outcome() != Outcome.UNCHANGED;
        }
      } else {
        stored = cas.run(redisKey, current -> writeChange(key, value, bytes, current));
      }
    } catch (RedisOperationException e) {
      failures.writeFailed(redisKey, e);
    } finally {
      nearInvalidate(key);
    }
    if (stored && statsOn()) {
      statistics.recordPuts(1);
      statistics.recordPutTimeNanos(System.nanoTime() - start);
    }
  }

  @Override
  public V getAndPut(K key, V value) {
    checkOpen();
    requireEntry(key, value);
    long start = System.nanoTime();
    writeThrough(key, value);
    byte[] redisKey = writeKey(key);
    byte[] bytes = encode(value);
    V old = null;
    boolean stored = false;
    try {
      if (expiry.isPredictable()) {
        PutResult result = store.put(redisKey, bytes, expiry.creation(), expiry.update(), 'A', true);
        old = decode(result.previous());
        stored = result.outcome() != Outcome.UNCHANGED;
        if (result.outcome() == Outcome.CREATED) {
          events.created(key, value);
        } else if (stored) {
          publishUpdated(key, value, old);
        }
      } else {
        Object[] previous = new Object[1];
        stored = cas.run(redisKey, current -> {
          previous[0] = decode(current);
          return writeChange(key, value, bytes, current);
        });
        @SuppressWarnings("unchecked")
        V p = (V) previous[0];
        old = p;
      }
    } catch (RedisOperationException e) {
      failures.writeFailed(redisKey, e);
    } finally {
      nearInvalidate(key);
    }
    if (statsOn()) {
      recordGetOutcome(old != null, start);
      if (stored) {
        statistics.recordPuts(1);
        statistics.recordPutTimeNanos(System.nanoTime() - start);
      }
    }
    return old;
  }

  /** The general-path decision of a put: create or update, with the TTL the policy gives for that case. */
  private Change<Boolean> writeChange(K key, V value, byte[] bytes, byte[] current) {
    if (current == null) {
      long ttl = expiry.creation();
      return ttl == Ttl.EXPIRED ? Change.none(false) : Change.set(bytes, ttl, true, () -> events.created(key, value));
    }
    V old = decode(current);
    return Change.set(bytes, expiry.update(), true, () -> publishUpdated(key, value, old));
  }

  @Override
  public void putAll(Map<? extends K, ? extends V> map) {
    checkOpen();
    Objects.requireNonNull(map, "map");
    for (Map.Entry<? extends K, ? extends V> entry : map.entrySet()) {
      requireEntry(entry.getKey(), entry.getValue());
    }
    long start = System.nanoTime();
    Map<K, V> toStore = new LinkedHashMap<>(map);
    CacheWriterException failure = null;
    if (isWriteThrough() && !toStore.isEmpty()) {
      List<Cache.Entry<? extends K, ? extends V>> pending = new ArrayList<>();
      toStore.forEach((k, v) -> pending.add(new AsideEntry<>(k, v)));
      try {
        writer.writeAll(pending);
        pending.clear();
      } catch (Exception e) {
        failure = e instanceof CacheWriterException cwe ? cwe : new CacheWriterException("Exception in CacheWriter", e);
      }
      // Entries the writer did not write stay out of the cache too.
      for (Cache.Entry<? extends K, ? extends V> unwritten : pending) {
        toStore.remove(unwritten.getKey());
      }
    }
    for (V value : toStore.values()) {
      encode(value);   // refuse an oversized value before anything is sent
    }
    try {
      putAllToRedis(toStore);
    } catch (RedisOperationException e) {
      for (K key : toStore.keySet()) {
        failures.writeFailed(redisKey(key), e);
      }
    } finally {
      toStore.keySet().forEach(this::nearInvalidate);
    }
    if (statsOn() && !toStore.isEmpty()) {
      statistics.recordPutTimeNanos(System.nanoTime() - start);
    }
    if (failure != null) {
      throw failure;
    }
  }

  private void putAllToRedis(Map<K, V> toStore) {
    long single = expiry.anyWrite();
    if (single != Long.MIN_VALUE && !events.hasListeners()) {
      List<byte[]> redisKeys = new ArrayList<>(toStore.size());
      List<byte[]> encoded = new ArrayList<>(toStore.size());
      toStore.forEach((k, v) -> {
        redisKeys.add(writeKey(k));
        encoded.add(encode(v));
      });
      store.setAll(redisKeys, encoded, single);
      if (statsOn()) {
        statistics.recordPuts(toStore.size());
      }
    } else {
      for (Map.Entry<K, V> entry : toStore.entrySet()) {
        K key = entry.getKey();
        V value = entry.getValue();
        byte[] redisKey = writeKey(key);
        byte[] bytes = encode(value);
        boolean stored;
        if (expiry.isPredictable()) {
          PutResult result = store.put(redisKey, bytes, expiry.creation(), expiry.update(), 'A',
              events.hasListenersFor(EventType.UPDATED));
          publishWrite(key, value, result);
          stored = result.outcome() != Outcome.UNCHANGED;
        } else {
          stored = cas.run(redisKey, current -> writeChange(key, value, bytes, current));
        }
        if (stored && statsOn()) {
          statistics.recordPuts(1);
        }
      }
    }
  }

  @Override
  public boolean putIfAbsent(K key, V value) {
    checkOpen();
    requireEntry(key, value);
    long start = System.nanoTime();
    byte[] redisKey = writeKey(key);
    byte[] bytes = encode(value);
    boolean stored = false;
    try {
      if (expiry.isPredictable() && !isWriteThrough()) {
        long ttl = expiry.creation();
        if (readThrough != null && readThrough.cachesAbsence()) {
          // A tombstone counts as absent, which SET NX would not know.
          stored = ttl != Ttl.EXPIRED && store.put(redisKey, bytes, ttl, Ttl.KEEP, 'N', false).outcome() == Outcome.CREATED;
        } else {
          stored = ttl != Ttl.EXPIRED && store.setIfAbsent(redisKey, bytes, ttl);
        }
        if (stored) {
          events.created(key, value);
        }
      } else {
        stored = cas.run(redisKey, current -> {
          if (current != null) {
            return Change.none(false);
          }
          writeThrough(key, value);
          long ttl = expiry.creation();
          return ttl == Ttl.EXPIRED ? Change.none(false) : Change.set(bytes, ttl, true, () -> events.created(key, value));
        });
      }
    } catch (RedisOperationException e) {
      failures.writeFailed(redisKey, e);
    } finally {
      nearInvalidate(key);
    }
    if (statsOn()) {
      if (stored) {
        statistics.recordPuts(1);
        statistics.recordMisses(1);
        statistics.recordPutTimeNanos(System.nanoTime() - start);
      } else {
        statistics.recordHits(1);
      }
    }
    return stored;
  }

  @Override
  public boolean replace(K key, V value) {
    return getAndReplace(key, value, false) != null;
  }

  @Override
  public V getAndReplace(K key, V value) {
    return getAndReplace(key, value, true);
  }

  /** Replaces a present entry; returns its previous value (a stand-in non-null marker when not {@code wantOld}). */
  @SuppressWarnings("unchecked")
  private V getAndReplace(K key, V value, boolean wantOld) {
    checkOpen();
    requireEntry(key, value);
    long start = System.nanoTime();
    byte[] redisKey = writeKey(key);
    byte[] bytes = encode(value);
    Object[] previous = new Object[1];
    boolean replaced = false;
    try {
      if (expiry.isPredictable() && !isWriteThrough()) {
        PutResult result = store.put(redisKey, bytes, Ttl.EXPIRED, expiry.update(), 'X',
            wantOld || events.hasListenersFor(EventType.UPDATED));
        replaced = result.outcome() != Outcome.UNCHANGED;
        if (replaced) {
          previous[0] = result.previous() == null ? null : decode(result.previous());
          publishUpdated(key, value, (V) previous[0]);
        }
      } else {
        replaced = cas.run(redisKey, current -> {
          if (current == null) {
            return Change.none(false);
          }
          V old = decode(current);
          previous[0] = old;
          writeThrough(key, value);
          return Change.set(bytes, expiry.update(), true, () -> publishUpdated(key, value, old));
        });
      }
    } catch (RedisOperationException e) {
      failures.writeFailed(redisKey, e);
    } finally {
      nearInvalidate(key);
    }
    if (statsOn()) {
      recordGetOutcome(replaced, start);
      if (replaced) {
        statistics.recordPuts(1);
        statistics.recordPutTimeNanos(System.nanoTime() - start);
      }
    }
    if (!replaced) {
      return null;
    }
    return wantOld ? (V) previous[0] : value;
  }

  @Override
  public boolean replace(K key, V oldValue, V newValue) {
    checkOpen();
    requireKey(key);
    Objects.requireNonNull(oldValue, "oldValue");
    Objects.requireNonNull(newValue, "newValue");
    checkTypes(key, newValue);
    long start = System.nanoTime();
    byte[] redisKey = writeKey(key);
    byte[] bytes = encode(newValue);
    boolean[] present = new boolean[1];
    boolean replaced = false;
    try {
      replaced = cas.run(redisKey, current -> ifCurrentEquals(current, oldValue, present, old -> {
        writeThrough(key, newValue);
        return Change.set(bytes, expiry.update(), true, () -> publishUpdated(key, newValue, old));
      }));
    } catch (RedisOperationException e) {
      failures.writeFailed(redisKey, e);
    } finally {
      nearInvalidate(key);
    }
    if (statsOn()) {
      recordGetOutcome(present[0], start);
      if (replaced) {
        statistics.recordPuts(1);
        statistics.recordPutTimeNanos(System.nanoTime() - start);
      }
    }
    return replaced;
  }

  /**
   * The decision of {@code replace(k, old, new)} and {@code remove(k, old)}: absent is a miss; present
   * but different is an access (expiry for access applies); equal goes on to {@code then}.
   */
  private Change<Boolean> ifCurrentEquals(byte[] current, V expected, boolean[] present,
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

  @Override
  public boolean remove(K key) {
    checkOpen();
    requireKey(key);
    long start = System.nanoTime();
    deleteThrough(key);
    byte[] redisKey = writeKey(key);
    boolean removed = false;
    try {
      if (events.hasListenersFor(EventType.REMOVED)) {
        V old = decode(store.getAndDelete(redisKey));
        removed = old != null;
        if (removed) {
          events.removed(key, old);
        }
      } else {
        removed = store.delete(redisKey);
      }
    } catch (RedisOperationException e) {
      failures.removalFailed(redisKey, e);
    } finally {
      nearInvalidate(key);
    }
    if (removed && statsOn()) {
      statistics.recordRemovals(1);
      statistics.recordRemoveTimeNanos(System.nanoTime() - start);
    }
    return removed;
  }

  @Override
  public boolean remove(K key, V oldValue) {
    checkOpen();
    requireKey(key);
    Objects.requireNonNull(oldValue, "oldValue");
    long start = System.nanoTime();
    byte[] redisKey = writeKey(key);
    boolean[] present = new boolean[1];
    boolean removed = false;
    try {
      removed = cas.run(redisKey, current -> ifCurrentEquals(current, oldValue, present, old -> {
        deleteThrough(key);
        return Change.delete(true, () -> events.removed(key, old));
      }));
    } catch (RedisOperationException e) {
      failures.writeFailed(redisKey, e);
    } finally {
      nearInvalidate(key);
    }
    if (statsOn()) {
      recordGetOutcome(present[0], start);
      if (removed) {
        statistics.recordRemovals(1);
        statistics.recordRemoveTimeNanos(System.nanoTime() - start);
      }
    }
    return removed;
  }

  @Override
  public V getAndRemove(K key) {
    checkOpen();
    requireKey(key);
    long start = System.nanoTime();
    deleteThrough(key);
    byte[] redisKey = writeKey(key);
    V old = null;
    try {
      old = decode(store.getAndDelete(redisKey));
    } catch (RedisOperationException e) {
      failures.removalFailed(redisKey, e);
    } finally {
      nearInvalidate(key);
    }
    if (old != null) {
      events.removed(key, old);
    }
    if (statsOn()) {
      recordGetOutcome(old != null, start);
      if (old != null) {
        statistics.recordRemovals(1);
        statistics.recordRemoveTimeNanos(System.nanoTime() - start);
      }
    }
    return old;
  }

  @Override
  public void removeAll(Set<? extends K> keySet) {
    checkOpen();
    requireKeys(keySet);
    Set<K> toRemove = new LinkedHashSet<>(keySet);
    CacheWriterException failure = null;
    if (isWriteThrough() && !toRemove.isEmpty()) {
      Set<K> pending = new LinkedHashSet<>(toRemove);
      try {
        writer.deleteAll(pending);
        pending.clear();
      } catch (Exception e) {
        failure = e instanceof CacheWriterException cwe ? cwe : new CacheWriterException("Exception in CacheWriter", e);
      }
      toRemove.removeAll(pending);
    }
    removeFromRedis(new ArrayList<>(toRemove));
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public void removeAll() {
    checkOpen();
    CacheWriterException failure = null;
    Iterator<byte[]> scan;
    try {
      scan = store.scan(layout.entryPattern());
    } catch (RedisOperationException e) {
      failures.clearFailed(e);
      return;
    }
    List<K> batch = new ArrayList<>();
    while (scan.hasNext()) {
      K key = decodeKey(scan.next());
      if (key != null) {
        batch.add(key);
      }
      if (batch.size() == 500 || !scan.hasNext()) {
        CacheWriterException batchFailure = removeBatch(batch);
        failure = failure == null ? batchFailure : failure;
        batch = new ArrayList<>();
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private CacheWriterException removeBatch(List<K> batch) {
    List<K> toRemove = new ArrayList<>(batch);
    CacheWriterException failure = null;
    if (isWriteThrough() && !toRemove.isEmpty()) {
      Set<K> pending = new LinkedHashSet<>(toRemove);
      try {
        writer.deleteAll(pending);
        pending.clear();
      } catch (Exception e) {
        failure = e instanceof CacheWriterException cwe ? cwe : new CacheWriterException("Exception in CacheWriter", e);
      }
      toRemove.removeAll(pending);
    }
    removeFromRedis(toRemove);
    return failure;
  }

  private void removeFromRedis(List<K> toRemove) {
    if (toRemove.isEmpty()) {
      return;
    }
    long start = System.nanoTime();
    List<byte[]> redisKeys = new ArrayList<>(toRemove.size());
    for (K key : toRemove) {
      redisKeys.add(writeKey(key));
    }
    long removed = 0;
    try {
      if (events.hasListenersFor(EventType.REMOVED)) {
        List<byte[]> old = store.getAndDeleteAll(redisKeys);
        for (int i = 0; i < toRemove.size(); i++) {
          V value = decode(old.get(i));
          if (old.get(i) != null) {
            removed++;
          }
          if (value != null) {
            events.removed(toRemove.get(i), value);
          }
        }
      } else {
        removed = store.deleteAll(redisKeys);
      }
    } catch (RedisOperationException e) {
      redisKeys.forEach(k -> failures.removalFailed(k, e));
    } finally {
      toRemove.forEach(this::nearInvalidate);
    }
    if (statsOn() && removed > 0) {
      statistics.recordRemovals(removed);
      statistics.recordRemoveTimeNanos(System.nanoTime() - start);
    }
  }

  @Override
  public void clear() {
    checkOpen();
    try {
      purge();
    } catch (RedisOperationException e) {
      failures.clearFailed(e);
    }
  }

  /** Deletes every key of this cache, entries and companions, without events, writer calls or statistics. */
  public void purge() {
    if (near != null) {
      near.clear();
    }
    store.deleteMatching(layout.namespacePattern());
  }


  // ---------------------------------------------------------------- entry processors

  @Override
  public <T> T invoke(K key, EntryProcessor<K, V, T> processor, Object... arguments) {
    checkOpen();
    requireKey(key);
    Objects.requireNonNull(processor, "entryProcessor");
    long start = System.nanoTime();
    byte[] redisKey = redisKey(key);
    Object[] result = new Object[1];
    boolean[] counted = new boolean[1];
    try {
      cas.run(redisKey, current -> {
        V value = decode(current);
        if (statsOn() && !counted[0]) {
          counted[0] = true;
          recordGetOutcome(value != null, start);
        }
        ProcessorEntry<K, V> entry = new ProcessorEntry<>(key, value, isReadThrough() ? loader : null);
        try {
          result[0] = processor.process(entry, arguments);
        } catch (CacheException e) {
          throw e;
        } catch (Exception e) {
          throw new EntryProcessorException(e);
        }
        return processorChange(key, entry);
      });
    } catch (RedisOperationException e) {
      failures.writeFailed(redisKey, e);
    } finally {
      nearInvalidate(key);
    }
    @SuppressWarnings("unchecked")
    T t = (T) result[0];
    return t;
  }

  private Change<Void> processorChange(K key, ProcessorEntry<K, V> entry) {
    long start = System.nanoTime();
    V value = entry.value();
    switch (entry.operation()) {
      case ACCESS:
        return Change.touch(expiry.access(), null);
      case CREATE:
      case LOAD: {
        if (entry.operation() == ProcessorEntry.Operation.CREATE) {
          writeThrough(key, value);
        }
        long ttl = expiry.creation();
        if (ttl == Ttl.EXPIRED) {
          return Change.none(null);
        }
        boolean countPut = entry.operation() == ProcessorEntry.Operation.CREATE;
        return Change.set(encode(value), ttl, null, () -> {
          events.created(key, value);
          if (countPut && statsOn()) {
            statistics.recordPuts(1);
            statistics.recordPutTimeNanos(System.nanoTime() - start);
          }
        });
      }
      case UPDATE: {
        V old = entry.current();
        writeThrough(key, value);
        return Change.set(encode(value), expiry.update(), null, () -> {
          publishUpdated(key, value, old);
          if (statsOn()) {
            statistics.recordPuts(1);
            statistics.recordPutTimeNanos(System.nanoTime() - start);
          }
        });
      }
      case REMOVE: {
        deleteThrough(key);
        V old = entry.current();
        if (old == null) {
          return Change.none(null);
        }
        return Change.delete(null, () -> {
          events.removed(key, old);
          if (statsOn()) {
            statistics.recordRemovals(1);
            statistics.recordRemoveTimeNanos(System.nanoTime() - start);
          }
        });
      }
      default:
        return Change.none(null);
    }
  }

  @Override
  public <T> Map<K, EntryProcessorResult<T>> invokeAll(Set<? extends K> keySet, EntryProcessor<K, V, T> processor,
      Object... arguments) {
    checkOpen();
    requireKeys(keySet);
    Objects.requireNonNull(processor, "entryProcessor");
    Map<K, EntryProcessorResult<T>> results = new HashMap<>();
    for (K key : keySet) {
      try {
        T result = invoke(key, processor, arguments);
        if (result != null) {
          results.put(key, new ProcessorResult<>(result, null));
        }
      } catch (Exception e) {
        EntryProcessorException failure = e instanceof EntryProcessorException epe ? epe : new EntryProcessorException(e);
        results.put(key, new ProcessorResult<>(null, failure));
      }
    }
    return results;
  }

  // ---------------------------------------------------------------- iteration

  @Override
  public Iterator<Cache.Entry<K, V>> iterator() {
    checkOpen();
    return new EntryIterator<>(this, store.scan(layout.entryPattern()));
  }

  RedisStore store() {
    return store;
  }

  /** An entry handed out by the iterator: a hit, and an access for expiry. */
  void iterated(byte[] redisKey) {
    touch(redisKey);
    if (statsOn()) {
      statistics.recordHits(1);
    }
  }

  /** {@code iterator().remove()}: a removal through the writer, with its event and statistics. */
  void removeIterated(K key) {
    checkOpen();
    long start = System.nanoTime();
    deleteThrough(key);
    byte[] redisKey = writeKey(key);
    V old = null;
    try {
      old = decode(store.getAndDelete(redisKey));
    } catch (RedisOperationException e) {
      failures.removalFailed(redisKey, e);
    } finally {
      nearInvalidate(key);
    }
    if (old != null) {
      events.removed(key, old);
      if (statsOn()) {
        statistics.recordRemovals(1);
        statistics.recordRemoveTimeNanos(System.nanoTime() - start);
      }
    }
  }

  // ---------------------------------------------------------------- listeners, configuration, lifecycle

  @Override
  public void registerCacheEntryListener(CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
    checkOpen();
    Objects.requireNonNull(listenerConfiguration, "listener configuration");
    events.register(listenerConfiguration);
    configuration.addCacheEntryListenerConfiguration(listenerConfiguration);
  }

  @Override
  public void deregisterCacheEntryListener(CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
    checkOpen();
    Objects.requireNonNull(listenerConfiguration, "listener configuration");
    events.deregister(listenerConfiguration);
    configuration.removeCacheEntryListenerConfiguration(listenerConfiguration);
  }

  @Override
  public <C extends Configuration<K, V>> C getConfiguration(Class<C> clazz) {
    // A copy: what a caller does to it must not change this cache (the spec asks for an immutable value).
    AsideConfiguration<K, V> copy = new AsideConfiguration<>(configuration);
    if (clazz.isInstance(copy)) {
      return clazz.cast(copy);
    }
    throw new IllegalArgumentException("The configuration of cache " + name + " is not a " + clazz.getName());
  }

  /** Turns statistics on or off, registering or unregistering the statistics MXBean. */
  public void setStatisticsEnabled(boolean enabled) {
    configuration.setStatisticsEnabled(enabled);
    if (near != null) {
      near.countHits(enabled);
    }
    if (enabled) {
      MBeanRegistrar.register(statistics, MBeanKind.STATISTICS, managerUriForJmx, name);
    } else {
      MBeanRegistrar.unregister(MBeanKind.STATISTICS, managerUriForJmx, name);
    }
  }

  /** Turns management on or off, registering or unregistering the configuration MXBean. */
  public void setManagementEnabled(boolean enabled) {
    configuration.setManagementEnabled(enabled);
    if (enabled) {
      MBeanRegistrar.register(new CacheConfigurationMXBean(() -> configuration), MBeanKind.CONFIGURATION,
          managerUriForJmx, name);
    } else {
      MBeanRegistrar.unregister(MBeanKind.CONFIGURATION, managerUriForJmx, name);
    }
  }

  /** The JCache statistics of this cache (also published as an MXBean while statistics are enabled). */
  public CacheStatistics statistics() {
    return statistics;
  }

  /** Reads whose bytes did not decode (foreign, corrupt or disallowed) and were treated as misses. */
  public long undecodableReads() {
    return readPath.getUndecodableReads();
  }

  /** The near cache's metrics (hits, misses, invalidations, stale fills dropped…), or null without a near cache. */
  public dev.aside.near.NearCacheMetrics nearCacheMetrics() {
    return near == null ? null : near.metrics();
  }

  /** The read-path metrics of this cache (loads, coalesced waits, leases, negative hits, refreshes…), also on JMX. */
  public ReadPathMetrics readPathMetrics() {
    return readPath;
  }

  @Override
  public String getName() {
    return name;
  }

  @Override
  public CacheManager getCacheManager() {
    return manager;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    MBeanRegistrar.unregister(MBeanKind.STATISTICS, managerUriForJmx, name);
    MBeanRegistrar.unregister(MBeanKind.CONFIGURATION, managerUriForJmx, name);
    MBeanRegistrar.unregister(MBeanKind.READ_PATH, managerUriForJmx, name);
    MBeanRegistrar.unregister(MBeanKind.NEAR_CACHE, managerUriForJmx, name);
    if (near != null) {
      near.close();
    }
    closeQuietly(loader);
    closeQuietly(writer);
    closeQuietly(expiry.policy());
    events.close();
    onClose.run();
  }

  private static void closeQuietly(Object resource) {
    if (resource instanceof Closeable closeable) {
      try {
        closeable.close();
      } catch (IOException | RuntimeException e) {
        log.warn("Could not close {}", resource.getClass().getName(), e);
      }
    }
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    if (clazz.isAssignableFrom(getClass())) {
      return clazz.cast(this);
    }
    throw new IllegalArgumentException("Cannot unwrap cache " + name + " to " + clazz.getName());
  }

  @Override
  public String toString() {
    return "AsideCache[" + name + " at " + layout.namespace() + "]";
  }

  // ---------------------------------------------------------------- helpers

  private byte[] redisKey(K key) {
    return layout.entryKey(keys.encode(key));
  }

  private List<byte[]> redisKeys(Collection<K> keyList) {
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
      log.debug("Treating an undecodable value in cache {} as a miss: {}", name, e.getMessage());
      return null;
    }
  }

  /**
   * Voids the entry's lease ahead of a write or removal (pipelined, so it reaches Redis first): a
   * read-through fill racing with this write is then rejected instead of storing an older value.
   */
  private byte[] writeKey(K key) {
    nearInvalidate(key);
    byte[] redisKey = redisKey(key);
    voidLease(redisKey);
    return redisKey;
  }

  private void voidLease(byte[] redisKey) {
    if (readThrough != null && readThrough.usesLeases()) {
      store.voidLeaseAsync(redisKey);
    }
  }

  /** Applies the access TTL after a hit, when the policy asks for one. */
  private void touch(byte[] redisKey) {
    if (expiry.touchesOnAccess()) {
      long ttl = expiry.access();
      if (ttl != Ttl.KEEP) {
        store.expireAsync(redisKey, ttl);
      }
    }
  }

  /** The near cache's key: the key itself for simple key types, else its text (see the manager's nearKeyOf). */
  private Object nearKey(K key) {
    return nearByKeyObject ? key : keys.encode(key);
  }

  /** A value from the near cache, or null: absent, not live, or bytes that do not decode. */
  private V nearHit(K key) {
    NearCache.Hit<V> hit = near.get(nearKey(key));
    return hit == null ? null : hit.value(decoder);
  }

  /** Drops this JVM's near entry after its own write, so it reads its writes. */
  private void nearInvalidate(K key) {
    if (near != null) {
      near.invalidate(nearKey(key));
    }
  }

  /** Encodes a value to store, refusing one above the cache's maximum size before anything is sent. */
  private byte[] encode(V value) {
    byte[] bytes = values.encode(value);
    if (bytes.length > maxValueBytes) {
      throw new IllegalArgumentException("A value of " + bytes.length + " bytes exceeds the maximum of " + maxValueBytes
          + " bytes (max-value-size) of cache " + name);
    }
    return bytes;
  }

  private void publishWrite(K key, V value, PutResult result) {
    if (result.outcome() == Outcome.CREATED) {
      events.created(key, value);
    } else if (result.outcome() != Outcome.UNCHANGED) {
      publishUpdated(key, value, decode(result.previous()));
    }
  }

  private void publishUpdated(K key, V value, V old) {
    events.updated(key, value, old);
  }

  private void writeThrough(K key, V value) {
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

  private void deleteThrough(K key) {
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

  private boolean isReadThrough() {
    return loader != null && configuration.isReadThrough();
  }

  private boolean isWriteThrough() {
    return writer != null && configuration.isWriteThrough();
  }

  private boolean statsOn() {
    return configuration.isStatisticsEnabled();
  }

  private void recordHit(long start) {
    if (statsOn()) {
      statistics.recordHits(1);
      statistics.recordGetTimeNanos(System.nanoTime() - start);
    }
  }

  private void recordGetOutcome(boolean hit, long start) {
    if (hit) {
      statistics.recordHits(1);
    } else {
      statistics.recordMisses(1);
    }
    statistics.recordGetTimeNanos(System.nanoTime() - start);
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("Cache " + name + " is closed");
    }
  }

  private void requireKey(K key) {
    Objects.requireNonNull(key, "key");
  }

  private void requireKeys(Set<? extends K> keySet) {
    Objects.requireNonNull(keySet, "keys");
    for (K key : keySet) {
      Objects.requireNonNull(key, "keys contains a null");
    }
  }

  private void requireEntry(K key, V value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    checkTypes(key, value);
  }

  private void checkTypes(K key, V value) {
    if (keyType != Object.class && !keyType.isInstance(key)) {
      throw new ClassCastException("Key " + key.getClass().getName() + " is not a " + keyType.getName());
    }
    if (valueType != Object.class && !valueType.isInstance(value)) {
      throw new ClassCastException("Value " + value.getClass().getName() + " is not a " + valueType.getName());
    }
  }

  /** The completion listener used when {@code loadAll} is given none. */
  private enum NoCompletion implements CompletionListener {
    INSTANCE;

    @Override
    public void onCompletion() {}

    @Override
    public void onException(Exception e) {
      log.warn("loadAll failed", e);
    }
  }
}
