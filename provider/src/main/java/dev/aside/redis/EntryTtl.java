package dev.aside.redis;

/**
 * What a write or an access does to an entry's TTL: expire it after some milliseconds, make it
 * eternal, expire it at once (not created, or deleted), or keep whatever TTL it has
 * ({@code KEEPTTL}; a new entry then gets none). The outcomes of a JCache {@code ExpiryPolicy}, as
 * {@link RedisStore} applies them. Distinct from {@link Ttl}, which reads {@code PTTL}'s answers.
 */
public final class EntryTtl {
  /** Keep the entry's TTL ({@code KEEPTTL}); a new entry gets none. */
  public static final EntryTtl KEEP = new EntryTtl(-2);
  /** The entry never expires. */
  public static final EntryTtl ETERNAL = new EntryTtl(-1);
  /** The entry expires at once: not created, or deleted. */
  public static final EntryTtl EXPIRED = new EntryTtl(0);

  /* The number the Lua scripts read: >0 milliseconds, -1 eternal, -2 keep, 0 expired. */
  private final long code;

  private EntryTtl(long code) {
    this.code = code;
  }

  /** Expire after {@code millis} milliseconds (at least 1). */
  public static EntryTtl ofMillis(long millis) {
    if (millis <= 0) {
      throw new IllegalArgumentException("A TTL must be positive, was " + millis + " ms");
    }
    return new EntryTtl(millis);
  }

  /** Whether the entry expires after a number of milliseconds ({@link #millis()}). */
  public boolean isFinite() {
    return code > 0;
  }

  /** The milliseconds after which the entry expires; only for a {@linkplain #isFinite() finite} TTL. */
  public long millis() {
    if (code <= 0) {
      throw new IllegalStateException(this + " has no milliseconds");
    }
    return code;
  }

  public boolean isKeep() {
    return this == KEEP;
  }

  public boolean isEternal() {
    return this == ETERNAL;
  }

  public boolean isExpired() {
    return this == EXPIRED;
  }

  /** The TTL argument of the Lua scripts, as their headers describe it. */
  String scriptArgument() {
    return Long.toString(code);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof EntryTtl ttl && ttl.code == code;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(code);
  }

  @Override
  public String toString() {
    return code > 0 ? code + "ms" : this == KEEP ? "KEEP" : this == ETERNAL ? "ETERNAL" : "EXPIRED";
  }
}
