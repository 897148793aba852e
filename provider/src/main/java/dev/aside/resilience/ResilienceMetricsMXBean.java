package dev.aside.resilience;

/** JMX view of a cache manager's Redis health ({@code dev.aside:type=Resilience,CacheManager=…}). */
public interface ResilienceMetricsMXBean {
  /** CLOSED (healthy), OPEN (Redis bypassed) or HALF_OPEN (probing). */
  String getCircuitState();

  /** How many times the breaker opened. */
  long getCircuitOpens();

  /** Commands refused without being sent while the breaker was open. */
  long getShortCircuitedCommands();

  /** Invalidations waiting to be applied. */
  int getPendingInvalidations();

  /** Invalidations ever queued after a failed write or removal. */
  long getQueuedInvalidations();

  /** Queued invalidations applied after Redis came back. */
  long getReplayedInvalidations();

  /** Times the queue was full and a whole cache was marked for clearing instead. */
  long getInvalidationQueueOverflows();
}
