package dev.aside.resilience;

import dev.aside.redis.KeyLayout;
import dev.aside.redis.RedisStore;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background task that brings a manager back from a Redis outage: while the breaker is open it
 * probes Redis (PING), and once Redis answers it replays every queued invalidation before closing
 * the breaker, so the cache is trusted again only when nothing stale is left. Queued invalidations
 * are also retried while the breaker stays closed (a single failed removal does not open it).
 */
public final class RedisHealth implements ResilienceMetricsMXBean, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RedisHealth.class);
  private static final long TICK_MILLIS = 100;

  private final RedisStore store;
  private final CircuitBreaker breaker;
  private final InvalidationQueue queue;
  private final String redacted;
  private final ScheduledExecutorService scheduler;
  private final List<Runnable> whenTrusted = new CopyOnWriteArrayList<>();

  public RedisHealth(RedisStore store, CircuitBreaker breaker, InvalidationQueue queue, String redactedUri) {
    this.store = Objects.requireNonNull(store);
    this.breaker = Objects.requireNonNull(breaker);
    this.queue = Objects.requireNonNull(queue);
    this.redacted = Objects.requireNonNull(redactedUri);
    this.scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "aside-health");
      thread.setDaemon(true);
      return thread;
    });
    scheduler.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
  }

  /**
   * Called when the connection to Redis is re-established: an open breaker probes now rather than
   * at the end of its interval. Runs on a Lettuce event loop, so it only hands the probe over.
   */
  public void connectionRestored() {
    breaker.probeNow();
    try {
      scheduler.execute(this::tick);
    } catch (RejectedExecutionException closed) {
      // The manager is closing: nothing to recover.
    }
  }

  /**
   * Runs {@code action} each time Redis is trusted again: after the breaker closed, or after queued
   * invalidations were replayed while it stayed closed. Returns what unregisters it.
   */
  public Runnable whenTrustedAgain(Runnable action) {
    whenTrusted.add(Objects.requireNonNull(action));
    return () -> whenTrusted.remove(action);
  }

  private void trusted() {
    whenTrusted.forEach(Runnable::run);
  }

  private void tick() {
    try {
      if (breaker.startProbe()) {
        probe();
      } else if (breaker.state() == CircuitBreaker.State.CLOSED && !queue.isEmpty()) {
        replay();
        trusted();
      }
    } catch (RuntimeException e) {
      log.debug("Replaying invalidations failed; will retry: {}", e.toString());
    }
  }

  private void probe() {
    long replayedBefore = queue.replayed();
    try {
      store.ping();
      replay();
      breaker.probeSucceeded();
      trusted();
      log.info("Redis at {} answers again: {} queued invalidations replayed, circuit breaker closed", redacted,
          queue.replayed() - replayedBefore);
    } catch (RuntimeException e) {
      breaker.probeFailed();
      log.debug("Redis at {} still unavailable: {}", redacted, e.toString());
    }
  }

  private void replay() {
    List<byte[]> keys = queue.pendingKeys();
    List<String> namespaces = queue.pendingNamespaces();
    if (!keys.isEmpty()) {
      store.replayInvalidations(keys);
    }
    for (String namespace : namespaces) {
      store.replayClear(KeyLayout.patternOf(namespace));
    }
    queue.applied(keys, namespaces);
  }

  @Override
  public String getCircuitState() {
    return breaker.state().name();
  }

  @Override
  public long getCircuitOpens() {
    return breaker.opens();
  }

  @Override
  public long getShortCircuitedCommands() {
    return breaker.shortCircuited();
  }

  @Override
  public int getPendingInvalidations() {
    return queue.size();
  }

  @Override
  public long getQueuedInvalidations() {
    return queue.queued();
  }

  @Override
  public long getReplayedInvalidations() {
    return queue.replayed();
  }

  @Override
  public long getInvalidationQueueOverflows() {
    return queue.overflows();
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
