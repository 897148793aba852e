package dev.aside.resilience;

import java.time.Duration;
import java.util.Objects;

/**
 * Manager-wide failure handling settings (URI options {@code breakerFailures}, {@code breakerOpen},
 * {@code invalidationQueue}, {@code outageMaxLoads}, {@code outageLoadWait}).
 *
 * @param breakerFailures consecutive Redis failures (timeouts, lost connections) that open the breaker; default 5
 * @param breakerOpen how long the breaker first stays open before probing; doubles on each failed probe up to 2 s; default 1 s
 * @param invalidationQueue capacity of the queue of invalidations awaiting replay; default 10,000
 * @param outageMaxLoads most loader calls in flight in this manager while failing open, or 0 for no cap (the
 *     default); see {@link OutageLoads}
 * @param outageLoadWait how long a load over that cap waits for a free slot before it is refused; default the
 *     command timeout
 */
public record ResilienceSettings(int breakerFailures, Duration breakerOpen, int invalidationQueue, int outageMaxLoads,
    Duration outageLoadWait) {
  public static final ResilienceSettings DEFAULTS =
      new ResilienceSettings(5, Duration.ofSeconds(1), 10_000, 0, Duration.ofMillis(500));
  public static final Duration MAX_OPEN = Duration.ofSeconds(2);

  public ResilienceSettings {
    Objects.requireNonNull(breakerOpen);
    Objects.requireNonNull(outageLoadWait);
    if (breakerFailures < 1 || invalidationQueue < 1 || breakerOpen.isNegative() || breakerOpen.isZero()) {
      throw new IllegalArgumentException("breakerFailures and invalidationQueue must be positive, breakerOpen > 0");
    }
    if (outageMaxLoads < 0 || outageLoadWait.isNegative()) {
      throw new IllegalArgumentException("outageMaxLoads and outageLoadWait must not be negative");
    }
  }
}
