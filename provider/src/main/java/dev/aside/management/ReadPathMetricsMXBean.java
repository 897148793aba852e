package dev.aside.management;

/** JMX view of a cache's read-path metrics ({@code dev.aside:type=ReadPath,CacheManager=…,Cache=…}). */
public interface ReadPathMetricsMXBean {
  /** Loader calls made by this JVM (read-through misses, refreshes and own loads after a lease wait). */
  long getLoads();

  /** Misses that joined another thread's load in this JVM instead of loading. */
  long getCoalescedWaits();

  /** Misses that waited for another JVM's lease holder to fill the entry. */
  long getCrossJvmWaits();

  /** Waits for another JVM that ran past the lease wait, after which this JVM loaded on its own. */
  long getLeaseTimeouts();

  /** Reads answered "absent" by a tombstone, without calling the loader. */
  long getNegativeHits();

  /** Background refreshes started before expiry (refresh-ahead). */
  long getEarlyRefreshes();

  /** Fills dropped because the entry was written, removed or invalidated while it loaded. */
  long getStaleFillsRejected();

  /** Reads of bytes that did not decode (foreign, corrupt or disallowed), treated as misses. */
  long getUndecodableReads();

  /** Reads that Redis failed (error, timeout, breaker open) and that were served as misses. */
  long getFailedReads();

  /** Writes and removals that Redis failed; their keys were queued for invalidation. */
  long getFailedWrites();

  /** Reads answered from the gutter ({@code outage-ttl}) while Redis was not answering for their key. */
  long getOutageHits();

  /** Loader calls made while Redis was not answering for their key (failing open). */
  long getOutageLoads();

  /**
   * Loads refused by the manager's {@code outageMaxLoads} while Redis was not answering: the caller waited
   * {@code outageLoadWait} for a free slot, then got a {@code CacheLoaderException}.
   */
  long getOutageLoadsRefused();

  /** Values the gutter holds now. */
  long getOutageEntries();

  /** Bytes the gutter's entries weigh now (encoded values, keys and entry overhead). */
  long getOutageWeightedSize();

  /** The gutter's byte bound ({@code outage-max-bytes}); 0 without a gutter. */
  long getOutageMaxBytes();

  /** Gutter values evicted by its bounds (bytes or entries) before their TTL ran out. */
  long getOutageEvictions();

  /** What the evicted gutter values weighed, in bytes. */
  long getOutageEvictedBytes();

  /** Values not kept in the gutter because they weigh more than 1/16 of its byte bound. */
  long getOutageTooLargeNotKept();
}
