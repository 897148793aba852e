package dev.aside.cache;

import dev.aside.cache.Mutations.Done;
import dev.aside.codec.EntryKey;
import dev.aside.event.EventDispatcher;
import dev.aside.expiry.ExpiryTimes;
import dev.aside.load.LoaderAdapter;
import dev.aside.redis.EntryTtl;
import dev.aside.redis.PutCondition;
import dev.aside.redis.RedisOperationException;
import dev.aside.redis.RedisStore;
import dev.aside.redis.RedisStore.Outcome;
import dev.aside.redis.RedisStore.PutResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import javax.cache.Cache;
import javax.cache.event.EventType;
import javax.cache.integration.CacheWriterException;
import javax.cache.integration.CompletionListener;

/**
 * The write operations of a cache: puts, replaces, and storing what {@code loadAll} loaded. Each is
 * its row in {@link Operation}, its one-command form and its decision ({@link Changes}); the rest is
 * {@link Mutations}.
 */
final class Writes<K, V> {
  private final Mutations<K, V> mutations;
  private final Changes<K, V> changes;
  private final Arguments<K, V> arguments;
  private final EntryCodec<K, V> entries;
  private final RedisStore store;
  private final ExpiryTimes expiry;
  private final EventDispatcher<K, V> events;
  private final WriterAdapter<K, V> writer;
  private final boolean tombstones;
  private final Runnable openCheck;

  Writes(Mutations<K, V> mutations, Changes<K, V> changes, Arguments<K, V> arguments, EntryCodec<K, V> entries,
      RedisStore store, ExpiryTimes expiry, EventDispatcher<K, V> events, WriterAdapter<K, V> writer,
      boolean tombstones, Runnable openCheck) {
    this.mutations = Objects.requireNonNull(mutations);
    this.changes = Objects.requireNonNull(changes);
    this.arguments = Objects.requireNonNull(arguments);
    this.entries = Objects.requireNonNull(entries);
    this.store = Objects.requireNonNull(store);
    this.expiry = Objects.requireNonNull(expiry);
    this.events = Objects.requireNonNull(events);
    this.writer = Objects.requireNonNull(writer);
    this.tombstones = tombstones;
    this.openCheck = Objects.requireNonNull(openCheck);
  }

  void put(K key, V value) {
    mutations.apply(Operation.PUT, key, value, null, (entryKey, bytes) -> putOne(key, value, entryKey, bytes),
        (entryKey, current, bytes) -> changes.put(entryKey, key, value, bytes, current));
  }

  V getAndPut(K key, V value) {
    return mutations.apply(Operation.GET_AND_PUT, key, value, null,
        (entryKey, bytes) -> putScript(key, value, entryKey, bytes, PutCondition.ALWAYS, true),
        (entryKey, current, bytes) -> changes.put(entryKey, key, value, bytes, current)).answer();
  }

  /** A put's one command: a plain {@code SET} when one TTL serves both cases and no listener needs to know which happened. */
  private Done<V> putOne(K key, V value, EntryKey entryKey, byte[] bytes) {
    if (expiry.writesOneTtl() && !events.hasListeners()) {
      store.set(entryKey.redisKey(), bytes, expiry.anyWrite());
      return new Done<>(null, false, true);
    }
    return putScript(key, value, entryKey, bytes, PutCondition.ALWAYS, events.hasListenersFor(EventType.UPDATED));
  }

  /** {@code put.lua} with the policy's creation and update TTLs, then the CREATED or UPDATED event. */
  private Done<V> putScript(K key, V value, EntryKey entryKey, byte[] bytes, PutCondition condition,
      boolean wantPrevious) {
    PutResult result = store.put(entryKey.redisKey(), bytes, expiry.creation(), expiry.update(), condition,
        wantPrevious);
    V old = entries.decode(entryKey, result.previous());
    boolean stored = result.outcome() != Outcome.UNCHANGED;
    if (result.outcome() == Outcome.CREATED) {
      events.created(key, value);
    } else if (stored) {
      events.updated(key, value, old);
    }
    return new Done<>(old, old != null, stored);
  }

  boolean putIfAbsent(K key, V value) {
    return mutations.apply(Operation.PUT_IF_ABSENT, key, value, null, (entryKey, bytes) -> {
      byte[] redisKey = entryKey.redisKey();
      EntryTtl ttl = expiry.creation();
      boolean stored;
      if (ttl.isExpired()) {
        stored = false;
      } else if (tombstones) {
        // A tombstone counts as absent, which SET NX would not know.
        stored = store.put(redisKey, bytes, ttl, EntryTtl.KEEP, PutCondition.IF_ABSENT, false).outcome()
            == Outcome.CREATED;
      } else {
        stored = store.setIfAbsent(redisKey, bytes, ttl);
      }
      if (stored) {
        events.created(key, value);
      }
      return new Done<V>(null, !stored, stored);
    }, (entryKey, current, bytes) -> changes.putIfAbsent(entryKey, key, value, bytes, current)).changed();
  }

  boolean replace(K key, V value) {
    return replace(key, value, false).changed();
  }

  V getAndReplace(K key, V value) {
    return replace(key, value, true).answer();
  }

  /** Replaces a present entry; the previous value is read back only when {@code wantOld} or a listener needs it. */
  private Done<V> replace(K key, V value, boolean wantOld) {
    return mutations.apply(Operation.REPLACE, key, value, null, (entryKey, bytes) -> {
      PutResult result = store.put(entryKey.redisKey(), bytes, EntryTtl.EXPIRED, expiry.update(), PutCondition.IF_PRESENT,
          wantOld || events.hasListenersFor(EventType.UPDATED));
      boolean replaced = result.outcome() != Outcome.UNCHANGED;
      V old = replaced ? entries.decode(entryKey, result.previous()) : null;
      if (replaced) {
        events.updated(key, value, old);
      }
      return new Done<>(old, replaced, replaced);
    }, (entryKey, current, bytes) -> changes.replace(entryKey, key, value, bytes, current));
  }

  boolean replace(K key, V oldValue, V newValue) {
    return mutations.applyDecision(Operation.REPLACE_IF_EQUALS, key, newValue, oldValue,
        (entryKey, current, bytes) -> changes.replaceIfEquals(entryKey, key, oldValue, newValue, bytes, current))
        .changed();
  }

  /*
   * putAll: the writer gets the whole map first (writeAll), and entries it did not write stay out of
   * the cache too. When one TTL serves every entry and no listener needs to know which entries were
   * created, one pipelined SET per entry; otherwise each entry is a PUT_OF_BATCH mutation.
   */
  void putAll(Map<? extends K, ? extends V> map) {
    openCheck.run();
    Objects.requireNonNull(map, "map");
    for (Map.Entry<? extends K, ? extends V> entry : map.entrySet()) {
      arguments.requireEntry(entry.getKey(), entry.getValue());
    }
    long start = System.nanoTime();
    Map<K, V> toStore = new LinkedHashMap<>(map);
    List<Cache.Entry<? extends K, ? extends V>> pending = new ArrayList<>();
    if (writer.isEnabled()) {
      toStore.forEach((k, v) -> pending.add(new AsideEntry<>(k, v)));
    }
    CacheWriterException failure = writer.writeAll(pending);
    for (Cache.Entry<? extends K, ? extends V> unwritten : pending) {
      toStore.remove(unwritten.getKey());
    }
    boolean oneSetEach = expiry.writesOneTtl() && !events.hasListeners();
    List<byte[]> encoded = new ArrayList<>(toStore.size());
    for (Map.Entry<K, V> entry : toStore.entrySet()) {
      // Refuse an oversized value before anything is sent.
      encoded.add(entries.encode(entries.entryKey(entry.getKey()), entry.getValue()));
    }
    if (oneSetEach) {
      setAll(toStore, encoded);
    } else {
      toStore.forEach((key, value) -> mutations.apply(Operation.PUT_OF_BATCH, key, value, null,
          (entryKey, bytes) -> putOne(key, value, entryKey, bytes),
          (entryKey, current, bytes) -> changes.put(entryKey, key, value, bytes, current)));
    }
    if (mutations.countsStatistics() && !toStore.isEmpty()) {
      mutations.statistics().recordPutTimeNanos(System.nanoTime() - start);
    }
    if (failure != null) {
      throw failure;
    }
  }

  private void setAll(Map<K, V> toStore, List<byte[]> encoded) {
    List<byte[]> redisKeys = new ArrayList<>(toStore.size());
    for (K key : toStore.keySet()) {
      redisKeys.add(mutations.prepareWrite(key).redisKey());
    }
    try {
      store.setAll(redisKeys, encoded, expiry.anyWrite());
      if (mutations.countsStatistics()) {
        mutations.statistics().recordPuts(toStore.size());
      }
    } catch (RedisOperationException e) {
      int stored = 0;
      for (int i = 0; i < redisKeys.size(); i++) {
        if (!e.failedAt(i)) {
          stored++;
        }
      }
      if (mutations.countsStatistics() && stored > 0) {
        mutations.statistics().recordPuts(stored);
      }
      RedisOperationException thrown = null;
      for (int i = 0; i < redisKeys.size(); i++) {
        if (e.failedAt(i)) {
          try {
            mutations.writeFailed(redisKeys.get(i), e);
          } catch (RedisOperationException policy) {
            thrown = policy;       // write-failures = throw: every failed key queued first, then thrown
          }
        }
      }
      if (thrown != null) {
        throw thrown;
      }
    } finally {
      toStore.keySet().forEach(mutations::nearInvalidate);
    }
  }

  /** {@code loadAll}: in the background, loads the keys (all, or those absent) and stores what the loader found. */
  void loadAll(Set<? extends K> keySet, boolean replaceExistingValues, CompletionListener done,
      LoaderAdapter<K, V> loader, Reads<K, V> reads, Executor executor) {
    executor.execute(() -> {
      try {
        List<K> toLoad = new ArrayList<>();
        for (K key : keySet) {
          if (replaceExistingValues || !reads.containsKey(key)) {
            toLoad.add(key);
          }
        }
        Map<? extends K, ? extends V> loaded = loader.loadAll(toLoad);
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
    mutations.apply(Operation.STORE_LOADED, key, value, null,
        (entryKey, bytes) -> putScript(key, value, entryKey, bytes,
            replace ? PutCondition.ALWAYS : PutCondition.IF_ABSENT, events.hasListenersFor(EventType.UPDATED)),
        (entryKey, current, bytes) -> changes.storeLoaded(entryKey, key, value, replace, bytes, current));
  }
}
