package dev.aside.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aside.config.AsideConfiguration;
import dev.aside.config.ConnectionSettings;
import dev.aside.config.RedactedUri;
import dev.aside.manager.AsideCacheManager;
import dev.aside.spi.AsideCachingProvider;
import dev.aside.testkit.RedisCluster;
import dev.aside.testkit.RedisServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every URI form the README lists, run through every place a URI is shown: the settings' text, the
 * error of a bad option, the log of a degraded start (Redis unreachable), and for the forms a test server can
 * serve, a live manager's {@code toString}, its exceptions, its log lines and the names of every
 * MBean it and its caches register. The password is never there.
 */
class PasswordRedactionTest {
  private static final String PASSWORD = "s3cret";
  private static final String ENCODED_PASSWORD = "s3cr%40t";   // "s3cr@t"
  private static final String DECODED_PASSWORD = "s3cr@t";

  private static RedisServer withPassword;
  private static RedisServer withUsers;
  private static RedisServer sentinel;
  private static RedisCluster cluster;
  private static int deadPort;

  @BeforeAll
  static void start() throws Exception {
    withPassword = RedisServer.builder().password(PASSWORD).start();
    withUsers = RedisServer.builder()
        .arg("--user", "app", "on", ">" + PASSWORD, ">" + DECODED_PASSWORD, "~*", "&*", "+@all").start();
    sentinel = RedisServer.builder().sentinelOf("mymaster", withPassword).start();
    cluster = RedisCluster.builder().masters(3).replicasPerMaster(0).password(PASSWORD).start();
    try (ServerSocket socket = new ServerSocket(0)) {
      deadPort = socket.getLocalPort();
    }
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
    for (RedisServer server : new RedisServer[] {sentinel, withUsers, withPassword}) {
      if (server != null) {
        server.close();
      }
    }
  }

  @Test
  void oneHostWithUserAndPassword() {
    checkLive("redis://app:" + PASSWORD + "@127.0.0.1:" + withUsers.port() + "/0?prefix=red1", PASSWORD);
  }

  @Test
  void oneHostWithPasswordOnly() {
    checkLive("redis://:" + PASSWORD + "@127.0.0.1:" + withPassword.port() + "?prefix=red2", PASSWORD);
  }

  @Test
  void oneHostWithABarePassword() {
    checkLive("redis://" + PASSWORD + "@127.0.0.1:" + withPassword.port() + "?prefix=red3", PASSWORD);
  }

  @Test
  void percentEncodedPassword() {
    checkLive("redis://app:" + ENCODED_PASSWORD + "@127.0.0.1:" + withUsers.port() + "?prefix=red4",
        ENCODED_PASSWORD, DECODED_PASSWORD);
  }

  @Test
  void sentinelWithOneHost() {
    checkLive("redis-sentinel://:" + PASSWORD + "@127.0.0.1:" + sentinel.port() + "/0?sentinelMasterId=mymaster"
        + "&prefix=red5", PASSWORD);
  }

  /* The form that leaked: java.net.URI has no user information for an authority with several hosts. */
  @Test
  void sentinelWithSeveralHosts() {
    checkLive("redis-sentinel://:" + PASSWORD + "@127.0.0.1:" + sentinel.port() + ",127.0.0.1:" + deadPort
        + "/0?sentinelMasterId=mymaster&prefix=red6", PASSWORD);
  }

  @Test
  void sentinelWithUserAndTheMasterAsFragment() {
    checkOffline("redis-sentinel://app:" + PASSWORD + "@127.0.0.1:" + deadPort + ",127.0.0.1:" + deadPort
        + "#mymaster", PASSWORD);
  }

  @Test
  void tls() {
    checkOffline("rediss://app:" + ENCODED_PASSWORD + "@127.0.0.1:" + deadPort + "/1?verifyPeer=CA",
        ENCODED_PASSWORD, DECODED_PASSWORD);
    checkOffline("rediss://:" + PASSWORD + "@127.0.0.1:" + withPassword.port(), PASSWORD);
  }

  @Test
  void tlsSentinel() {
    checkOffline("rediss-sentinel://:" + PASSWORD + "@127.0.0.1:" + deadPort + ",127.0.0.1:" + deadPort
        + "?sentinelMasterId=mymaster", PASSWORD);
  }

  @Test
  void clusterWithAPassword() {
    assertThat(cluster.uri()).contains(":" + PASSWORD + "@");
    checkLive(cluster.uri() + "?prefix=red7", PASSWORD);
  }

  @Test
  void clusterWithSeveralSeeds() {
    checkOffline("redis-cluster://app:" + PASSWORD + "@127.0.0.1:" + deadPort + ",127.0.0.1:" + deadPort
        + "?topologyRefresh=5s", PASSWORD);
    checkOffline("redis-cluster://" + PASSWORD + "@127.0.0.1:" + deadPort, PASSWORD);
  }

  @Test
  void tlsCluster() {
    checkOffline("rediss-cluster://app:" + ENCODED_PASSWORD + "@127.0.0.1:" + deadPort + ",127.0.0.1:" + deadPort
        + "?verifyPeer=CA", ENCODED_PASSWORD, DECODED_PASSWORD);
  }

  @Test
  void clusterOptionThatMakesNoSense() {
    assertThatThrownBy(() -> ConnectionSettings.parse("redis-cluster://:" + PASSWORD + "@127.0.0.1:" + deadPort + "/3"))
        .isInstanceOf(IllegalArgumentException.class)
        .satisfies(e -> assertNoSecret("a cluster database's error", messages(e), PASSWORD));
  }

  @Test
  void textThatIsNotAUri() {
    assertThatThrownBy(() -> ConnectionSettings.parse("redis://app:" + PASSWORD + "@host name:1"))
        .isInstanceOf(IllegalArgumentException.class)
        .satisfies(e -> assertThat(messages(e)).doesNotContain(PASSWORD));
    assertThat(RedactedUri.of("redis://app:" + PASSWORD + "@host name:1")).doesNotContain(PASSWORD);
  }

  /** The places that need no server: the settings' text, a bad option's error, a degraded start's log. */
  private static void checkOffline(String uri, String... secrets) {
    ConnectionSettings settings = ConnectionSettings.parse(uri);
    assertNoSecret("settings.toString()", settings.toString(), secrets);
    assertNoSecret("settings.redacted()", settings.redacted(), secrets);
    assertNoSecret("RedactedUri.of", RedactedUri.of(URI.create(uri)), secrets);
    String bad = withOption(uri, "bogus=1");
    assertThatThrownBy(() -> ConnectionSettings.parse(bad)).isInstanceOf(IllegalArgumentException.class)
        .satisfies(e -> assertNoSecret("a bad option's error", messages(e), secrets));
    String unreachable = withOption(uri.replaceAll("127\\.0\\.0\\.1:\\d+", "127.0.0.1:" + deadPort),
        "connectTimeout=300ms");
    PrintStream err = System.err;
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
    try {
      // Unreachable is an outage: the manager starts degraded and logs why, then keeps connecting.
      CacheManager degraded = new AsideCachingProvider().getCacheManager(URI.create(unreachable),
          PasswordRedactionTest.class.getClassLoader());
      assertNoSecret("a degraded manager's toString", degraded.toString(), secrets);
      degraded.close();
    } finally {
      System.setErr(err);
    }
    assertNoSecret("log lines of a failed connection", log.toString(StandardCharsets.UTF_8), secrets);
  }

  /** The offline places, then a live manager with a plain and a near cache: toString, errors, logs, MBean names. */
  private static void checkLive(String uri, String... secrets) {
    try {
      checkLiveManager(uri, secrets);
    } catch (javax.management.MalformedObjectNameException e) {
      throw new AssertionError(e);
    }
  }

  private static void checkLiveManager(String uri, String... secrets) throws javax.management.MalformedObjectNameException {
    checkOffline(uri, secrets);
    PrintStream err = System.err;
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
    List<String> shown = new ArrayList<>();
    AsideCachingProvider provider = new AsideCachingProvider();
    // A command timeout of 5 s rather than the default 500 ms, as the testkit's URIs have it, so that a busy build
    // machine does not fail the test; the option holds no secret, so the URI is redacted as before.
    String live = withOption(uri, "timeout=5s");
    try {
      CacheManager manager = provider.getCacheManager(URI.create(live), PasswordRedactionTest.class.getClassLoader());
      try {
        /* A connection refused or reset while a busy machine starts the manager is an outage: it starts
           degraded and connects in the background (its messages are checked below too). Writes wait for that. */
        awaitConnected((AsideCacheManager) manager);
        AsideConfiguration<String, String> config = new AsideConfiguration<>();
        config.setTypes(String.class, String.class);
        config.setStatisticsEnabled(true);
        config.setManagementEnabled(true);
        Cache<String, String> plain = manager.createCache("plain", config);
        plain.put("k", "v");
        assertThat(plain.get("k")).as("the manager works with " + RedactedUri.of(live)).isEqualTo("v");
        AsideConfiguration<String, String> nearConfig = new AsideConfiguration<>(config);
        nearConfig.setNearCacheMaxEntries(10);
        manager.createCache("near", nearConfig).put("k", "v");
        shown.add(manager.toString());
        shown.add(plain.toString());
        assertThatThrownBy(() -> manager.createCache("plain", config))
            .satisfies(e -> shown.add(messages(e)));
        List<ObjectName> names = new ArrayList<>();
        for (String domain : List.of("javax.cache", "dev.aside")) {
          names.addAll(ManagementFactory.getPlatformMBeanServer().queryNames(ObjectName.getInstance(domain + ":*"), null));
        }
        assertThat(names).as("MBeans of the manager and its caches")
            .anySatisfy(n -> assertThat(n.toString()).contains("type=CacheStatistics"))
            .anySatisfy(n -> assertThat(n.toString()).contains("type=CacheConfiguration"))
            .anySatisfy(n -> assertThat(n.toString()).contains("type=ReadPath"))
            .anySatisfy(n -> assertThat(n.toString()).contains("type=Resilience"));
        assertThat(names).anySatisfy(n -> assertThat(n.toString()).contains("type=NearCache"));
        names.forEach(n -> shown.add(n.toString()));
      } finally {
        manager.close();
      }
      assertThatThrownBy(() -> manager.createCache("late", new AsideConfiguration<String, String>()))
          .satisfies(e -> shown.add(messages(e)));
    } catch (RuntimeException | AssertionError e) {
      e.addSuppressed(new AssertionError("what the manager logged:\n" + log.toString(StandardCharsets.UTF_8)));
      throw e;
    } finally {
      System.setErr(err);
    }
    shown.add(log.toString(StandardCharsets.UTF_8));
    for (String text : shown) {
      assertNoSecret("shown by a live manager", text, secrets);
    }
  }

  private static void awaitConnected(AsideCacheManager manager) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    String state;
    while (!(state = manager.health().getCircuitState()).equals("CLOSED")) {
      assertThat(System.nanoTime() - deadline).as("waited 10 s for the manager to connect, its breaker " + state)
          .isNegative();
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
  }

  private static void assertNoSecret(String where, String text, String... secrets) {
    for (String secret : secrets) {
      assertThat(text).as(where).doesNotContain(secret);
    }
  }

  /** The URI with one more query option, ahead of any fragment. */
  private static String withOption(String uri, String option) {
    int hash = uri.indexOf('#');
    String head = hash < 0 ? uri : uri.substring(0, hash);
    String fragment = hash < 0 ? "" : uri.substring(hash);
    return head + (head.contains("?") ? "&" : "?") + option + fragment;
  }

  /** Every message of the exception's cause chain. */
  private static String messages(Throwable e) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      all.append(t).append('\n');
    }
    return all.toString();
  }
}
