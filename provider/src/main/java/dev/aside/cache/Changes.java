package dev.aside.cache;

import dev.aside.cache.CompareAndSet.Change;
import dev.aside.codec.EntryKey;
import dev.aside.event.EventDispatcher;
import dev.aside.expiry.ExpiryTimes;
import dev.aside.redis.EntryTtl;
import java.util.Objects;

/**
 * Which change each operation makes on the compare-and-set path, given the entry's current bytes
 * (null when absent), exactly as the spec says: which TTL the expiry policy is asked for, whether the
 * writer is called, which event follows the commit. Pure decisions: nothing here talks to Redis.
 *
 * <p>Each decision gets the entry's key as Redis holds it ({@link EntryKey}), which the bytes are
 * decoded and encoded for. An entry whose bytes do not decode, or a tombstone, counts as absent for what the operation
 * answers and reports, but its bytes are still the ones compared, so a concurrent change is noticed.
 */
final class Changes<K, V> {
  private final EntryCodec<K, V> entries;
  private final ExpiryTimes expiry;
  private final WriterAdapter<K, V> writer;
  private final EventDispatcher<K, V> events;

  Changes(EntryCodec<K, V> entries, ExpiryTimes expiry, WriterAdapter<K, V> writer, EventDispatcher<K, V> events) {
    this.entries = Objects.requireNonNull(entries);
    this.expiry = Objects.requireNonNull(expiry);
    this.writer = Objects.requireNonNull(writer);
    this.events = Objects.requireNonNull(events);
  }

  /** {@code put}, {@code getAndPut}, a batch put: create or update, with the TTL the policy gives for that case; answers the old value. */
  Change<V> put(EntryKey entryKey, K key, V value, byte[] bytes, byte[] current) {
    if (current == null) {
      EntryTtl ttl = expiry.creation();
      return ttl.isExpired() ? Change.keep(null, false)
          : Change.set(bytes, ttl, null, false, () -> events.created(key, value));
    }
    V old = entries.decode(entryKey, current);
    return Change.set(bytes, expiry.update(), old, old != null, () -> events.updated(key, value, old));
  }

  /** {@code putIfAbsent}: only when absent, through the writer. */
  Change<V> putIfAbsent(EntryKey entryKey, K key, V value, byte[] bytes, byte[] current) {
    if (current != null) {
      return Change.keep(null, true);
    }
    writer.write(key, value);
    EntryTtl ttl = expiry.creation();
    return ttl.isExpired() ? Change.keep(null, false)
        : Change.set(bytes, ttl, null, false, () -> events.created(key, value));
  }

  /** {@code replace(k, v)}, {@code getAndReplace}: only when present, through the writer; answers the old value. */
  Change<V> replace(EntryKey entryKey, K key, V value, byte[] bytes, byte[] current) {
    if (current == null) {
      return Change.keep(null, false);
    }
    V old = entries.decode(entryKey, current);
    writer.write(key, value);
    return Change.set(bytes, expiry.update(), old, true, () -> events.updated(key, value, old));
  }

  /**
   * {@code replace(k, old, new)}: absent is a miss; present but different is an access (expiry for
   * access applies); equal is an update through the writer.
   */
  Change<V> replaceIfEquals(EntryKey entryKey, K key, V expected, V value, byte[] bytes, byte[] current) {
    V old = entries.decode(entryKey, current);
    if (old == null) {
      return Change.keep(null, false);
    }
    if (!old.equals(expected)) {
      return Change.touch(expiry.access(), null);
    }
    writer.write(key, value);
    return Change.set(bytes, expiry.update(), old, true, () -> events.updated(key, value, old));
  }

  /** {@code remove(k, old)}: as {@link #replaceIfEquals}, with a removal through the writer when equal. */
  Change<V> removeIfEquals(EntryKey entryKey, K key, V expected, byte[] current) {
    V old = entries.decode(entryKey, current);
    if (old == null) {
      return Change.keep(null, false);
    }
    if (!old.equals(expected)) {
      return Change.touch(expiry.access(), null);
    }
    writer.delete(key);
    return Change.delete(old, () -> events.removed(key, old));
  }

  /** A value {@code loadAll} loaded: created, or updated only when {@code replace}; no writer call. */
  Change<V> storeLoaded(EntryKey entryKey, K key, V value, boolean replace, byte[] bytes, byte[] current) {
    if (current != null && !replace) {
      return Change.keep(null, true);
    }
    return put(entryKey, key, value, bytes, current);
  }

  /** What an entry processor did to its entry, through the writer; the value is encoded here, as only now is it known. */
  Change<Void> processed(EntryKey entryKey, K key, ProcessorEntry<K, V> entry) {
    V value = entry.value();
    switch (entry.operation()) {
      case ACCESS:
        return Change.touch(expiry.access(), null);
      case CREATE:
      case LOAD: {
        if (entry.operation() == ProcessorEntry.Operation.CREATE) {
          writer.write(key, value);
        }
        EntryTtl ttl = expiry.creation();
        if (ttl.isExpired()) {
          return Change.keep(null, false);
        }
        return Change.set(entries.encode(entryKey, value), ttl, null, false, () -> events.created(key, value));
      }
      case UPDATE: {
        V old = entry.current();
        writer.write(key, value);
        return Change.set(entries.encode(entryKey, value), expiry.update(), null, true, () -> events.updated(key, value, old));
      }
      case REMOVE: {
        writer.delete(key);
        V old = entry.current();
        if (old == null) {
          return Change.keep(null, false);
        }
        return Change.delete(null, () -> events.removed(key, old));
      }
      default:
        return Change.keep(null, entry.current() != null);
    }
  }
}
