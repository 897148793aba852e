package dev.aside.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aside.manager.AsideCacheManager;
import dev.aside.spi.AsideCachingProvider;
import dev.aside.testkit.RedisServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;

/**
 * An outage says what happens in Aside's own words: one WARN when the breaker opens, with the reason
 * and the URI redacted, however many commands fail or probes are refused; one INFO when it closes.
 */
class BreakerLogTest {
  private static final String PASSWORD = "breaker-Pa55-42";

  @Test
  void theBreakerOpeningAndClosingAreLoggedOnceEach() throws Exception {
    PrintStream err = System.err;
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    try (RedisServer server = RedisServer.builder().password(PASSWORD).start()) {
      System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
      try (AsideCacheManager manager = (AsideCacheManager) new AsideCachingProvider().getCacheManager(
          URI.create(server.uri() + "?timeout=200ms&breakerFailures=3&breakerOpen=100ms"), getClass().getClassLoader())) {
        Cache<String, String> cache = manager.createCache("c",
            new MutableConfiguration<String, String>().setTypes(String.class, String.class));
        cache.put("k", "v");
        server.kill();
        await(() -> {
          cache.get("k");
          return manager.health().getCircuitState().equals("OPEN");
        });
        for (int i = 0; i < 20; i++) {
          cache.get("k");               // short-circuited: no more log lines
        }
        Thread.sleep(500);              // several failed probes (100 ms, 200 ms, ...): no more log lines
        server.restart();
        await(() -> manager.health().getCircuitState().equals("CLOSED"));
      }
    } finally {
      System.setErr(err);
    }
    String text = log.toString(StandardCharsets.UTF_8);
    List<String> ours = text.lines().filter(line -> line.contains("dev.aside.resilience")).toList();

    assertThat(text).doesNotContain(PASSWORD);
    assertThat(ours.stream().filter(line -> line.contains("WARN"))).singleElement().asString()
        .contains("redis://:***@127.0.0.1:").contains("circuit breaker open").contains("commands in a row failed");
    assertThat(ours.stream().filter(line -> line.contains("INFO"))).singleElement().asString()
        .contains("answers again").contains("circuit breaker closed");
  }

  private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() - deadline).as("waited 10 s").isNegative();
      Thread.sleep(10);
    }
  }
}
