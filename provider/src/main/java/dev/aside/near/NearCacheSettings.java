package dev.aside.near;

import java.time.Duration;
import java.util.Objects;

/**
 * Opt-in settings of one cache's near cache.
 *
 * @param maxEntries most entries kept in this JVM (Caffeine's size bound; least valuable evicted first)
 * @param maxLocalLifetime longest an entry is served from this JVM after it was read from Redis; an entry
 *     also never outlives the Redis TTL it was filled with, whichever ends first
 */
public record NearCacheSettings(long maxEntries, Duration maxLocalLifetime) {
  public NearCacheSettings {
    Objects.requireNonNull(maxLocalLifetime, "maxLocalLifetime");
    if (maxEntries <= 0) {
      throw new IllegalArgumentException("maxEntries must be positive, got " + maxEntries);
    }
    if (maxLocalLifetime.isNegative() || maxLocalLifetime.isZero()) {
      throw new IllegalArgumentException("maxLocalLifetime must be positive, got " + maxLocalLifetime);
    }
  }
}
