package dev.aside.resilience;

import dev.aside.management.ReadPathMetrics;
import dev.aside.redis.RedisOperationException;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a Redis failure becomes for a caller of one cache.
 *
 * <ul>
 *   <li>Reads ({@code get}, {@code getAll}, {@code containsKey}, read-through): a miss. With
 *       read-through the loader answers, and nothing is cached while Redis is failing.
 *   <li>Writes ({@code put} and the like): the key is queued for invalidation (its state in Redis is
 *       unknown), then the failure is thrown as a {@code CacheException} ({@link WriteFailures#THROW},
 *       the JCache default) or logged and counted ({@link WriteFailures#LOG}).
 *   <li>Removals ({@code remove}, {@code removeAll}, {@code clear}): queued and applied when Redis
 *       is back; never thrown, since the removal will happen.
 * </ul>
 * While a key's invalidation waits, reads of that key do not trust Redis.
 *
 * <p>With {@code invalidation-replicas}, a write or removal that fewer replicas acknowledged in time
 * is one that failed: the master may hold it, but a failover may lose it. A put's value may then be
 * in Redis; the database is the truth, so its key is queued all the same, and the replay deletes it.
 */
public final class FailurePolicy {
  private static final Logger log = LoggerFactory.getLogger(FailurePolicy.class);

  /** How failed writes reach the caller. */
  public enum WriteFailures { THROW, LOG }

  private final String cacheName;
  private final String namespace;
  private final WriteFailures writeFailures;
  private final InvalidationQueue queue;
  private final ReadPathMetrics metrics;
  private final int replicas;

  public FailurePolicy(String cacheName, String namespace, WriteFailures writeFailures, InvalidationQueue queue,
      ReadPathMetrics metrics) {
    this(cacheName, namespace, writeFailures, queue, metrics, 0);
  }

  /** @param replicas how many replicas acknowledge the cache's writes ({@code invalidation-replicas}) and replays */
  public FailurePolicy(String cacheName, String namespace, WriteFailures writeFailures, InvalidationQueue queue,
      ReadPathMetrics metrics, int replicas) {
    this.replicas = replicas;
    this.cacheName = Objects.requireNonNull(cacheName);
    this.namespace = Objects.requireNonNull(namespace);
    this.writeFailures = Objects.requireNonNull(writeFailures);
    this.queue = Objects.requireNonNull(queue);
    this.metrics = Objects.requireNonNull(metrics);
  }

  /** Whether Redis may answer for this entry (no invalidation of it is waiting). */
  public boolean trusts(byte[] entryKey) {
    return queue.isTrusted(entryKey, namespace);
  }

  /** A read failed: the caller treats it as a miss. */
  public void readFailed(RedisOperationException failure) {
    metrics.recordFailedRead();
    log.debug("Cache {}: Redis read failed, serving a miss: {}", cacheName, failure.getMessage());
  }

  /** A write of {@code entryKey} failed: queue its invalidation, then throw or log per policy. */
  public void writeFailed(byte[] entryKey, RedisOperationException failure) {
    queue.add(entryKey, namespace, replicas);
    metrics.recordFailedWrite();
    if (writeFailures == WriteFailures.THROW) {
      throw failure;
    }
    log.warn("Cache {}: a write failed and was dropped; the entry is invalidated when Redis is back: {}", cacheName,
        failure.getMessage());
  }

  /** A removal of {@code entryKey} failed: queue it; it is applied when Redis is back. */
  public void removalFailed(byte[] entryKey, RedisOperationException failure) {
    queue.add(entryKey, namespace, replicas);
    metrics.recordFailedWrite();
    log.debug("Cache {}: a removal failed and is queued: {}", cacheName, failure.getMessage());
  }

  /** A whole-cache removal failed: the cache is cleared when Redis is back. */
  public void clearFailed(RedisOperationException failure) {
    queue.addNamespace(namespace, replicas);
    metrics.recordFailedWrite();
    log.debug("Cache {}: a clear failed and is queued: {}", cacheName, failure.getMessage());
  }
}
