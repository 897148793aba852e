package dev.aside.cache;

import dev.aside.cache.CompareAndSet.Change;
import dev.aside.event.EventDispatcher;
import dev.aside.management.CacheStatistics;
import dev.aside.near.NearCache;
import dev.aside.redis.KeyLayout;
import dev.aside.redis.RedisOperationException;
import dev.aside.redis.RedisStore;
import dev.aside.resilience.FailurePolicy;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.cache.event.EventType;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;

/** The removal operations of a cache: removes, {@code removeAll}, {@code clear}, purge and the iterator's remove. */
final class Removals<K, V> {
  private final CacheContext<K, V> context;
  private final RedisStore store;
  private final KeyLayout layout;
  private final NearCache<Object, V> near;
  private final EventDispatcher<K, V> events;
  private final CacheStatistics statistics;
  private final FailurePolicy failures;
  private final CompareAndSet cas;
  private final CacheWriter<K, V> writer;

  Removals(CacheContext<K, V> context) {
    this.context = Objects.requireNonNull(context);
    this.store = context.store;
    this.layout = context.layout;
    this.near = context.near;
    this.events = context.events;
    this.statistics = context.statistics;
    this.failures = context.failures;
    this.cas = context.cas;
    this.writer = context.writer;
  }

  boolean remove(K key) {
    context.checkOpen();
    context.requireKey(key);
    long start = System.nanoTime();
    context.deleteThrough(key);
    byte[] redisKey = context.writeKey(key);
    boolean removed = false;
    try {
      if (events.hasListenersFor(EventType.REMOVED)) {
        V old = context.decode(store.getAndDelete(redisKey));
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
      context.nearInvalidate(key);
    }
    if (removed && context.statsOn()) {
      context.recordRemoval(start);
    }
    return removed;
  }

  boolean remove(K key, V oldValue) {
    context.checkOpen();
    context.requireKey(key);
    Objects.requireNonNull(oldValue, "oldValue");
    long start = System.nanoTime();
    byte[] redisKey = context.writeKey(key);
    boolean[] present = new boolean[1];
    boolean removed = false;
    try {
      removed = cas.run(redisKey, current -> context.ifCurrentEquals(current, oldValue, present, old -> {
        context.deleteThrough(key);
        return Change.delete(true, () -> events.removed(key, old));
      }));
    } catch (RedisOperationException e) {
      failures.writeFailed(redisKey, e);
    } finally {
      context.nearInvalidate(key);
    }
    context.recordReadAndRemoval(present[0], removed, start);
    return removed;
  }

  V getAndRemove(K key) {
    context.checkOpen();
    context.requireKey(key);
    long start = System.nanoTime();
    V old = removeReturningOld(key);
    context.recordReadAndRemoval(old != null, old != null, start);
    return old;
  }

  void removeAll(Set<? extends K> keySet) {
    context.checkOpen();
    context.requireKeys(keySet);
    CacheWriterException failure = removeBatch(new ArrayList<>(keySet));
    if (failure != null) {
      throw failure;
    }
  }

  void removeAll() {
    context.checkOpen();
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
      K key = context.decodeKey(scan.next());
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

  CacheWriterException removeBatch(List<K> batch) {
    List<K> toRemove = new ArrayList<>(batch);
    CacheWriterException failure = null;
    if (context.isWriteThrough() && !toRemove.isEmpty()) {
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

  void removeFromRedis(List<K> toRemove) {
    if (toRemove.isEmpty()) {
      return;
    }
    long start = System.nanoTime();
    List<byte[]> redisKeys = new ArrayList<>(toRemove.size());
    for (K key : toRemove) {
      redisKeys.add(context.writeKey(key));
    }
    long removed = 0;
    try {
      if (events.hasListenersFor(EventType.REMOVED)) {
        List<byte[]> old = store.getAndDeleteAll(redisKeys);
        for (int i = 0; i < toRemove.size(); i++) {
          V value = context.decode(old.get(i));
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
      toRemove.forEach(context::nearInvalidate);
    }
    if (context.statsOn() && removed > 0) {
      statistics.recordRemovals(removed);
      statistics.recordRemoveTimeNanos(System.nanoTime() - start);
    }
  }

  void clear() {
    context.checkOpen();
    try {
      purge();
    } catch (RedisOperationException e) {
      failures.clearFailed(e);
    }
  }

  /** Deletes every key of this cache, entries and companions, without events, writer calls or statistics. */
  void purge() {
    if (near != null) {
      near.clear();
    }
    store.deleteMatching(layout.namespacePattern());
  }

  /** {@code iterator().remove()}: a removal through the writer, with its event and statistics. */
  void removeIterated(K key) {
    context.checkOpen();
    long start = System.nanoTime();
    V old = removeReturningOld(key);
    if (old != null && context.statsOn()) {
      context.recordRemoval(start);
    }
  }

  /**
   * Removes one entry and answers its previous value: the writer first, then {@code GETDEL}; a Redis
   * failure is queued for replay; the REMOVED event follows a removal.
   */
  private V removeReturningOld(K key) {
    context.deleteThrough(key);
    byte[] redisKey = context.writeKey(key);
    V old = null;
    try {
      old = context.decode(store.getAndDelete(redisKey));
    } catch (RedisOperationException e) {
      failures.removalFailed(redisKey, e);
    } finally {
      context.nearInvalidate(key);
    }
    if (old != null) {
      events.removed(key, old);
    }
    return old;
  }
}
