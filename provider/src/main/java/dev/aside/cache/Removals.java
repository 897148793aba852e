package dev.aside.cache;

import dev.aside.cache.Mutations.Done;
import dev.aside.codec.EntryKey;
import dev.aside.event.EventDispatcher;
import dev.aside.near.NearCache;
import dev.aside.redis.KeyLayout;
import dev.aside.redis.RedisOperationException;
import dev.aside.redis.RedisStore;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.cache.event.EventType;
import javax.cache.integration.CacheWriterException;

/**
 * The removal operations of a cache: removes, {@code removeAll}, {@code clear}, purge and the
 * iterator's remove. Single-entry removals are rows of {@link Operation} run by {@link Mutations}.
 */
final class Removals<K, V> {
  private static final int BATCH = 500;

  private final Mutations<K, V> mutations;
  private final Changes<K, V> changes;
  private final Arguments<K, V> arguments;
  private final EntryCodec<K, V> entries;
  private final RedisStore store;
  private final KeyLayout layout;
  private final NearCache<Object, V> near;
  private final EventDispatcher<K, V> events;
  private final WriterAdapter<K, V> writer;
  private final Runnable openCheck;

  Removals(Mutations<K, V> mutations, Changes<K, V> changes, Arguments<K, V> arguments, EntryCodec<K, V> entries,
      RedisStore store, KeyLayout layout, NearCache<Object, V> near, EventDispatcher<K, V> events,
      WriterAdapter<K, V> writer, Runnable openCheck) {
    this.mutations = Objects.requireNonNull(mutations);
    this.changes = Objects.requireNonNull(changes);
    this.arguments = Objects.requireNonNull(arguments);
    this.entries = Objects.requireNonNull(entries);
    this.store = Objects.requireNonNull(store);
    this.layout = Objects.requireNonNull(layout);
    this.near = near;
    this.events = Objects.requireNonNull(events);
    this.writer = Objects.requireNonNull(writer);
    this.openCheck = Objects.requireNonNull(openCheck);
  }

  /** Without a REMOVED listener a plain {@code DEL}; with one, {@code GETDEL}, for the event's old value. */
  boolean remove(K key) {
    return mutations.applyOneCommand(Operation.REMOVE, key, null, null, (entryKey, none) -> {
      if (!events.hasListenersFor(EventType.REMOVED)) {
        boolean removed = store.delete(entryKey.redisKey());
        return new Done<V>(null, removed, removed);
      }
      return getAndDelete(key, entryKey);
    }).changed();
  }

  boolean remove(K key, V oldValue) {
    return mutations.applyDecision(Operation.REMOVE_IF_EQUALS, key, null, oldValue,
        (entryKey, current, none) -> changes.removeIfEquals(entryKey, key, oldValue, current)).changed();
  }

  V getAndRemove(K key) {
    return mutations.applyOneCommand(Operation.GET_AND_REMOVE, key, null, null,
        (entryKey, none) -> getAndDelete(key, entryKey)).answer();
  }

  /** {@code iterator().remove()}: a removal through the writer, with its event and statistics. */
  void removeIterated(K key) {
    mutations.applyOneCommand(Operation.REMOVE_ITERATED, key, null, null,
        (entryKey, none) -> getAndDelete(key, entryKey));
  }

  /** {@code GETDEL}, then the REMOVED event if there was a value. */
  private Done<V> getAndDelete(K key, EntryKey entryKey) {
    V old = entries.decode(entryKey, store.getAndDelete(entryKey.redisKey()));
    if (old != null) {
      events.removed(key, old);
    }
    return new Done<>(old, old != null, old != null);
  }

  void removeAll(Set<? extends K> keySet) {
    openCheck.run();
    arguments.requireKeys(keySet);
    CacheWriterException failure = removeBatch(new ArrayList<>(keySet));
    if (failure != null) {
      throw failure;
    }
  }

  void removeAll() {
    openCheck.run();
    CacheWriterException failure = null;
    Iterator<byte[]> scan;
    try {
      scan = store.scan(layout.entryPattern());
    } catch (RedisOperationException e) {
      mutations.clearFailed(e);
      return;
    }
    List<byte[]> batch = new ArrayList<>();
    try {
      while (scan.hasNext()) {
        batch.add(scan.next());
        if (batch.size() == BATCH || !scan.hasNext()) {
          CacheWriterException batchFailure = removeBatch(keysOf(batch));
          failure = failure == null ? batchFailure : failure;
          batch = new ArrayList<>();
        }
      }
    } catch (RedisOperationException e) {
      mutations.clearFailed(e);       // the walk broke off (a node failed midway): the rest is cleared on recovery
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** The cache keys of scanned Redis keys; a hashed key's is in its value, read for it (an entry gone meanwhile is skipped). */
  private List<K> keysOf(List<byte[]> redisKeys) {
    List<byte[]> hashed = new ArrayList<>();
    boolean[] isHashed = new boolean[redisKeys.size()];
    for (int i = 0; i < redisKeys.size(); i++) {
      isHashed[i] = entries.isHashed(redisKeys.get(i));
      if (isHashed[i]) {
        hashed.add(redisKeys.get(i));
      }
    }
    List<byte[]> values = hashed.isEmpty() ? List.of() : store.getAll(hashed);
    List<K> keys = new ArrayList<>(redisKeys.size());
    int h = 0;
    for (int i = 0; i < redisKeys.size(); i++) {
      K key = entries.decodeKey(redisKeys.get(i), isHashed[i] ? values.get(h++) : null);
      if (key != null) {
        keys.add(key);
      }
    }
    return keys;
  }

  /** The writer deletes the batch first ({@code deleteAll}); keys it did not delete stay in the cache too. */
  private CacheWriterException removeBatch(List<K> batch) {
    List<K> toRemove = new ArrayList<>(batch);
    Set<K> pending = new LinkedHashSet<>();
    if (writer.isEnabled()) {
      pending.addAll(toRemove);
    }
    CacheWriterException failure = writer.deleteAll(pending);
    toRemove.removeAll(pending);
    removeFromRedis(toRemove);
    return failure;
  }

  /** Pipelined {@code UNLINK}s, or {@code GETDEL}s when a REMOVED listener needs the old values. */
  private void removeFromRedis(List<K> toRemove) {
    if (toRemove.isEmpty()) {
      return;
    }
    long start = System.nanoTime();
    List<EntryKey> entryKeys = new ArrayList<>(toRemove.size());
    List<byte[]> redisKeys = new ArrayList<>(toRemove.size());
    for (K key : toRemove) {
      EntryKey entryKey = mutations.prepareRemoval(key);
      entryKeys.add(entryKey);
      redisKeys.add(entryKey.redisKey());
    }
    long removed = 0;
    try {
      if (events.hasListenersFor(EventType.REMOVED)) {
        List<byte[]> old = store.getAndDeleteAll(redisKeys);
        for (int i = 0; i < toRemove.size(); i++) {
          V value = entries.decode(entryKeys.get(i), old.get(i));
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
      for (int i = 0; i < redisKeys.size(); i++) {
        if (e.failedAt(i)) {
          mutations.removalFailed(redisKeys.get(i), e);    // on a cluster, only the keys of the masters that failed
        }
      }
    } finally {
      toRemove.forEach(mutations::nearInvalidate);
    }
    if (mutations.countsStatistics() && removed > 0) {
      mutations.statistics().recordRemovals(removed);
      mutations.statistics().recordRemoveTimeNanos(System.nanoTime() - start);
    }
  }

  void clear() {
    openCheck.run();
    try {
      purge();
    } catch (RedisOperationException e) {
      mutations.clearFailed(e);
    }
  }

  /** Deletes every key of this cache, entries and companions, without events, writer calls or statistics. */
  void purge() {
    if (near != null) {
      near.clear();
    }
    mutations.clearGutter();
    store.deleteMatching(layout.namespacePattern());
  }
}
