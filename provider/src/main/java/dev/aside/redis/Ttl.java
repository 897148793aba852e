package dev.aside.redis;

/**
 * TTL arguments understood by {@link RedisStore} and its scripts, in milliseconds.
 *
 * <p>A positive number expires the entry after that many milliseconds; the constants below carry
 * the other outcomes of a JCache {@code ExpiryPolicy}.
 */
public final class Ttl {
  /** Keep whatever TTL the entry has ({@code KEEPTTL}); a new entry gets none. */
  public static final long KEEP = -2;
  /** The entry never expires. */
  public static final long ETERNAL = -1;
  /** The entry is expired at once: not created, or deleted. */
  public static final long EXPIRED = 0;

  private Ttl() {}
}
