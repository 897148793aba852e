package dev.aside.redis;

import java.util.BitSet;
import javax.cache.CacheException;

/**
 * A Redis command failed, timed out or could not be sent; the cache's failure policy decides what a
 * caller sees. A batch (pipelined writes or removals) that failed on some nodes only says which of
 * its keys failed ({@link #failedAt}); the others were applied.
 */
public final class RedisOperationException extends CacheException {
  private static final long serialVersionUID = 1L;

  /* The indexes of a batch's keys that failed; null when every key failed, or for a single command. */
  private final BitSet failed;

  public RedisOperationException(String message, Throwable cause) {
    this(message, cause, null);
  }

  RedisOperationException(String message, Throwable cause, BitSet failed) {
    super(message, cause);
    this.failed = failed;
  }

  /**
   * Whether the command was applied by the master but fewer replicas than asked acknowledged it
   * ({@code invalidation-replicas}): the master answers, the write is not known to survive a failover.
   */
  public boolean isUnacknowledged() {
    return getCause() instanceof ReplicasNotAcknowledged;
  }

  /** Whether the key at {@code index} of the batch that failed may not have been applied. */
  public boolean failedAt(int index) {
    return failed == null || failed.get(index);
  }
}
