package dev.aside.management;

import java.util.concurrent.atomic.LongAdder;
import javax.cache.management.CacheStatisticsMXBean;

/** Thread-safe JCache statistics counters of one cache, exposed as a {@link CacheStatisticsMXBean}. */
public final class CacheStatistics implements CacheStatisticsMXBean {

  private static final float NANOS_PER_MICRO = 1_000f;

  /*
   * Counters only ever grow, except through clear(). Each is an independent LongAdder, so a
   * reader may observe a recording half-applied (say, the hit counted but not yet its time);
   * derived values tolerate that: they read each counter once and never divide by zero.
   * clear() is not atomic either: recordings concurrent with it may partly survive, which the
   * specification permits for a management reset.
   */
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder puts = new LongAdder();
  private final LongAdder removals = new LongAdder();
  private final LongAdder evictions = new LongAdder();
  private final LongAdder getTimeNanos = new LongAdder();
  private final LongAdder putTimeNanos = new LongAdder();
  private final LongAdder removeTimeNanos = new LongAdder();

  /** Creates statistics with every counter at zero. */
  public CacheStatistics() {}

  /**
   * Records gets that found an entry.
   *
   * @param count the number of hits, not negative
   */
  public void recordHits(long count) {
    hits.add(requireNonNegative(count, "hits"));
  }

  /**
   * Records gets that found no entry.
   *
   * @param count the number of misses, not negative
   */
  public void recordMisses(long count) {
    misses.add(requireNonNegative(count, "misses"));
  }

  /**
   * Records entries stored (created or updated).
   *
   * @param count the number of puts, not negative
   */
  public void recordPuts(long count) {
    puts.add(requireNonNegative(count, "puts"));
  }

  /**
   * Records entries removed.
   *
   * @param count the number of removals, not negative
   */
  public void recordRemovals(long count) {
    removals.add(requireNonNegative(count, "removals"));
  }

  /**
   * Records entries evicted.
   *
   * @param count the number of evictions, not negative
   */
  public void recordEvictions(long count) {
    evictions.add(requireNonNegative(count, "evictions"));
  }

  /**
   * Adds time spent in get operations; averaged over {@link #getCacheGets()}.
   *
   * @param nanos elapsed nanoseconds, not negative
   */
  public void recordGetTimeNanos(long nanos) {
    getTimeNanos.add(requireNonNegative(nanos, "get time"));
  }

  /**
   * Adds time spent in put operations; averaged over {@link #getCachePuts()}.
   *
   * @param nanos elapsed nanoseconds, not negative
   */
  public void recordPutTimeNanos(long nanos) {
    putTimeNanos.add(requireNonNegative(nanos, "put time"));
  }

  /**
   * Adds time spent in remove operations; averaged over {@link #getCacheRemovals()}.
   *
   * @param nanos elapsed nanoseconds, not negative
   */
  public void recordRemoveTimeNanos(long nanos) {
    removeTimeNanos.add(requireNonNegative(nanos, "remove time"));
  }

  @Override
  public void clear() {
    hits.reset();
    misses.reset();
    puts.reset();
    removals.reset();
    evictions.reset();
    getTimeNanos.reset();
    putTimeNanos.reset();
    removeTimeNanos.reset();
  }

  @Override
  public long getCacheHits() {
    return hits.sum();
  }

  @Override
  public float getCacheHitPercentage() {
    long h = hits.sum();
    return percentage(h, h + misses.sum());
  }

  @Override
  public long getCacheMisses() {
    return misses.sum();
  }

  @Override
  public float getCacheMissPercentage() {
    long m = misses.sum();
    return percentage(m, hits.sum() + m);
  }

  @Override
  public long getCacheGets() {
    return hits.sum() + misses.sum();
  }

  @Override
  public long getCachePuts() {
    return puts.sum();
  }

  @Override
  public long getCacheRemovals() {
    return removals.sum();
  }

  @Override
  public long getCacheEvictions() {
    return evictions.sum();
  }

  @Override
  public float getAverageGetTime() {
    return averageMicros(getTimeNanos.sum(), getCacheGets());
  }

  @Override
  public float getAveragePutTime() {
    return averageMicros(putTimeNanos.sum(), puts.sum());
  }

  @Override
  public float getAverageRemoveTime() {
    return averageMicros(removeTimeNanos.sum(), removals.sum());
  }

  @Override
  public String toString() {
    return "CacheStatistics{hits=" + getCacheHits() + ", misses=" + getCacheMisses()
        + ", puts=" + getCachePuts() + ", removals=" + getCacheRemovals()
        + ", evictions=" + getCacheEvictions() + '}';
  }

  private static float percentage(long part, long total) {
    return total <= 0 ? 0f : (float) (part * 100.0d / total);
  }

  private static float averageMicros(long totalNanos, long count) {
    return count <= 0 ? 0f : (float) ((double) totalNanos / count) / NANOS_PER_MICRO;
  }

  private static long requireNonNegative(long value, String what) {
    if (value < 0) {
      throw new IllegalArgumentException(what + " must not be negative: " + value);
    }
    return value;
  }
}
