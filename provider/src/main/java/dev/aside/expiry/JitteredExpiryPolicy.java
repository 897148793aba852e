package dev.aside.expiry;

import java.io.Closeable;
import java.io.IOException;
import java.io.Serializable;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.cache.configuration.Factory;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;

/**
 * An {@link ExpiryPolicy} that lengthens another policy's creation and update durations by a random
 * fraction in {@code [0, jitter]}, so entries written together do not all expire together.
 *
 * <p>Each method asks the wrapped policy exactly once (no extra calls); eternal, zero and
 * {@code null} answers, and every access duration, pass through unchanged. Serializable, like the
 * JCache policies, when the wrapped policy is; closing it closes the wrapped policy, so a cache that
 * closes its policy (JCache's rule for {@link Closeable} ones) closes the one the user gave.
 */
public final class JitteredExpiryPolicy implements ExpiryPolicy, Serializable, Closeable {
  private static final long serialVersionUID = 1L;

  /** The jitter the article this project grew from uses: up to 10% longer. */
  public static final double DEFAULT_JITTER = 0.10;

  private final ExpiryPolicy delegate;
  private final double jitter;

  public JitteredExpiryPolicy(ExpiryPolicy delegate, double jitter) {
    this.delegate = Objects.requireNonNull(delegate);
    if (!(jitter >= 0 && jitter <= 1)) {
      throw new IllegalArgumentException("jitter must be within 0..1, was " + jitter);
    }
    this.jitter = jitter;
  }

  /** A factory of jittered policies around the policies {@code delegate} creates. */
  public static Factory<ExpiryPolicy> factoryOf(Factory<? extends ExpiryPolicy> delegate, double jitter) {
    return new JitteredFactory(delegate, jitter);
  }

  public ExpiryPolicy delegate() {
    return delegate;
  }

  public double jitter() {
    return jitter;
  }

  @Override
  public Duration getExpiryForCreation() {
    return lengthen(delegate.getExpiryForCreation());
  }

  @Override
  public Duration getExpiryForAccess() {
    return delegate.getExpiryForAccess();
  }

  @Override
  public Duration getExpiryForUpdate() {
    return lengthen(delegate.getExpiryForUpdate());
  }

  @Override
  public void close() throws IOException {
    if (delegate instanceof Closeable closeable) {
      closeable.close();
    }
  }

  private Duration lengthen(Duration duration) {
    if (duration == null || duration.isEternal() || duration.isZero() || jitter == 0) {
      return duration;
    }
    // JCache durations go down to milliseconds only.
    long millis = duration.getTimeUnit().toMillis(duration.getDurationAmount());
    return new Duration(TimeUnit.MILLISECONDS, lengthen(millis, jitter));
  }

  /** Adds jitter to a TTL in milliseconds (positive TTLs only). */
  static long lengthen(long ttlMillis, double jitter) {
    if (ttlMillis <= 0 || jitter == 0) {
      return ttlMillis;
    }
    return ttlMillis + (long) (ttlMillis * jitter * ThreadLocalRandom.current().nextDouble());
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof JitteredExpiryPolicy that && delegate.equals(that.delegate) && jitter == that.jitter;
  }

  @Override
  public int hashCode() {
    return 31 * delegate.hashCode() + Double.hashCode(jitter);
  }

  /** The serializable factory behind {@link #factoryOf}. */
  private static final class JitteredFactory implements Factory<ExpiryPolicy> {
    private static final long serialVersionUID = 1L;
    private final Factory<? extends ExpiryPolicy> delegate;
    private final double jitter;

    JitteredFactory(Factory<? extends ExpiryPolicy> delegate, double jitter) {
      this.delegate = Objects.requireNonNull(delegate);
      this.jitter = jitter;
    }

    @Override
    public ExpiryPolicy create() {
      return new JitteredExpiryPolicy(delegate.create(), jitter);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof JitteredFactory that && delegate.equals(that.delegate) && jitter == that.jitter;
    }

    @Override
    public int hashCode() {
      return 31 * delegate.hashCode() + Double.hashCode(jitter);
    }
  }
}
