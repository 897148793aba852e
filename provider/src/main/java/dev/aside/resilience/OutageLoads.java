package dev.aside.resilience;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.cache.integration.CacheLoaderException;

/**
 * The cap on loader calls in flight in one cache manager while it fails open ({@code outageMaxLoads}), so
 * that a Redis outage cannot send the database more concurrent queries than it was sized for.
 *
 * <p>A load that finds every slot taken waits, in arrival order, at most {@code outageLoadWait} (the command
 * timeout by default: no longer than a read would have waited for Redis), then is refused with a
 * {@link CacheLoaderException} that says the database is being protected. Only loads made while Redis is
 * not answering for their key take a slot: a gutter hit takes none, and concurrent misses of one key share
 * one load (the read path's flight) and so one slot. With no cap (the default) {@link #tryAcquire} always
 * succeeds at once.
 */
public final class OutageLoads {
  private static final OutageLoads UNCAPPED = new OutageLoads(0, Duration.ZERO);

  private final int maxLoads;
  private final Duration wait;
  private final Semaphore slots;

  private OutageLoads(int maxLoads, Duration wait) {
    this.maxLoads = maxLoads;
    this.wait = wait;
    this.slots = maxLoads == 0 ? null : new Semaphore(maxLoads, true);
  }

  /** The cap {@code settings} ask for: {@code outageMaxLoads} slots, or none. */
  public static OutageLoads of(ResilienceSettings settings) {
    return settings.outageMaxLoads() == 0 ? UNCAPPED
        : new OutageLoads(settings.outageMaxLoads(), settings.outageLoadWait());
  }

  /** No cap. */
  public static OutageLoads uncapped() {
    return UNCAPPED;
  }

  /**
   * Takes a slot for one loader call, waiting up to {@code outageLoadWait} for one to free up; false if none
   * did (or the thread was interrupted: its interrupt status is kept). {@link #release} what was taken.
   */
  public boolean tryAcquire() {
    if (slots == null) {
      return true;
    }
    try {
      return slots.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Gives back a slot {@link #tryAcquire} took. */
  public void release() {
    if (slots != null) {
      slots.release();
    }
  }

  /** What the caller of a refused load gets. */
  public CacheLoaderException refusal() {
    return new CacheLoaderException(String.format(Locale.ROOT, "Load refused to protect the database: Redis is"
        + " unavailable and %d loads (outageMaxLoads) were already in flight in this cache manager; none finished"
        + " within %d ms (outageLoadWait)", maxLoads, wait.toMillis()));
  }

  /** The cap, 0 for none. */
  public int maxLoads() {
    return maxLoads;
  }

  /** Loads in flight now (0 without a cap). */
  public int inFlight() {
    return slots == null ? 0 : maxLoads - slots.availablePermits();
  }
}
