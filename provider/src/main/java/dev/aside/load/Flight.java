package dev.aside.load;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import javax.cache.CacheException;
import javax.cache.integration.CacheLoaderException;

/**
 * One in-progress load of one key in this JVM; concurrent misses of that key join it and wait for
 * its answer.
 *
 * <p>A flight stays open to joiners only while its answer cannot predate their reads. The owner
 * closes it before any step whose result would be older than a late joiner's read: before filling
 * (a successful fill proves no write raced with the load), before loading without a lease, and
 * when a Redis read it answers with was already in flight as someone joined. A miss that finds the
 * flight closed starts a flight of its own.
 *
 * <p>A write made through this JVM {@linkplain #overtake overtakes} the flight of its key if it is still
 * open: a joiner may then have begun after the write, so an answer loaded before the write, which no fill
 * proved fresh, is not handed to it (see {@link ReadThrough}). The owner reads the mark after it closed the
 * flight; a write that finds the flight closed (unregistered) leaves it alone, as nobody can join it then.
 */
final class Flight<V> {
  private static final long CLOSED = -1;

  private final CompletableFuture<V> result = new CompletableFuture<>();
  private final AtomicLong joins = new AtomicLong();
  private final Runnable unregister;
  private volatile boolean overtaken;

  Flight(Runnable unregister) {
    this.unregister = unregister;
  }

  /** Joins the flight unless it is closed; a joiner then {@link #await}s its answer. */
  boolean tryJoin() {
    while (true) {
      long seen = joins.get();
      if (seen == CLOSED) {
        return false;
      }
      if (joins.compareAndSet(seen, seen + 1)) {
        return true;
      }
    }
  }

  /** The owner's mark before a Redis read: {@link #closeIfNoJoinsSince} then tells if anyone joined during it. */
  long mark() {
    return joins.get();
  }

  /** Closes the flight if nobody joined since {@code mark}; false if someone did (read again for them). */
  boolean closeIfNoJoinsSince(long mark) {
    if (mark != CLOSED && !joins.compareAndSet(mark, CLOSED)) {
      return false;
    }
    unregister.run();
    return true;
  }

  /**
   * Closes the flight to joiners; those already in get this flight's answer. Returns whether anyone joined it
   * (false when it was closed already).
   */
  boolean close() {
    long joined = joins.getAndSet(CLOSED);
    unregister.run();
    return joined > 0;
  }

  /** A write of the key made through this JVM while the flight may still take joiners. */
  void overtake() {
    overtaken = true;
  }

  /** Whether a write made through this JVM overtook the flight; read after {@link #close}. */
  boolean wasOvertaken() {
    return overtaken;
  }

  void complete(V value) {
    close();
    result.complete(value);
  }

  void fail(RuntimeException failure) {
    close();
    result.completeExceptionally(failure);
  }

  /** Waits for the owner's answer; a loader failure reaches every waiter as a CacheLoaderException. */
  V await() {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return result.get();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof CacheLoaderException cle) {
        throw new CacheLoaderException(cle.getMessage(), cle);
      }
      if (cause instanceof CacheException ce) {
        throw ce;
      }
      throw new CacheLoaderException("Exception in CacheLoader", cause);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
