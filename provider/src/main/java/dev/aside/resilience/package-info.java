/**
 * Keeping a sick Redis from taking reads down, and from leaving stale data behind.
 *
 * <p>Per manager: a {@link dev.aside.resilience.CircuitBreaker} in front of the Redis connection
 * (short-circuits every command while open; a background probe closes it), and an
 * {@link dev.aside.resilience.InvalidationQueue} of keys whose write or removal failed, replayed by
 * {@link dev.aside.resilience.RedisHealth} before the breaker closes. Per cache: a
 * {@link dev.aside.resilience.FailurePolicy} that says what a failure becomes for a caller — a miss
 * for reads, an exception or a logged failure for writes, a queued invalidation for removals.
 */
package dev.aside.resilience;
