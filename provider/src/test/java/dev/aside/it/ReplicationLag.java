package dev.aside.it;

import dev.aside.testkit.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.Predicate;

/**
 * Makes a master's replica lag for real: with the replica paused (SIGSTOP), writes unrelated keys
 * until more replication data is waiting than the sockets between them can hold (the most the
 * kernel buffers a loopback connection: the largest receive buffer plus the largest send buffer it
 * allows, and a margin). The master keeps the rest in its own memory, and whatever it applies next
 * is queued behind it: killed now, the master takes those writes with it, whatever its clients
 * were told.
 */
final class ReplicationLag {
  private static final int FILLER_BYTES = 1 << 20;
  private static final long MARGIN_BYTES = 4L << 20;

  private ReplicationLag() {}

  /** Writes 1 MiB values under {@code fillerKey.apply(i)} (keys the master serves) past what the sockets can hold. */
  static void holdBack(RedisServer master, IntFunction<String> fillerKey) {
    long fillers = (socketBufferBytes() + MARGIN_BYTES) / FILLER_BYTES + 1;
    RedisClient client = RedisClient.create(master.uri());
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      RedisCommands<String, String> redis = connection.sync();
      String filler = "x".repeat(FILLER_BYTES);
      for (int i = 0; i < fillers; i++) {
        redis.set(fillerKey.apply(i), filler);
      }
    } finally {
      client.shutdown();
    }
  }

  /** The most a TCP connection's two ends buffer in the kernel: the largest receive plus the largest send buffer. */
  private static long socketBufferBytes() {
    return largest("/proc/sys/net/ipv4/tcp_rmem", 6L << 20) + largest("/proc/sys/net/ipv4/tcp_wmem", 4L << 20)
        + largest("/proc/sys/net/core/rmem_max", 0) + largest("/proc/sys/net/core/wmem_max", 0);
  }

  /** The last number in a sysctl file (the maximum of min/default/max triples), or {@code otherwise}. */
  private static long largest(String file, long otherwise) {
    try {
      String[] numbers = Files.readString(Path.of(file)).trim().split("\\s+");
      return Long.parseLong(numbers[numbers.length - 1]);
    } catch (IOException | RuntimeException e) {
      return otherwise;
    }
  }

  /** Whether a key of {@code server} satisfies {@code test} (a small test keyspace: KEYS is fine). */
  static boolean holds(RedisServer server, Predicate<String> test) {
    RedisClient client = RedisClient.create(server.uri());
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      List<String> keys = connection.sync().keys("*");
      return keys.stream().anyMatch(test);
    } finally {
      client.shutdown();
    }
  }
}
