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
  private volatile LongSupplier outageEntries = () -> 0;

  /** A read answered from the gutter while Redis was not answering for its key. */
  public void recordOutageHit() {
    outageHits.increment();
  }

  /** A loader call made while Redis was not answering for its key (failing open). */
  public void recordOutageLoad() {
    outageLoads.increment();
  }

  /** Where {@link #getOutageEntries} comes from: the cache's gutter. */
  public void measureOutageEntries(LongSupplier entries) {
    this.outageEntries = java.util.Objects.requireNonNull(entries);
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
        + getFailedWrites() + ", outageHits=" + getOutageHits() + ", outageLoads=" + getOutageLoads() + ", outageEntries="
        + getOutageEntries() + "]";
  }
}
