package dev.aside.cache;

import dev.aside.redis.EntryTtl;
import dev.aside.redis.RedisStore;
import dev.aside.redis.RedisStore.CasAction;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import javax.cache.CacheException;

/**
 * The general write path of a cache: read an entry, decide locally exactly as the spec says, and
 * write only if the entry still holds the bytes that were read ({@code cas.lua}); on conflict read
 * again, with randomized exponential back-off.
 *
 * <p>The decision runs user code (expiry policy, writer, entry processor) and may run again on a
 * retry; events and statistics follow only the attempt that committed ({@link Change#onCommit}).
 * That makes {@code invoke} and every state-dependent operation atomic across JVMs without locks.
 * A removal deletes the entry's read-through lease in the same script, so a fill racing with it is
 * dropped; a write leaves the entry changed, which the fill checks ({@code fill.lua}).
 */
final class CompareAndSet {
  private static final int MAX_ATTEMPTS = 2_000;

  private final RedisStore store;
  private final String cacheName;

  CompareAndSet(RedisStore store, String cacheName) {
    this.store = Objects.requireNonNull(store);
    this.cacheName = Objects.requireNonNull(cacheName);
  }

  /**
   * What to write if the entry still holds the bytes read (no action: write nothing), what to
   * answer, whether the entry was there (a hit, for statistics), and what follows a commit.
   */
  record Change<R>(CasAction action, byte[] value, EntryTtl ttl, R answer, boolean found, Runnable onCommit) {
    private static final Runnable NOTHING = () -> {};

    /** Leave the entry as it is. */
    static <R> Change<R> keep(R answer, boolean found) {
      return new Change<>(null, null, null, answer, found, NOTHING);
    }

    /** Write {@code value} with {@code ttl}. */
    static <R> Change<R> set(byte[] value, EntryTtl ttl, R answer, boolean found, Runnable onCommit) {
      return new Change<>(CasAction.SET, Objects.requireNonNull(value), Objects.requireNonNull(ttl), answer, found,
          onCommit);
    }

    /** Delete the entry, which was there. */
    static <R> Change<R> delete(R answer, Runnable onCommit) {
      return new Change<>(CasAction.DELETE, null, EntryTtl.EXPIRED, answer, true, onCommit);
    }

    /** Apply an access TTL to the entry, which was there; nothing when the TTL is kept. */
    static <R> Change<R> touch(EntryTtl ttl, R answer) {
      return ttl.isKeep() ? keep(answer, true) : new Change<>(CasAction.TOUCH, null, ttl, answer, true, NOTHING);
    }

    /** Whether committing this changes the entry's value or existence (a touch does not). */
    boolean changes() {
      return action == CasAction.SET || action == CasAction.DELETE;
    }

    /** This change, with {@code after} run when it commits, after its own {@link #onCommit}. */
    Change<R> andThen(Runnable after) {
      Runnable first = onCommit;
      return new Change<>(action, value, ttl, answer, found, () -> {
        first.run();
        after.run();
      });
    }
  }

  /** Decides a change from the entry's current bytes (null when absent). */
  @FunctionalInterface
  interface Decision<R> {
    Change<R> decide(byte[] current);
  }

  /** Read, decide, compare-and-set, until a change commits (or nothing is to be written); answers the change made. */
  <R> Change<R> run(byte[] redisKey, Decision<R> decision) {
    for (int attempt = 1; ; attempt++) {
      byte[] current = store.get(redisKey);
      Change<R> change = decision.decide(current);
      if (change.action() == null
          || store.compareAndSet(redisKey, current, change.action(), change.value(), change.ttl())) {
        change.onCommit().run();
        return change;
      }
      if (attempt == MAX_ATTEMPTS) {
        throw new CacheException("Gave up after " + attempt + " conflicting concurrent updates of one entry of cache "
            + cacheName);
      }
      backOff(attempt);
    }
  }

  /** Randomized exponential back-off between attempts (up to about 2 ms), so contenders spread out. */
  private static void backOff(int attempt) {
    if (attempt < 3) {
      Thread.onSpinWait();
      return;
    }
    long maxMicros = 1L << Math.min(attempt, 11);
    LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(maxMicros * 1_000) + 1_000);
  }
}
