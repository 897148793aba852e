package dev.aside.near;

import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/** Per-cache counters of the near cache; thread-safe, cheap to update from any thread. */
public final class NearCacheMetrics implements NearCacheMetricsMXBean {
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder fills = new LongAdder();
  private final LongAdder staleFillsDropped = new LongAdder();
  private final LongAdder invalidationsReceived = new LongAdder();
  private final LongAdder fullClears = new LongAdder();
  private final LongAdder evictions = new LongAdder();
  private final LongAdder evictedBytes = new LongAdder();
  private final LongAdder tooLarge = new LongAdder();
  private final LongSupplier size;
  private final LongSupplier weightedSize;
  private final long maxBytes;
  private final BooleanSupplier live;

  NearCacheMetrics(LongSupplier size, LongSupplier weightedSize, long maxBytes, BooleanSupplier live) {
    this.size = Objects.requireNonNull(size);
    this.weightedSize = Objects.requireNonNull(weightedSize);
    this.maxBytes = maxBytes;
    this.live = Objects.requireNonNull(live);
  }

  void recordHit() {
    hits.increment();
  }

  void recordMiss() {
    misses.increment();
  }

  void recordFill() {
    fills.increment();
  }

  void recordStaleFillDropped() {
    staleFillsDropped.increment();
  }

  void recordInvalidationReceived() {
    invalidationsReceived.increment();
  }

  void recordFullClear() {
    fullClears.increment();
  }

  void recordEviction(int weight) {
    evictions.increment();
    evictedBytes.add(weight);
  }

  void recordTooLarge() {
    tooLarge.increment();
  }

  @Override
  public long getHits() {
    return hits.sum();
  }

  @Override
  public long getMisses() {
    return misses.sum();
  }

  @Override
  public long getFills() {
    return fills.sum();
  }

  @Override
  public long getStaleFillsDropped() {
    return staleFillsDropped.sum();
  }

  @Override
  public long getInvalidationsReceived() {
    return invalidationsReceived.sum();
  }

  @Override
  public long getFullClears() {
    return fullClears.sum();
  }

  @Override
  public long getEvictions() {
    return evictions.sum();
  }

  @Override
  public long getSize() {
    return size.getAsLong();
  }

  @Override
  public boolean isLive() {
    return live.getAsBoolean();
  }

  @Override
  public long getWeightedSize() {
    return weightedSize.getAsLong();
  }

  @Override
  public long getMaxBytes() {
    return maxBytes;
  }

  @Override
  public long getEvictedBytes() {
    return evictedBytes.sum();
  }

  @Override
  public long getTooLargeNotKept() {
    return tooLarge.sum();
  }

  @Override
  public String toString() {
    return "NearCacheMetrics[hits=" + getHits() + ", misses=" + getMisses() + ", fills=" + getFills()
        + ", staleFillsDropped=" + getStaleFillsDropped() + ", invalidationsReceived=" + getInvalidationsReceived()
        + ", fullClears=" + getFullClears() + ", evictions=" + getEvictions() + ", size=" + getSize()
        + ", live=" + isLive() + ", weightedSize=" + getWeightedSize() + ", maxBytes=" + getMaxBytes()
        + ", evictedBytes=" + getEvictedBytes() + ", tooLargeNotKept=" + getTooLargeNotKept() + "]";
  }
}
