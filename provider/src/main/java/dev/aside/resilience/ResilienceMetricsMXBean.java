package dev.aside.resilience;

import java.util.Map;

/** JMX view of a cache manager's Redis health ({@code dev.aside:type=Resilience,CacheManager=…}). */
public interface ResilienceMetricsMXBean {
  /**
   * CLOSED (healthy), OPEN (Redis bypassed) or HALF_OPEN (probing). On a Redis Cluster, where each
   * master has its own breaker, the worst of them: OPEN while any master's keys are bypassed.
   */
  String getCircuitState();

  /** Breakers not closed (open or probing): 0 or 1 for a standalone Redis, up to one per master on a cluster. */
  int getOpenCircuits();

  /** Each breaker's state by the node it guards: the Redis URI (redacted), or a cluster master's {@code host:port}. */
  Map<String, String> getNodeCircuitStates();

  /** How many times a breaker opened. */
  long getCircuitOpens();

  /** Commands refused without being sent while their node's breaker was open. */
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
