package dev.aside.resilience;

import dev.aside.near.NearCacheSettings;
import java.time.Duration;
import java.util.Objects;

/**
 * The bounds of one cache's gutter: how long a value is served ({@code outage-ttl}) and how much it keeps.
 *
 * <p>The gutter is always bounded in bytes, like the near cache: Caffeine weighs each entry by what it keeps
 * and evicts past {@code maxBytes}. With a count bound too, every entry weighs at least
 * {@code maxBytes / maxEntries}, so the one weight bound enforces both. An entry heavier than
 * {@link #maxEntryBytes()} is not kept.
 *
 * @param ttl how long a value is served from the gutter, from the start of the load (or read) that produced it
 * @param maxEntries most values kept, or 0 for no count bound (the byte bound still holds)
 * @param maxBytes most bytes the gutter's entries may weigh; see {@link #defaultMaxBytes()}
 */
public record GutterSettings(Duration ttl, long maxEntries, long maxBytes) {
  /** An entry may weigh at most this fraction of the byte bound (1/16), as in the near cache. */
  public static final int MAX_ENTRY_DIVISOR = NearCacheSettings.MAX_ENTRY_DIVISOR;

  public GutterSettings {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("a gutter needs a positive outage-ttl, got " + ttl);
    }
    if (maxEntries < 0) {
      throw new IllegalArgumentException("outage-max-entries must not be negative, got " + maxEntries);
    }
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("outage-max-bytes must be positive, got " + maxBytes);
    }
  }

  /** The byte bound of a gutter when none is configured: 5% of the JVM's maximum heap, as for a near cache. */
  public static long defaultMaxBytes() {
    return NearCacheSettings.defaultMaxBytes();
  }

  /** The heaviest entry kept: {@code maxBytes / 16}, and at most what Caffeine's int weights hold. */
  public int maxEntryBytes() {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, maxBytes / MAX_ENTRY_DIVISOR));
  }

  /** The least an entry weighs: {@code maxBytes / maxEntries} with a count bound (so that many fit), else 0. */
  public int minEntryWeight() {
    return maxEntries == 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, maxBytes / maxEntries);
  }
}
