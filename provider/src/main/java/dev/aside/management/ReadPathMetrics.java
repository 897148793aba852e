package dev.aside.management;

import java.util.concurrent.atomic.LongAdder;

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
        + getFailedWrites() + "]";
  }
}
