package dev.aside.redis;

import io.lettuce.core.RedisCommandExecutionException;

/**
 * A write that fewer replicas than asked acknowledged in time ({@code WAIT}): applied on the master,
 * maybe, but not known to survive a failover. An answer about replication, not a failure of the
 * master's connection, so it does not count towards opening a circuit breaker.
 */
final class ReplicasNotAcknowledged extends RedisCommandExecutionException {
  private static final long serialVersionUID = 1L;

  ReplicasNotAcknowledged(String message) {
    super("NOTACKNOWLEDGED " + message);
  }
}
