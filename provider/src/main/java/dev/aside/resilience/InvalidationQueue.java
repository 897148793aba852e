package dev.aside.resilience;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * Entry keys whose write or removal failed, waiting to be deleted from Redis once it answers again.
 *
 * <p>Bounded and de-duplicated. While a key waits, reads of it do not trust Redis (they load from
 * the source instead), so an outage never leaves a stale value to be served afterwards. When the
 * queue is full, the key's whole cache is marked instead: on recovery that cache is cleared, and
 * until then none of its reads trust Redis. Both outcomes are counted.
 */
public final class InvalidationQueue {
  private final int capacity;
  private final Set<ByteBuffer> keys = new LinkedHashSet<>();
  private final Set<String> overflowedNamespaces = new LinkedHashSet<>();
  private final LongAdder queued = new LongAdder();
  private final LongAdder replayed = new LongAdder();
  private final LongAdder overflows = new LongAdder();
  private volatile boolean empty = true;

  public InvalidationQueue(int capacity) {
    this.capacity = capacity;
  }

  /** Remembers that {@code entryKey} (of the cache whose key namespace is {@code namespace}) must be deleted. */
  public synchronized void add(byte[] entryKey, String namespace) {
    if (overflowedNamespaces.contains(namespace)) {
      return;
    }
    if (keys.size() >= capacity) {
      overflowedNamespaces.add(namespace);
      overflows.increment();
    } else if (keys.add(ByteBuffer.wrap(entryKey.clone()))) {
      queued.increment();
    }
    empty = false;
  }

  /** Remembers that the whole cache whose key namespace is {@code namespace} must be cleared. */
  public synchronized void addNamespace(String namespace) {
    overflowedNamespaces.add(namespace);
    empty = false;
  }

  /** Whether Redis may be trusted for this key: false while an invalidation of it, or of its cache, waits. */
  public boolean isTrusted(byte[] entryKey, String namespace) {
    if (empty) {
      return true;
    }
    synchronized (this) {
      return !overflowedNamespaces.contains(namespace) && !keys.contains(ByteBuffer.wrap(entryKey));
    }
  }

  public boolean isEmpty() {
    return empty;
  }

  /** A snapshot of the waiting keys. */
  synchronized List<byte[]> pendingKeys() {
    List<byte[]> out = new ArrayList<>(keys.size());
    keys.forEach(k -> out.add(k.array()));
    return out;
  }

  /** A snapshot of the namespaces to clear. */
  synchronized List<String> pendingNamespaces() {
    return new ArrayList<>(overflowedNamespaces);
  }

  /** Forgets keys and namespaces that were applied. */
  synchronized void applied(List<byte[]> appliedKeys, List<String> clearedNamespaces) {
    for (byte[] key : appliedKeys) {
      if (keys.remove(ByteBuffer.wrap(key))) {
        replayed.increment();
      }
    }
    clearedNamespaces.forEach(overflowedNamespaces::remove);
    empty = keys.isEmpty() && overflowedNamespaces.isEmpty();
  }

  public synchronized int size() {
    return keys.size();
  }

  public long queued() {
    return queued.sum();
  }

  public long replayed() {
    return replayed.sum();
  }

  public long overflows() {
    return overflows.sum();
  }
}
