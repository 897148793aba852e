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

  /** Values the gutter holds now. */
  long getOutageEntries();
}
