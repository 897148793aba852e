package dev.aside.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aside.config.AsideConfiguration;
import dev.aside.spi.AsideCachingProvider;
import dev.aside.testkit.RedisServer;
import dev.aside.testkit.RedisTest;
import io.lettuce.core.RedisClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Oversized values are refused before anything is sent; a password never shows in logs, exceptions, toString or MBean names. */
@RedisTest
class HostileInputTest {
  private static final String SECRET = "s3cret-Pw-9f2";
  private static RedisServer server;

  @BeforeAll
  static void start() {
    server = RedisServer.builder().password(SECRET).start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static URI uri(String password, String options) {
    return URI.create("redis://:" + password + "@127.0.0.1:" + server.port() + options);
  }

  @Test
  void aValueAboveTheMaximumSizeIsRefusedBeforeAnythingIsSent() {
    CacheManager manager = new AsideCachingProvider().getCacheManager(uri(SECRET, "?prefix=big"), getClass().getClassLoader());
    try {
      AsideConfiguration<String, String> config = new AsideConfiguration<>();
      config.setTypes(String.class, String.class);
      config.setMaxValueBytes(100);
      Cache<String, String> cache = manager.createCache("small", config);

      assertThatThrownBy(() -> cache.put("k", "x".repeat(200)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("max-value-size").hasMessageContaining("small");
      cache.put("k2", "fits");

      RedisClient client = RedisClient.create(uri(SECRET, "").toString());
      try (var connection = client.connect()) {
        assertThat(connection.sync().exists("big:small:{k}")).isZero();
        assertThat(connection.sync().exists("big:small:{k2}")).isOne();
      } finally {
        client.shutdown();
      }
    } finally {
      manager.close();
    }
  }

  @Test
  void thePasswordNeverShows() throws Exception {
    PrintStream originalErr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    StringBuilder seen = new StringBuilder();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      CacheManager manager = new AsideCachingProvider().getCacheManager(uri(SECRET, "?prefix=pw"), getClass().getClassLoader());
      AsideConfiguration<String, String> config = new AsideConfiguration<>();
      config.setTypes(String.class, String.class);
      config.setStatisticsEnabled(true);
      config.setManagementEnabled(true);
      Cache<String, String> cache = manager.createCache("c", config);
      cache.put("a", "b");
      seen.append(manager).append(cache).append(manager.getCacheNames());
      for (ObjectName name : ManagementFactory.getPlatformMBeanServer().queryNames(null, null)) {
        seen.append(name).append('\n');
      }
      try {
        new AsideCachingProvider().getCacheManager(uri(SECRET + "-wrong", ""), getClass().getClassLoader());
      } catch (RuntimeException e) {
        seen.append(e).append(e.getCause());
      }
      try {
        manager.createCache("c", config);
      } catch (RuntimeException e) {
        seen.append(e);
      }
      manager.close();
    } finally {
      System.setErr(originalErr);
    }
    seen.append(captured.toString(StandardCharsets.UTF_8));
    assertThat(seen.toString()).contains("***").doesNotContain(SECRET);
  }
}
