package dev.aside.resilience;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Entry keys whose write or removal failed, waiting to be deleted from Redis once it answers again.
 *
 * <p>Bounded and de-duplicated. While a key waits, reads of it do not trust Redis (they load from
 * the source instead), so an outage never leaves a stale value to be served afterwards. When the
 * queue is full, the key's whole cache is marked instead: on recovery that cache is cleared, and
 * until then none of its reads trust Redis. Both outcomes are counted.
 *
 * <p>Each key (and marked cache) remembers how many replicas must acknowledge its replay: those its
 * cache's writes ask for ({@code invalidation-replicas}), the most asked if two caches queued it.
 */
public final class InvalidationQueue {
  private final int capacity;
  /* Key -> the replicas that must acknowledge its replay. */
  private final Map<ByteBuffer, Integer> keys = new LinkedHashMap<>();
  private final Map<String, Integer> overflowedNamespaces = new LinkedHashMap<>();
  private final LongAdder queued = new LongAdder();
  private final LongAdder replayed = new LongAdder();
  private final LongAdder overflows = new LongAdder();
  private volatile boolean empty = true;

  public InvalidationQueue(int capacity) {
    this.capacity = capacity;
  }

  /** Remembers that {@code entryKey} (of the cache whose key namespace is {@code namespace}) must be deleted. */
  public void add(byte[] entryKey, String namespace) {
    add(entryKey, namespace, 0);
  }

  /** {@link #add(byte[], String)}, its replay to be acknowledged by {@code replicas} replicas. */
  public synchronized void add(byte[] entryKey, String namespace, int replicas) {
    if (overflowedNamespaces.containsKey(namespace)) {
      overflowedNamespaces.merge(namespace, replicas, Math::max);
      return;
    }
    ByteBuffer key = ByteBuffer.wrap(entryKey);
    if (keys.containsKey(key)) {
      keys.merge(key, replicas, Math::max);
    } else if (keys.size() >= capacity) {
      overflowedNamespaces.put(namespace, replicas);
      overflows.increment();
    } else {
      keys.put(ByteBuffer.wrap(entryKey.clone()), replicas);
      queued.increment();
    }
    empty = false;
  }

  /** Remembers that the whole cache whose key namespace is {@code namespace} must be cleared. */
  public void addNamespace(String namespace) {
    addNamespace(namespace, 0);
  }

  /** {@link #addNamespace(String)}, its replay to be acknowledged by {@code replicas} replicas. */
  public synchronized void addNamespace(String namespace, int replicas) {
    overflowedNamespaces.merge(namespace, replicas, Math::max);
    empty = false;
  }

  /** Whether Redis may be trusted for this key: false while an invalidation of it, or of its cache, waits. */
  public boolean isTrusted(byte[] entryKey, String namespace) {
    if (empty) {
      return true;
    }
    synchronized (this) {
      return !overflowedNamespaces.containsKey(namespace) && !keys.containsKey(ByteBuffer.wrap(entryKey));
    }
  }

  public boolean isEmpty() {
    return empty;
  }

  /** A snapshot of the waiting keys. */
  synchronized List<byte[]> pendingKeys() {
    List<byte[]> out = new ArrayList<>(keys.size());
    keys.keySet().forEach(k -> out.add(k.array()));
    return out;
  }

  /** How many replicas must acknowledge the replay of a waiting key (or of a namespace to clear); 0 if not waiting. */
  synchronized int replicasFor(byte[] entryKey) {
    return keys.getOrDefault(ByteBuffer.wrap(entryKey), 0);
  }

  synchronized int replicasForNamespace(String namespace) {
    return overflowedNamespaces.getOrDefault(namespace, 0);
  }

  /** A snapshot of the namespaces to clear. */
  synchronized List<String> pendingNamespaces() {
    return new ArrayList<>(overflowedNamespaces.keySet());
  }

  /** Forgets keys and namespaces that were applied. */
  synchronized void applied(List<byte[]> appliedKeys, List<String> clearedNamespaces) {
    for (byte[] key : appliedKeys) {
      if (keys.remove(ByteBuffer.wrap(key)) != null) {
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
