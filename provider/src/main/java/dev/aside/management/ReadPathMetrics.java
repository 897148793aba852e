package dev.aside.management;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/** Per-cache counters of the read-through path, beyond the JCache statistics. */
public final class ReadPathMetrics implements ReadPathMetricsMXBean {
  private final LongAdder loads = new LongAdder();
  private final LongAdder coalescedWaits = new LongAdder();
  private final LongAdder crossJvmWaits = new LongAdder();
  private final LongAdder leaseTimeouts = new LongAdder();
  private final LongAdder negativeHits = new LongAdder();
  private final LongAdder earlyRefreshes = new LongAdder();
  private final LongAdder staleFillsRejected = new LongAdder();
  private final LongAdder undecodableReads = new LongAdder();
  private final LongAdder failedReads = new LongAdder();
  private final LongAdder failedWrites = new LongAdder();
  private final LongAdder outageHits = new LongAdder();
  private final LongAdder outageLoads = new LongAdder();
  private final LongAdder outageLoadsRefused = new LongAdder();
  private final LongAdder outageEvictions = new LongAdder();
  private final LongAdder outageEvictedBytes = new LongAdder();
  private final LongAdder outageTooLarge = new LongAdder();
  private volatile LongSupplier outageEntries = () -> 0;
  private volatile LongSupplier outageWeightedSize = () -> 0;
  private volatile long outageMaxBytes;

  /** A read answered from the gutter while Redis was not answering for its key. */
  public void recordOutageHit() {
    outageHits.increment();
  }

  /** A loader call made while Redis was not answering for its key (failing open). */
  public void recordOutageLoad() {
    outageLoads.increment();
  }

  /** A load refused by {@code outageMaxLoads}: its caller got a {@code CacheLoaderException}. */
  public void recordOutageLoadRefused() {
    outageLoadsRefused.increment();
  }

  /** A gutter value evicted by the gutter's bounds; {@code weight} is what it weighed. */
  public void recordOutageEviction(long weight) {
    outageEvictions.increment();
    outageEvictedBytes.add(weight);
  }

  /** A value not kept in the gutter: it weighs more than 1/16 of the gutter's byte bound. */
  public void recordOutageTooLarge() {
    outageTooLarge.increment();
  }

  /** Where the gutter's gauges come from: its entries, their weight, and its byte bound. */
  public void measureOutage(LongSupplier entries, LongSupplier weightedSize, long maxBytes) {
    this.outageEntries = java.util.Objects.requireNonNull(entries);
    this.outageWeightedSize = java.util.Objects.requireNonNull(weightedSize);
    this.outageMaxBytes = maxBytes;
  }

  @Override
  public long getOutageLoadsRefused() {
    return outageLoadsRefused.sum();
  }

  @Override
  public long getOutageWeightedSize() {
    return outageWeightedSize.getAsLong();
  }

  @Override
  public long getOutageMaxBytes() {
    return outageMaxBytes;
  }

  @Override
  public long getOutageEvictions() {
    return outageEvictions.sum();
  }

  @Override
  public long getOutageEvictedBytes() {
    return outageEvictedBytes.sum();
  }

  @Override
  public long getOutageTooLargeNotKept() {
    return outageTooLarge.sum();
  }

  @Override
  public long getOutageHits() {
    return outageHits.sum();
  }

  @Override
  public long getOutageLoads() {
    return outageLoads.sum();
  }

  @Override
  public long getOutageEntries() {
    return outageEntries.getAsLong();
  }

  public void recordFailedRead() {
    failedReads.increment();
  }

  public void recordFailedWrite() {
    failedWrites.increment();
  }

  @Override
  public long getFailedReads() {
    return failedReads.sum();
  }

  @Override
  public long getFailedWrites() {
    return failedWrites.sum();
  }

  public void recordLoad() {
    loads.increment();
  }

  public void recordCoalescedWait() {
    coalescedWaits.increment();
  }

  public void recordCrossJvmWait() {
    crossJvmWaits.increment();
  }

  public void recordLeaseTimeout() {
    leaseTimeouts.increment();
  }

  public void recordNegativeHit() {
    negativeHits.increment();
  }

  public void recordEarlyRefresh() {
    earlyRefreshes.increment();
  }

  public void recordStaleFillRejected() {
    staleFillsRejected.increment();
  }

  public void recordUndecodableRead() {
    undecodableReads.increment();
  }

  @Override
  public long getLoads() {
    return loads.sum();
  }

  @Override
  public long getCoalescedWaits() {
    return coalescedWaits.sum();
  }

  @Override
  public long getCrossJvmWaits() {
    return crossJvmWaits.sum();
  }

  @Override
  public long getLeaseTimeouts() {
    return leaseTimeouts.sum();
  }

  @Override
  public long getNegativeHits() {
    return negativeHits.sum();
  }

  @Override
  public long getEarlyRefreshes() {
    return earlyRefreshes.sum();
  }

  @Override
  public long getStaleFillsRejected() {
    return staleFillsRejected.sum();
  }

  @Override
  public long getUndecodableReads() {
    return undecodableReads.sum();
  }

  @Override
  public String toString() {
    return "ReadPathMetrics[loads=" + getLoads() + ", coalescedWaits=" + getCoalescedWaits() + ", crossJvmWaits="
        + getCrossJvmWaits() + ", leaseTimeouts=" + getLeaseTimeouts() + ", negativeHits=" + getNegativeHits()
        + ", earlyRefreshes=" + getEarlyRefreshes() + ", staleFillsRejected=" + getStaleFillsRejected()
        + ", undecodableReads=" + getUndecodableReads() + ", failedReads=" + getFailedReads() + ", failedWrites="
        + getFailedWrites() + ", outageHits=" + getOutageHits() + ", outageLoads=" + getOutageLoads() + ", outageLoadsRefused="
        + getOutageLoadsRefused() + ", outageEntries=" + getOutageEntries() + ", outageWeightedSize="
        + getOutageWeightedSize() + ", outageMaxBytes=" + getOutageMaxBytes() + ", outageEvictions="
        + getOutageEvictions() + ", outageEvictedBytes=" + getOutageEvictedBytes() + ", outageTooLargeNotKept="
        + getOutageTooLargeNotKept() + "]";
  }
}
