package dev.aside.expiry;

import dev.aside.redis.Ttl;
import java.util.Objects;
import java.util.Set;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;
import javax.cache.expiry.TouchedExpiryPolicy;

/**
 * The TTLs (in {@link Ttl} terms) that one cache's expiry policy asks for on creation, update and access.
 *
 * <p>The JCache standard policies always answer the same, so their answers are read once and every
 * write can go to Redis in one command with both TTLs. Any other policy is asked only at the moment
 * the spec says (creation only when an entry is created, and so on), which the cache honours by
 * reading the entry first; see {@link #isPredictable()}. As in the reference implementation, a
 * policy that throws means "eternal" on creation and "unchanged" on update or access.
 */
public final class ExpiryTimes {
  private static final Set<Class<?>> STANDARD = Set.of(EternalExpiryPolicy.class, CreatedExpiryPolicy.class,
      ModifiedExpiryPolicy.class, AccessedExpiryPolicy.class, TouchedExpiryPolicy.class);

  private final ExpiryPolicy policy;
  private final ExpiryPolicy answering;
  private final double jitter;
  private final boolean predictable;
  private final long creation;
  private final long update;
  private final long access;

  public ExpiryTimes(ExpiryPolicy policy) {
    this.policy = Objects.requireNonNull(policy);
    // A jittered standard policy is as predictable as the standard policy; the jitter is added here.
    ExpiryPolicy inner = policy instanceof JitteredExpiryPolicy j ? j.delegate() : policy;
    this.predictable = STANDARD.contains(inner.getClass());
    this.answering = predictable ? inner : policy;
    this.jitter = predictable && policy instanceof JitteredExpiryPolicy j ? j.jitter() : 0;
    this.creation = predictable ? askCreation() : 0;
    this.update = predictable ? askUpdate() : 0;
    this.access = predictable ? askAccess() : 0;
  }

  /** Whether the answers are fixed, so they may be computed before knowing if an entry exists. */
  public boolean isPredictable() {
    return predictable;
  }

  /** Whether reads may have to change an entry's TTL (always assumed for a custom policy). */
  public boolean touchesOnAccess() {
    return !predictable || access != Ttl.KEEP;
  }

  public ExpiryPolicy policy() {
    return policy;
  }

  /** TTL of a new entry: positive, {@link Ttl#ETERNAL} or {@link Ttl#EXPIRED}. */
  public long creation() {
    return predictable ? JitteredExpiryPolicy.lengthen(creation, jitter) : askCreation();
  }

  /** TTL after an update: positive, {@link Ttl#ETERNAL}, {@link Ttl#EXPIRED} or {@link Ttl#KEEP}. */
  public long update() {
    return predictable ? JitteredExpiryPolicy.lengthen(update, jitter) : askUpdate();
  }

  /**
   * For a predictable policy, the one TTL that serves a write whether it creates or updates the
   * entry, so a plain {@code SET} is exact; {@link Long#MIN_VALUE} when creation and update differ.
   */
  public long anyWrite() {
    if (!predictable || creation == Ttl.EXPIRED) {
      return Long.MIN_VALUE;
    }
    if (update == creation || (update == Ttl.KEEP && creation == Ttl.ETERNAL)) {
      return JitteredExpiryPolicy.lengthen(update, jitter);
    }
    return Long.MIN_VALUE;
  }

  /** TTL after a read: positive, {@link Ttl#ETERNAL}, {@link Ttl#EXPIRED} or {@link Ttl#KEEP}. */
  public long access() {
    return predictable ? access : askAccess();
  }

  private long askCreation() {
    try {
      Duration d = answering.getExpiryForCreation();
      return d == null ? Ttl.ETERNAL : toTtl(d);
    } catch (RuntimeException e) {
      return Ttl.ETERNAL;
    }
  }

  private long askUpdate() {
    try {
      Duration d = answering.getExpiryForUpdate();
      return d == null ? Ttl.KEEP : toTtl(d);
    } catch (RuntimeException e) {
      return Ttl.KEEP;
    }
  }

  private long askAccess() {
    try {
      Duration d = answering.getExpiryForAccess();
      return d == null ? Ttl.KEEP : toTtl(d);
    } catch (RuntimeException e) {
      return Ttl.KEEP;
    }
  }

  /** Converts a JCache duration to a TTL; sub-millisecond durations round up so they still expire, not vanish. */
  public static long toTtl(Duration d) {
    if (d.isEternal()) {
      return Ttl.ETERNAL;
    }
    if (d.isZero()) {
      return Ttl.EXPIRED;
    }
    long nanos = d.getTimeUnit().toNanos(d.getDurationAmount());
    return Math.max(1, (nanos + 999_999) / 1_000_000);
  }
}
