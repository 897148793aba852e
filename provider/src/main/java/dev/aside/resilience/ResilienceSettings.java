package dev.aside.resilience;

import java.time.Duration;
import java.util.Objects;

/**
 * Manager-wide failure handling settings (URI options {@code breakerFailures}, {@code breakerOpen},
 * {@code invalidationQueue}).
 *
 * @param breakerFailures consecutive Redis failures (timeouts, lost connections) that open the breaker; default 5
 * @param breakerOpen how long the breaker first stays open before probing; doubles on each failed probe up to 2 s; default 1 s
 * @param invalidationQueue capacity of the queue of invalidations awaiting replay; default 10,000
 */
public record ResilienceSettings(int breakerFailures, Duration breakerOpen, int invalidationQueue) {
  public static final ResilienceSettings DEFAULTS = new ResilienceSettings(5, Duration.ofSeconds(1), 10_000);
  public static final Duration MAX_OPEN = Duration.ofSeconds(2);

  public ResilienceSettings {
    Objects.requireNonNull(breakerOpen);
    if (breakerFailures < 1 || invalidationQueue < 1 || breakerOpen.isNegative() || breakerOpen.isZero()) {
      throw new IllegalArgumentException("breakerFailures and invalidationQueue must be positive, breakerOpen > 0");
    }
  }
}
