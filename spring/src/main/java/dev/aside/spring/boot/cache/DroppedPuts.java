package dev.aside.spring.boot.cache;

import dev.aside.redis.RedisOperationException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the puts of one Spring cache manager that Redis did not take, and logs them at most once per interval.
 *
 * <p>A Spring application caches a loaded value with {@code put} after the method has answered. When Redis
 * is unavailable that put fails on every call; the value is simply not cached (Aside has already queued
 * the key's invalidation), so the caller must not fail and the log must not grow with the traffic: the
 * first failure of an interval is logged with the count of those since the last line, the rest only counted.
 */
public final class DroppedPuts {
  private static final Logger log = LoggerFactory.getLogger(DroppedPuts.class);

  private final long intervalNanos;
  private final Duration interval;
  private final LongSupplier nanoClock;
  private final LongAdder total = new LongAdder();
  private final AtomicLong sinceLastLine = new AtomicLong();
  private final AtomicLong nextLineAt;

  public DroppedPuts(Duration interval) {
    this(interval, System::nanoTime);
  }

  /** @param nanoClock a monotonic clock in nanoseconds ({@link System#nanoTime()} outside tests) */
  public DroppedPuts(Duration interval, LongSupplier nanoClock) {
    this.interval = Objects.requireNonNull(interval);
    if (interval.isNegative()) {
      throw new IllegalArgumentException("interval must not be negative: " + interval);
    }
    this.intervalNanos = interval.toNanos();
    this.nanoClock = Objects.requireNonNull(nanoClock);
    this.nextLineAt = new AtomicLong(nanoClock.getAsLong());
  }

  /** A put to {@code cacheName} failed because of Redis: count it, and log if this interval has no line yet. */
  public void record(String cacheName, RedisOperationException failure) {
    total.increment();
    sinceLastLine.incrementAndGet();
    long now = nanoClock.getAsLong();
    long due = nextLineAt.get();
    if (now - due >= 0 && nextLineAt.compareAndSet(due, now + intervalNanos)) {
      log.warn("Redis unavailable: {} cache put(s) not cached since the last such line, the latest to cache '{}' ({});"
          + " callers were served, the keys are invalidated when Redis is back. Logged at most once per {}.",
          sinceLastLine.getAndSet(0), cacheName, failure.getMessage(), readable(interval));
    }
  }

  private static String readable(Duration interval) {
    return interval.toString().substring(2).toLowerCase(Locale.ROOT);
  }

  /** Puts dropped since this manager started. */
  public long total() {
    return total.sum();
  }
}
