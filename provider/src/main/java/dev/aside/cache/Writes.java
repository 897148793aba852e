package dev.aside.cache;

import dev.aside.cache.CompareAndSet.Change;
import dev.aside.codec.ValueCodec;
import dev.aside.event.EventDispatcher;
import dev.aside.expiry.ExpiryTimes;
import dev.aside.load.ReadThrough;
import dev.aside.management.CacheStatistics;
import dev.aside.redis.RedisOperationException;
import dev.aside.redis.RedisStore;
import dev.aside.redis.RedisStore.Outcome;
import dev.aside.redis.RedisStore.PutResult;
import dev.aside.redis.Ttl;
import dev.aside.resilience.FailurePolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.cache.Cache;
import javax.cache.event.EventType;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;

/** The write operations of a cache: puts, replaces, and storing what {@code loadAll} loaded. */
final class Writes<K, V> {
  private final CacheContext<K, V> context;
  private final RedisStore store;
  private final ValueCodec<V> values;
  private final ExpiryTimes expiry;
  private final EventDispatcher<K, V> events;
  private final CacheStatistics statistics;
  private final FailurePolicy failures;
  private final CompareAndSet cas;
  private final ReadThrough<K, V> readThrough;
  private final CacheWriter<K, V> writer;
  private final int maxValueBytes;

  Writes(CacheContext<K, V> context) {
    this.context = Objects.requireNonNull(context);
    this.store = context.store;
    this.values = context.values;
    this.expiry = context.expiry;
    this.events = context.events;
    this.statistics = context.statistics;
    this.failures = context.failures;
    this.cas = context.cas;
    this.readThrough = context.readThrough;
    this.writer = context.writer;
    this.maxValueBytes = context.maxValueBytes;
  }

  void put(K key, V value) {
    context.checkOpen();
    context.requireEntry(key, value);
    long start = System.nanoTime();
    context.writeThrough(key, value);
    byte[] redisKey = context.writeKey(key);
    byte[] bytes = context.encode(value);
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
          context.publishWrite(key, value, result);
          stored = result.outcome() != Outcome.UNCHANGED;
        }
      } else {
        stored = cas.run(redisKey, current -> writeChange(key, value, bytes, current));
      }
    } catch (RedisOperationException e) {
      failures.writeFailed(redisKey, e);
    } finally {
      context.nearInvalidate(key);
    }
    if (stored && context.statsOn()) {
      context.recordPut(start);
    }
  }

  V getAndPut(K key, V value) {
    context.checkOpen();
    context.requireEntry(key, value);
    long start = System.nanoTime();
    context.writeThrough(key, value);
    byte[] redisKey = context.writeKey(key);
    byte[] bytes = context.encode(value);
    V old = null;
    boolean stored = false;
    try {
      if (expiry.isPredictable()) {
        PutResult result = store.put(redisKey, bytes, expiry.creation(), expiry.update(), 'A', true);
        old = context.decode(result.previous());
        stored = result.outcome() != Outcome.UNCHANGED;
        if (result.outcome() == Outcome.CREATED) {
          events.created(key, value);
        } else if (stored) {
          context.publishUpdated(key, value, old);
        }
      } else {
        Object[] previous = new Object[1];
        stored = cas.run(redisKey, current -> {
          previous[0] = context.decode(current);
          return writeChange(key, value, bytes, current);
        });
        @SuppressWarnings("unchecked")
        V p = (V) previous[0];
        old = p;
      }
    } catch (RedisOperationException e) {
      failures.writeFailed(redisKey, e);
    } finally {
      context.nearInvalidate(key);
    }
    context.recordReadAndPut(old != null, stored, start);
    return old;
  }

  /** The general-path decision of a put: create or update, with the TTL the policy gives for that case. */
  Change<Boolean> writeChange(K key, V value, byte[] bytes, byte[] current) {
    if (current == null) {
      long ttl = expiry.creation();
      return ttl == Ttl.EXPIRED ? Change.none(false) : Change.set(bytes, ttl, true, () -> events.created(key, value));
    }
    V old = context.decode(current);
    return Change.set(bytes, expiry.update(), true, () -> context.publishUpdated(key, value, old));
  }

  void putAll(Map<? extends K, ? extends V> map) {
    context.checkOpen();
    Objects.requireNonNull(map, "map");
    for (Map.Entry<? extends K, ? extends V> entry : map.entrySet()) {
      context.requireEntry(entry.getKey(), entry.getValue());
    }
    long start = System.nanoTime();
    Map<K, V> toStore = new LinkedHashMap<>(map);
    CacheWriterException failure = null;
    if (context.isWriteThrough() && !toStore.isEmpty()) {
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
      context.encode(value);   // refuse an oversized value before anything is sent
    }
    try {
      putAllToRedis(toStore);
    } catch (RedisOperationException e) {
      for (K key : toStore.keySet()) {
        failures.writeFailed(context.redisKey(key), e);
      }
    } finally {
      toStore.keySet().forEach(context::nearInvalidate);
    }
    if (context.statsOn() && !toStore.isEmpty()) {
      statistics.recordPutTimeNanos(System.nanoTime() - start);
    }
    if (failure != null) {
      throw failure;
    }
  }

  void putAllToRedis(Map<K, V> toStore) {
    long single = expiry.anyWrite();
    if (single != Long.MIN_VALUE && !events.hasListeners()) {
      List<byte[]> redisKeys = new ArrayList<>(toStore.size());
      List<byte[]> encoded = new ArrayList<>(toStore.size());
      toStore.forEach((k, v) -> {
        redisKeys.add(context.writeKey(k));
        encoded.add(context.encode(v));
      });
      store.setAll(redisKeys, encoded, single);
      if (context.statsOn()) {
        statistics.recordPuts(toStore.size());
      }
    } else {
      for (Map.Entry<K, V> entry : toStore.entrySet()) {
        K key = entry.getKey();
        V value = entry.getValue();
        byte[] redisKey = context.writeKey(key);
        byte[] bytes = context.encode(value);
        boolean stored;
        if (expiry.isPredictable()) {
          PutResult result = store.put(redisKey, bytes, expiry.creation(), expiry.update(), 'A',
              events.hasListenersFor(EventType.UPDATED));
          context.publishWrite(key, value, result);
          stored = result.outcome() != Outcome.UNCHANGED;
        } else {
          stored = cas.run(redisKey, current -> writeChange(key, value, bytes, current));
        }
        if (stored && context.statsOn()) {
          statistics.recordPuts(1);
        }
      }
    }
  }

  boolean putIfAbsent(K key, V value) {
    context.checkOpen();
    context.requireEntry(key, value);
    long start = System.nanoTime();
    byte[] redisKey = context.writeKey(key);
    byte[] bytes = context.encode(value);
    boolean stored = false;
    try {
      if (expiry.isPredictable() && !context.isWriteThrough()) {
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
          context.writeThrough(key, value);
          long ttl = expiry.creation();
          return ttl == Ttl.EXPIRED ? Change.none(false) : Change.set(bytes, ttl, true, () -> events.created(key, value));
        });
      }
    } catch (RedisOperationException e) {
      failures.writeFailed(redisKey, e);
    } finally {
      context.nearInvalidate(key);
    }
    if (context.statsOn()) {
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

  boolean replace(K key, V value) {
    return getAndReplace(key, value, false) != null;
  }

  V getAndReplace(K key, V value) {
    return getAndReplace(key, value, true);
  }

  /** Replaces a present entry; returns its previous value (a stand-in non-null marker when not {@code wantOld}). */
  @SuppressWarnings("unchecked")
  V getAndReplace(K key, V value, boolean wantOld) {
    context.checkOpen();
    context.requireEntry(key, value);
    long start = System.nanoTime();
    byte[] redisKey = context.writeKey(key);
    byte[] bytes = context.encode(value);
    Object[] previous = new Object[1];
    boolean replaced = false;
    try {
      if (expiry.isPredictable() && !context.isWriteThrough()) {
        PutResult result = store.put(redisKey, bytes, Ttl.EXPIRED, expiry.update(), 'X',
            wantOld || events.hasListenersFor(EventType.UPDATED));
        replaced = result.outcome() != Outcome.UNCHANGED;
        if (replaced) {
          previous[0] = result.previous() == null ? null : context.decode(result.previous());
          context.publishUpdated(key, value, (V) previous[0]);
        }
      } else {
        replaced = cas.run(redisKey, current -> {
          if (current == null) {
            return Change.none(false);
          }
          V old = context.decode(current);
          previous[0] = old;
          context.writeThrough(key, value);
          return Change.set(bytes, expiry.update(), true, () -> context.publishUpdated(key, value, old));
        });
      }
    } catch (RedisOperationException e) {
      failures.writeFailed(redisKey, e);
    } finally {
      context.nearInvalidate(key);
    }
    context.recordReadAndPut(replaced, replaced, start);
    if (!replaced) {
      return null;
    }
    return wantOld ? (V) previous[0] : value;
  }

  boolean replace(K key, V oldValue, V newValue) {
    context.checkOpen();
    context.requireKey(key);
    Objects.requireNonNull(oldValue, "oldValue");
    Objects.requireNonNull(newValue, "newValue");
    context.checkTypes(key, newValue);
    long start = System.nanoTime();
    byte[] redisKey = context.writeKey(key);
    byte[] bytes = context.encode(newValue);
    boolean[] present = new boolean[1];
    boolean replaced = false;
    try {
      replaced = cas.run(redisKey, current -> context.ifCurrentEquals(current, oldValue, present, old -> {
        context.writeThrough(key, newValue);
        return Change.set(bytes, expiry.update(), true, () -> context.publishUpdated(key, newValue, old));
      }));
    } catch (RedisOperationException e) {
      failures.writeFailed(redisKey, e);
    } finally {
      context.nearInvalidate(key);
    }
    context.recordReadAndPut(present[0], replaced, start);
    return replaced;
  }

  /** Stores a value from {@code loadAll}: no writer call and no put statistics, since a load is not a put. */
  void storeLoaded(K key, V value, boolean replace) {
    byte[] redisKey = context.writeKey(key);
    byte[] bytes = values.encode(value);
    if (bytes.length > maxValueBytes) {
      return;
    }
    try {
      storeLoaded(key, value, redisKey, bytes, replace);
    } catch (RedisOperationException e) {
      failures.writeFailed(redisKey, e);
    } finally {
      context.nearInvalidate(key);
    }
  }

  void storeLoaded(K key, V value, byte[] redisKey, byte[] bytes, boolean replace) {
    if (expiry.isPredictable()) {
      PutResult result = store.put(redisKey, bytes, expiry.creation(), expiry.update(), replace ? 'A' : 'N',
          events.hasListenersFor(EventType.UPDATED));
      context.publishWrite(key, value, result);
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
      V old = context.decode(current);
      return Change.set(bytes, expiry.update(), null, () -> context.publishUpdated(key, value, old));
    });
  }
}
