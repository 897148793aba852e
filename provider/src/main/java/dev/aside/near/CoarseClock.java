package dev.aside.near;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A clock for the near cache's hit path: {@link System#nanoTime()} as of at most about a
 * millisecond ago, read from a volatile field instead of the OS clock on every hit.
 *
 * <p>Invariant: {@link #now()} never runs ahead of the real clock and lags it by about
 * {@link #TICK_NANOS}, more only while its thread is not scheduled. Deadlines are therefore set
 * {@link #MAX_LAG_NANOS} early, so an entry is not served past its Redis TTL unless the clock's
 * thread stalls for longer than that (and even then Redis's own expiry sends an invalidation).
 */
final class CoarseClock {
  static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  static final long MAX_LAG_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private static volatile long now = System.nanoTime();

  static {
    Thread ticker = new Thread(CoarseClock::tick, "aside-near-clock");
    ticker.setDaemon(true);
    ticker.start();
  }

  private CoarseClock() {}

  static long now() {
    return now;
  }

  private static void tick() {
    while (true) {
      now = System.nanoTime();
      LockSupport.parkNanos(TICK_NANOS);
    }
  }
}
