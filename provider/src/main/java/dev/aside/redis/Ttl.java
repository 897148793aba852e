package dev.aside.redis;

/**
 * An entry's remaining time to live as Redis reports it ({@code PTTL}), in milliseconds: a positive
 * number, or one of the constants below. What a write does to a TTL is an {@link EntryTtl}, never
 * one of these numbers.
 */
public final class Ttl {
  /** The entry exists and never expires ({@code PTTL} answers -1). */
  public static final long ETERNAL = -1;
  /** The entry does not exist ({@code PTTL} answers -2). */
  public static final long ABSENT = -2;
  /** No time left: the entry expires now. */
  public static final long EXPIRED = 0;

  private Ttl() {}
}
