package dev.aside.expiry;

import dev.aside.redis.EntryTtl;
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
 * The TTLs ({@link EntryTtl}s) that one cache's expiry policy asks for on creation, update and access.
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
  private final EntryTtl creation;
  private final EntryTtl update;
  private final EntryTtl access;
  private final boolean oneWriteTtl;

  public ExpiryTimes(ExpiryPolicy policy) {
    this.policy = Objects.requireNonNull(policy);
    // A jittered standard policy is as predictable as the standard policy; the jitter is added here.
    ExpiryPolicy inner = policy instanceof JitteredExpiryPolicy j ? j.delegate() : policy;
    this.predictable = STANDARD.contains(inner.getClass());
    this.answering = predictable ? inner : policy;
    this.jitter = predictable && policy instanceof JitteredExpiryPolicy j ? j.jitter() : 0;
    this.creation = predictable ? askCreation() : null;
    this.update = predictable ? askUpdate() : null;
    this.access = predictable ? askAccess() : null;
    this.oneWriteTtl = predictable && !creation.isExpired()
        && (update.equals(creation) || (update.isKeep() && creation.isEternal()));
  }

  /** Whether the answers are fixed, so they may be computed before knowing if an entry exists. */
  public boolean isPredictable() {
    return predictable;
  }

  /** Whether reads may have to change an entry's TTL (always assumed for a custom policy). */
  public boolean touchesOnAccess() {
    return !predictable || !access.isKeep();
  }

  public ExpiryPolicy policy() {
    return policy;
  }

  /** TTL of a new entry: finite, {@link EntryTtl#ETERNAL} or {@link EntryTtl#EXPIRED}. */
  public EntryTtl creation() {
    return predictable ? lengthened(creation) : askCreation();
  }

  /** TTL after an update: finite, {@link EntryTtl#ETERNAL}, {@link EntryTtl#EXPIRED} or {@link EntryTtl#KEEP}. */
  public EntryTtl update() {
    return predictable ? lengthened(update) : askUpdate();
  }

  /**
   * Whether one TTL serves a write whether it creates or updates the entry ({@link #anyWrite()}), so
   * a plain {@code SET} is exact: a predictable policy whose creation and update answers agree.
   */
  public boolean writesOneTtl() {
    return oneWriteTtl;
  }

  /** The one TTL of a write that may create or update; only when {@link #writesOneTtl()}. */
  public EntryTtl anyWrite() {
    if (!oneWriteTtl) {
      throw new IllegalStateException("Creation and update TTLs differ");
    }
    return lengthened(update);
  }

  /** TTL after a read: finite, {@link EntryTtl#ETERNAL}, {@link EntryTtl#EXPIRED} or {@link EntryTtl#KEEP}. */
  public EntryTtl access() {
    return predictable ? access : askAccess();
  }

  private EntryTtl lengthened(EntryTtl ttl) {
    return jitter == 0 || !ttl.isFinite() ? ttl : EntryTtl.ofMillis(JitteredExpiryPolicy.lengthen(ttl.millis(), jitter));
  }

  private EntryTtl askCreation() {
    try {
      Duration d = answering.getExpiryForCreation();
      return d == null ? EntryTtl.ETERNAL : toTtl(d);
    } catch (RuntimeException e) {
      return EntryTtl.ETERNAL;
    }
  }

  private EntryTtl askUpdate() {
    try {
      Duration d = answering.getExpiryForUpdate();
      return d == null ? EntryTtl.KEEP : toTtl(d);
    } catch (RuntimeException e) {
      return EntryTtl.KEEP;
    }
  }

  private EntryTtl askAccess() {
    try {
      Duration d = answering.getExpiryForAccess();
      return d == null ? EntryTtl.KEEP : toTtl(d);
    } catch (RuntimeException e) {
      return EntryTtl.KEEP;
    }
  }

  /** Converts a JCache duration to a TTL; sub-millisecond durations round up so they still expire, not vanish. */
  public static EntryTtl toTtl(Duration d) {
    if (d.isEternal()) {
      return EntryTtl.ETERNAL;
    }
    if (d.isZero()) {
      return EntryTtl.EXPIRED;
    }
    long nanos = d.getTimeUnit().toNanos(d.getDurationAmount());
    return EntryTtl.ofMillis(Math.max(1, (nanos + 999_999) / 1_000_000));
  }
}
