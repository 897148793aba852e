package dev.aside.benchmarks;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Reads and loader calls of a run in 100 ms buckets, for the hit rate over time (1 - loads / reads) and how long
 * it took to come back after an event.
 *
 * <p>A bucket without reads has hit rate 0: nothing was served from the cache then.
 */
final class HitRateTimeline {
  static final long BUCKET_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  private static final int BUCKETS_PER_SECOND = 10;

  private final long start;
  private final LongAdder[] reads;
  private final LongAdder[] loads;

  /** A timeline of {@code seconds} from {@code startNanos} on the {@link System#nanoTime()} clock. */
  HitRateTimeline(long startNanos, double seconds) {
    this.start = startNanos;
    int buckets = Math.max(1, (int) Math.ceil(seconds * BUCKETS_PER_SECOND));
    reads = adders(buckets);
    loads = adders(buckets);
  }

  /** Counts a read that returned at {@code nanoTime}. */
  void read(long nanoTime) {
    reads[bucket(nanoTime)].increment();
  }

  /** Counts a loader call made at {@code nanoTime}. */
  void load(long nanoTime) {
    loads[bucket(nanoTime)].increment();
  }

  /** The hit rate of every whole second of the run. */
  double[] hitRatePerSecond() {
    int seconds = (reads.length + BUCKETS_PER_SECOND - 1) / BUCKETS_PER_SECOND;
    double[] rates = new double[seconds];
    for (int s = 0; s < seconds; s++) {
      rates[s] = hitRate(s * BUCKETS_PER_SECOND, Math.min(reads.length, (s + 1) * BUCKETS_PER_SECOND));
    }
    return rates;
  }

  /** The hit rate of the buckets from the one holding {@code fromNanos} to the one before {@code toNanos}'s (at least one). */
  double hitRateBetween(long fromNanos, long toNanos) {
    int from = Math.min(reads.length - 1, bucket(fromNanos));
    return hitRate(from, Math.max(from + 1, Math.min(reads.length, bucket(toNanos))));
  }

  /** The reads of every whole second of the run. */
  long[] readsPerSecond() {
    return perSecond(reads);
  }

  /** The loader calls of every whole second of the run. */
  long[] loadsPerSecond() {
    return perSecond(loads);
  }

  /**
   * Seconds from {@code eventNanos} to the start of the first bucket after it from which the hit rate of every
   * bucket stays at {@code threshold} or above for {@code holdSeconds} (0 when it never fell below); -1 when that
   * never happened before the end of the run.
   */
  double secondsToRecover(long eventNanos, double threshold, double holdSeconds) {
    int first = (int) Math.max(0, ceilDiv(eventNanos - start, BUCKET_NANOS));
    int hold = Math.max(1, (int) Math.round(holdSeconds * BUCKETS_PER_SECOND));
    for (int b = first; b + hold <= reads.length; b++) {
      boolean held = true;
      for (int h = b; h < b + hold && held; h++) {
        held = hitRate(h, h + 1) >= threshold;
      }
      if (held) {
        return Math.max(0, (start + b * BUCKET_NANOS - eventNanos) / 1e9);
      }
    }
    return -1;
  }

  private double hitRate(int from, int to) {
    long readCount = 0;
    long loadCount = 0;
    for (int b = from; b < to; b++) {
      readCount += reads[b].sum();
      loadCount += loads[b].sum();
    }
    return readCount == 0 ? 0 : Math.max(0, 1.0 - (double) loadCount / readCount);
  }

  private int bucket(long nanoTime) {
    long index = (nanoTime - start) / BUCKET_NANOS;
    return (int) Math.max(0, Math.min(reads.length - 1, index));
  }

  private static long[] perSecond(LongAdder[] buckets) {
    long[] seconds = new long[(buckets.length + BUCKETS_PER_SECOND - 1) / BUCKETS_PER_SECOND];
    for (int b = 0; b < buckets.length; b++) {
      seconds[b / BUCKETS_PER_SECOND] += buckets[b].sum();
    }
    return seconds;
  }

  private static long ceilDiv(long x, long y) {
    return -Math.floorDiv(-x, y);
  }

  private static LongAdder[] adders(int n) {
    LongAdder[] adders = new LongAdder[n];
    for (int i = 0; i < n; i++) {
      adders[i] = new LongAdder();
    }
    return adders;
  }
}
