package dev.aside.benchmarks;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The slow source behind every {@code stampede} read path: each call is counted in Redis (INCR, before
 * it sleeps, so the count spans all the processes) and in this process, then takes the loader's time.
 */
final class StampedeRepository implements AutoCloseable {
  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;
  private final String counterKey;
  private final int millis;
  private final AtomicLong calls = new AtomicLong();

  StampedeRepository(String redisUri, String counterKey, int millis) {
    this.client = RedisClient.create(Objects.requireNonNull(redisUri));
    this.connection = client.connect();
    this.counterKey = Objects.requireNonNull(counterKey);
    this.millis = millis;
  }

  /** The value every read of {@code key} must return. */
  static String valueOf(String key) {
    return "profile of " + key;
  }

  /** Counts the call, takes the loader's time, and answers {@link #valueOf}. */
  String find(String key) {
    connection.sync().incr(counterKey);
    calls.incrementAndGet();
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return valueOf(key);
  }

  /** The calls made in this process. */
  long calls() {
    return calls.get();
  }

  @Override
  public void close() {
    connection.close();
    client.shutdown();
  }
}
