package dev.aside.near;

import java.time.Duration;
import java.util.Objects;

/**
 * Opt-in settings of one cache's near cache.
 *
 * <p>The near cache is always bounded in bytes: Caffeine weighs each entry by the bytes it keeps
 * ({@link Footprint}) and evicts past {@code maxBytes}. With a count bound too, every entry weighs at
 * least {@code maxBytes / maxEntries}, so the one weight bound enforces both (Caffeine cannot have a
 * size and a weight bound at once). An entry heavier than {@link #maxEntryBytes()} is not kept at all.
 *
 * @param maxEntries most entries kept in this JVM, or 0 for no count bound (the byte bound still holds)
 * @param maxLocalLifetime longest an entry is served from this JVM after it was read from Redis; an entry
 *     also never outlives the Redis TTL it was filled with, whichever ends first
 * @param maxBytes most bytes the entries kept in this JVM may weigh; see {@link #defaultMaxBytes()}
 */
public record NearCacheSettings(long maxEntries, Duration maxLocalLifetime, long maxBytes) {
  /** The share of the maximum heap a near cache may weigh by default, per cache: 1/20 (5%). */
  public static final int DEFAULT_HEAP_DIVISOR = 20;
  /** An entry may weigh at most this fraction of the byte bound (1/16): a 1 MiB value is kept under a 64 MiB bound. */
  public static final int MAX_ENTRY_DIVISOR = 16;

  public NearCacheSettings {
    Objects.requireNonNull(maxLocalLifetime, "maxLocalLifetime");
    if (maxEntries < 0) {
      throw new IllegalArgumentException("maxEntries must not be negative, got " + maxEntries);
    }
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
    }
    if (maxLocalLifetime.isNegative() || maxLocalLifetime.isZero()) {
      throw new IllegalArgumentException("maxLocalLifetime must be positive, got " + maxLocalLifetime);
    }
  }

  /** A count bound of {@code maxEntries} (positive) and the default byte bound. */
  public NearCacheSettings(long maxEntries, Duration maxLocalLifetime) {
    this(requirePositive(maxEntries), maxLocalLifetime, defaultMaxBytes());
  }

  /** The byte bound of a near cache when none is configured: 5% of the JVM's maximum heap. */
  public static long defaultMaxBytes() {
    return Math.max(1, Runtime.getRuntime().maxMemory() / DEFAULT_HEAP_DIVISOR);
  }

  /** The heaviest entry kept: {@code maxBytes / 16}, and at most what Caffeine's int weights hold. */
  public int maxEntryBytes() {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, maxBytes / MAX_ENTRY_DIVISOR));
  }

  /**
   * The least an entry weighs: {@code maxBytes / maxEntries} (rounded down, so that exactly {@code maxEntries}
   * such entries fit) with a count bound, else 0.
   */
  public int minEntryWeight() {
    return maxEntries == 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, maxBytes / maxEntries);
  }

  private static long requirePositive(long maxEntries) {
    if (maxEntries <= 0) {
      throw new IllegalArgumentException("maxEntries must be positive, got " + maxEntries);
    }
    return maxEntries;
  }
}
