package dev.aside.spring.boot.health;

import dev.aside.resilience.RedisHealth;
import dev.aside.spring.boot.cache.AsideSpringCacheManager;
import java.util.Objects;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The health of the Aside cache manager behind Spring's caching: UP while its circuit breaker is closed
 * (Redis answers), DOWN while it is open or probing, with the breaker's state and the invalidation backlog
 * as details (never a URI or password).
 *
 * <p>The breaker is the signal: it opens after consecutive failed commands, and the manager probes
 * Redis in the background until it answers. An application that sends no command notices an outage at
 * its next cache call; the health then turns DOWN.
 */
public final class AsideHealthIndicator implements HealthIndicator {
  private final AsideSpringCacheManager manager;

  public AsideHealthIndicator(AsideSpringCacheManager manager) {
    this.manager = Objects.requireNonNull(manager);
  }

  @Override
  public Health health() {
    RedisHealth redis = manager.aside().health();
    String circuit = redis.getCircuitState();
    Health.Builder health = "CLOSED".equals(circuit) ? Health.up() : Health.down();
    return health
        .withDetail("cacheManager", manager.name())
        .withDetail("circuitState", circuit)
        .withDetail("circuitOpens", redis.getCircuitOpens())
        .withDetail("pendingInvalidations", redis.getPendingInvalidations())
        .withDetail("queuedInvalidations", redis.getQueuedInvalidations())
        .withDetail("replayedInvalidations", redis.getReplayedInvalidations())
        .withDetail("invalidationQueueOverflows", redis.getInvalidationQueueOverflows())
        .build();
  }
}
