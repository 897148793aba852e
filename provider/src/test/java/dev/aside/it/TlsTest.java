package dev.aside.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aside.cache.AsideCache;
import dev.aside.config.AsideConfiguration;
import dev.aside.spi.AsideCachingProvider;
import dev.aside.testkit.RedisServer;
import dev.aside.testkit.RedisTest;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code rediss://}: a real redis-server serving TLS with a certificate made for the test, trusted
 * through the JVM's standard trust store settings ({@code javax.net.ssl.trustStore}).
 */
@RedisTest
class TlsTest {
  private static final String STORE_PASSWORD = "changeit";
  private static Path dir;
  private static Path trustStore;
  private static RedisServer server;
  private static int tlsPort;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("aside-tls-");
    trustStore = dir.resolve("redis.p12");
    keytool("-genkeypair", "-alias", "redis", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
        "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
        "-keystore", trustStore.toString(), "-storetype", "PKCS12", "-storepass", STORE_PASSWORD);
    Path cert = dir.resolve("redis.crt");
    keytool("-exportcert", "-rfc", "-alias", "redis", "-keystore", trustStore.toString(),
        "-storepass", STORE_PASSWORD, "-file", cert.toString());
    Path key = dir.resolve("redis.key");
    Files.writeString(key, privateKeyPem());
    tlsPort = freePort();
    server = RedisServer.builder()
        .arg("--tls-port", Integer.toString(tlsPort), "--tls-cert-file", cert.toString(),
            "--tls-key-file", key.toString(), "--tls-ca-cert-file", cert.toString(), "--tls-auth-clients", "no")
        .start();
    trust(true);
  }

  @AfterAll
  static void stop() throws IOException {
    trust(false);
    if (server != null) {
      server.close();
    }
    try (var files = Files.list(dir)) {
      for (Path file : files.toList()) {
        Files.delete(file);
      }
    }
    Files.delete(dir);
  }

  private static void trust(boolean on) {
    if (on) {
      System.setProperty("javax.net.ssl.trustStore", trustStore.toString());
      System.setProperty("javax.net.ssl.trustStorePassword", STORE_PASSWORD);
      System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
    } else {
      System.clearProperty("javax.net.ssl.trustStore");
      System.clearProperty("javax.net.ssl.trustStorePassword");
      System.clearProperty("javax.net.ssl.trustStoreType");
    }
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    List<String> command = new ArrayList<>(List.of(keytool.toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("keytool %s: %s", args[0], output).isZero();
  }

  private static String privateKeyPem() throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(trustStore)) {
      store.load(in, STORE_PASSWORD.toCharArray());
    }
    byte[] pkcs8 = store.getKey("redis", STORE_PASSWORD.toCharArray()).getEncoded();
    return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(pkcs8)
        + "\n-----END PRIVATE KEY-----\n";
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /**
   * A manager on the TLS port; {@code options} start with {@code ?}. The command timeout is 5 s rather than the
   * default 500 ms, as the testkit's URIs have it, so that a busy build machine does not fail the test.
   */
  private static CacheManager manager(String options) {
    return new AsideCachingProvider().getCacheManager(
        URI.create("rediss://127.0.0.1:" + tlsPort + options + "&timeout=5s"), TlsTest.class.getClassLoader());
  }

  @Test
  void entriesAndTheNearCacheWorkOverTls() throws Exception {
    try (CacheManager manager = manager("?prefix=tls")) {
      AsideConfiguration<String, String> config = new AsideConfiguration<>();
      config.setTypes(String.class, String.class);
      config.setStatisticsEnabled(true);
      config.setNearCacheMaxEntries(100);
      Cache<String, String> cache = manager.createCache("greetings", config);
      cache.put("en", "hello");
      assertThat(cache.get("en")).isEqualTo("hello");

      // A write by another client (over the plain port) reaches the near cache through the TLS feed.
      var near = cache.unwrap(AsideCache.class).nearCacheMetrics();
      long invalidations = near.getInvalidationsReceived();
      RedisClient plain = RedisClient.create(server.uri());
      try (StatefulRedisConnection<String, String> raw = plain.connect()) {
        raw.sync().del("tls:greetings:{en}");
      } finally {
        plain.shutdown();
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (near.getInvalidationsReceived() == invalidations && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(near.getInvalidationsReceived()).as("invalidations over TLS").isGreaterThan(invalidations);
      assertThat(cache.get("en")).isNull();
    }
  }

  @Test
  void anUntrustedCertificateIsRefusedWithAClearError() {
    trust(false);
    try {
      assertThatThrownBy(() -> manager("?prefix=untrusted"))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("rediss://127.0.0.1:" + tlsPort)
          .hasMessageContaining("certification path");
    } finally {
      trust(true);
    }
  }
}
