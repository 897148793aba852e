/**
 * Keeping a sick Redis from taking reads down, and from leaving stale data behind.
 *
 * <p>Per manager: a {@link dev.aside.resilience.CircuitBreaker} per Redis node
 * ({@link dev.aside.resilience.Breakers}: one for a standalone or Sentinel Redis, one per master of a
 * cluster), which short-circuits the node's commands while open (a background probe closes it), and
 * an {@link dev.aside.resilience.InvalidationQueue} of keys whose write or removal failed, replayed
 * node by node by {@link dev.aside.resilience.RedisHealth} before the node's keys are trusted again. Per cache: a
 * {@link dev.aside.resilience.FailurePolicy} that says what a failure becomes for a caller — a miss
 * for reads, an exception or a logged failure for writes, a queued invalidation for removals.
 */
package dev.aside.resilience;
