package dev.aside.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aside.manager.AsideCacheManager;
import dev.aside.spi.AsideCachingProvider;
import dev.aside.testkit.RedisCluster;
import dev.aside.testkit.RedisServer;
import dev.aside.testkit.RedisTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import javax.cache.Cache;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;

/**
 * An outage says what happens in Aside's own words: one WARN when the breaker opens, with the reason
 * and the URI redacted (on a cluster, the master's address), however many commands fail or probes
 * are refused; one INFO when it closes.
 */
@RedisTest
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
        await(10, () -> {
          cache.get("k");
          return manager.health().getCircuitState().equals("OPEN");
        });
        for (int i = 0; i < 20; i++) {
          cache.get("k");               // short-circuited: no more log lines
        }
        Thread.sleep(500);              // several failed probes (100 ms, 200 ms, ...): no more log lines
        server.restart();
        await(10, () -> manager.health().getCircuitState().equals("CLOSED"));
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

  /*
   * On a cluster the breaker is the master's: its WARN and INFO name the node (host:port), the MBean
   * lists it by host:port, and the cluster's password appears nowhere. The master is restarted as the
   * same node (its nodes.conf kept), so the same breaker closes.
   */
  @Test
  void aClusterMastersBreakerIsLoggedWithItsAddressNeverThePassword() throws Exception {
    PrintStream err = System.err;
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    RedisServer victim;
    AtomicReference<Map<String, String>> whileDown = new AtomicReference<>();
    try (RedisCluster cluster = RedisCluster.builder().masters(3).password(PASSWORD).start()) {
      System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
      try (AsideCacheManager manager = (AsideCacheManager) new AsideCachingProvider().getCacheManager(
          URI.create(cluster.uri() + "?timeout=200ms&breakerFailures=3&breakerOpen=100ms"), getClass().getClassLoader())) {
        Cache<String, String> cache = manager.createCache("c",
            new MutableConfiguration<String, String>().setTypes(String.class, String.class));
        for (int i = 0; i < 30; i++) {
          cache.put("k" + i, "v");            // a command, so a breaker, for every master
        }
        String key = "k0";
        victim = cluster.masterOf(RedisCluster.slot(key));
        victim.kill();
        // The states are judged as seen when one was OPEN: 100 ms later the victim's may be HALF_OPEN, probing.
        await(10, () -> {
          cache.get(key);
          whileDown.set(manager.health().getNodeCircuitStates());
          return whileDown.get().containsValue("OPEN");
        });
        victim.restart();
        // A restarted cluster master reports cluster_state:fail for about 2 s, while failed probes back off to 2 s
        // and Lettuce's reconnect to 2 s: closing takes several seconds, more on a slow machine.
        await(30, () -> manager.health().getCircuitState().equals("CLOSED"));
      }
    } finally {
      System.setErr(err);
    }
    String text = log.toString(StandardCharsets.UTF_8);
    List<String> ours = text.lines().filter(line -> line.contains("dev.aside.resilience")).toList();
    String node = "127.0.0.1:" + victim.port();

    assertThat(text).doesNotContain(PASSWORD);
    assertThat(whileDown.get()).hasSize(3).containsEntry(node, "OPEN")
        .allSatisfy((address, state) -> assertThat(state).isEqualTo(address.equals(node) ? "OPEN" : "CLOSED"));
    assertThat(ours.stream().filter(line -> line.contains("WARN"))).singleElement().asString()
        .contains("Redis Cluster master " + node + " is unavailable").contains("circuit breaker open")
        .contains("the other masters keep serving their keys");
    assertThat(ours.stream().filter(line -> line.contains("INFO"))).singleElement().asString()
        .contains("Redis Cluster master " + node + " answers again").contains("circuit breaker closed");
  }

  private static void await(long seconds, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() - deadline).as("waited %d s", seconds).isNegative();
      Thread.sleep(10);
    }
  }
}
