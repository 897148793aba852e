package dev.aside.near;

/** JMX view of one cache's near-cache counters; see {@link NearCacheMetrics}. */
public interface NearCacheMetricsMXBean {
  /** Lookups answered from this JVM's memory, counted while the cache's statistics are enabled. */
  long getHits();

  /** Lookups that had to go to Redis (also every lookup while invalidations are not live). */
  long getMisses();

  /** Values read from Redis and kept locally. */
  long getFills();

  /** Fills dropped because the key was invalidated (or the near cache cleared) while Redis was being read. */
  long getStaleFillsDropped();

  /** Invalidation messages from Redis that named an entry of this cache. */
  long getInvalidationsReceived();

  /** Whole-cache clears: FLUSHALL/FLUSHDB, a lost or silent invalidation connection, an explicit clear. */
  long getFullClears();

  /** Entries dropped by the size bound or by their local/Redis lifetime. */
  long getEvictions();

  /** Approximate number of entries held. */
  long getSize();

  /** Whether the near cache currently serves hits (Redis tracking is known to be on). */
  boolean isLive();

  /** Estimated bytes the entries held weigh; at most {@link #getMaxBytes()} once evictions have run. */
  long getWeightedSize();

  /** The byte bound ({@code near-cache-max-bytes}, by default 5% of the maximum heap). */
  long getMaxBytes();

  /** Weight of the entries evicted, in bytes (evictions by the byte or count bound and by lifetime). */
  long getEvictedBytes();

  /** Values read from Redis but not kept locally because one entry would weigh more than 1/16 of the byte bound. */
  long getTooLargeNotKept();
}
