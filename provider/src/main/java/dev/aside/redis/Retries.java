package dev.aside.redis;

import io.lettuce.core.RedisCommandExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The retries of one command that a Redis Cluster refused for now, made only once it was refused.
 *
 * <p>Retried: the error replies that mean the command was not applied, so sending it again is safe
 * even for a write: {@code TRYAGAIN} (a multi-key command, such as a script on an entry and its
 * lease, while their slot is being migrated), {@code CLUSTERDOWN} (a slot without a master, during a
 * failover), and {@code MOVED} or {@code ASK} beyond the redirects Lettuce follows itself (5). At most
 * {@value #TRIES} tries in all, pausing an eighth of the command timeout (at least 5 ms), then three
 * eighths, and never past the command timeout counted from the first refusal: with the default 500 ms,
 * a slot whose migration ends within about 250 ms costs its scripts a pause but no failure. Then the
 * failure is handed on as any other. Standalone and Sentinel never answer these, so there nothing is
 * retried.
 */
final class Retries {
  static final int TRIES = 3;
  private static final long MIN_PAUSE_MILLIS = 5;

  /** Time as the retries see it: the JVM's, or a test's. */
  interface Clock {
    Clock SYSTEM = new Clock() {
      @Override
      public long nanoTime() {
        return System.nanoTime();
      }

      @Override
      public void sleep(long millis) throws InterruptedException {
        Thread.sleep(millis);
      }
    };

    long nanoTime();

    void sleep(long millis) throws InterruptedException;
  }

  private final long timeoutMillis;
  private final Clock clock;
  private long firstRefusalNanos;
  private int tries = 1;

  Retries(long timeoutMillis) {
    this(timeoutMillis, Clock.SYSTEM);
  }

  Retries(long timeoutMillis, Clock clock) {
    this.timeoutMillis = timeoutMillis;
    this.clock = clock;
  }

  /** Whether {@code cause} is a reply that a later try of the same command may not get. */
  static boolean isRetryable(Throwable cause) {
    if (!(cause instanceof RedisCommandExecutionException) || cause.getMessage() == null) {
      return false;
    }
    String message = cause.getMessage();
    return message.startsWith("TRYAGAIN") || message.startsWith("CLUSTERDOWN") || message.startsWith("MOVED")
        || message.startsWith("ASK");
  }

  /** Whether {@code cause} says the cluster cannot serve the slot: a health failure, like a lost connection. */
  static boolean isClusterDown(Throwable cause) {
    return cause instanceof RedisCommandExecutionException && cause.getMessage() != null
        && cause.getMessage().startsWith("CLUSTERDOWN");
  }

  /**
   * Pauses before the next try of a command that failed with {@code cause}; false, at once, if the
   * cause is not retryable, the tries are used up, or the pause would end past the timeout.
   */
  boolean pauseBeforeRetry(Throwable cause) {
    if (!isRetryable(cause) || tries >= TRIES) {
      return false;
    }
    if (tries == 1) {
      firstRefusalNanos = clock.nanoTime();
    }
    long pause = Math.max(MIN_PAUSE_MILLIS, timeoutMillis * (2 * tries - 1) / 8);
    long elapsed = TimeUnit.NANOSECONDS.toMillis(clock.nanoTime() - firstRefusalNanos);
    if (elapsed + pause > timeoutMillis) {
      return false;
    }
    try {
      clock.sleep(pause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    tries++;
    return true;
  }
}
