package dev.aside.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.aside.spi.AsideCachingProvider;
import dev.aside.testkit.RedisFixture;
import dev.aside.testkit.RedisServer;
import dev.aside.testkit.RedisTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bad URIs, options, passwords and config files fail at manager creation, clearly and without showing a password. */
@RedisTest
class ConnectionErrorsTest {
  @RegisterExtension
  static final RedisFixture<AsideCachingProvider> redis = RedisFixture.sharedOrPrivate(AsideCachingProvider::new);

  private static final String SECRET = "s3cret-Pa55";
  private static final String RIGHT = "right-Pa55-4711";
  private static final String WRONG = "wrong-Pa55-0815";

  private static RedisServer guarded;

  @BeforeAll
  static void startPasswordServer() {
    guarded = RedisServer.builder().password(RIGHT).start();
  }

  @AfterAll
  static void stopPasswordServer() {
    if (guarded != null) {
      guarded.close();
    }
  }

  private static ClassLoader loader() {
    return ConnectionErrorsTest.class.getClassLoader();
  }

  /** Message, causes, suppressed exceptions and stack trace, as a log would show them. */
  private static String everything(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return out + "\n" + t;
  }

  private static int deadPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Test
  void unknownOptionIsNamed() {
    CachingProvider provider = Caching.getCachingProvider(AsideCachingProvider.class.getName());
    URI uri = URI.create("redis://127.0.0.1:" + redis.server().port() + "?bogus=1");

    Throwable failure = catchThrowable(() -> provider.getCacheManager(uri, loader()));

    assertThat(failure).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bogus");
  }

  @Test
  void badOptionDoesNotLeaveABrokenManagerBehind() {
    AsideCachingProvider provider = redis.newProvider();
    String prefix = redis.newPrefix();
    URI bad = RedisFixture.withOption(redis.uri(prefix).toString(), "connectTimeout=soon");

    Throwable failure = catchThrowable(() -> provider.getCacheManager(bad, loader()));

    assertThat(failure).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("connectTimeout").hasMessageContaining("soon");
    CacheManager good = provider.getCacheManager(redis.uri(prefix), loader());
    Cache<String, String> cache = good.createCache("c",
        new MutableConfiguration<String, String>().setTypes(String.class, String.class));
    cache.put("k", "v");
    assertThat(cache.get("k")).isEqualTo("v");
  }

  @Test
  void passwordOfABadUriIsNotShown() {
    AsideCachingProvider provider = redis.newProvider();
    for (String uri : new String[] {
        "redis://:" + SECRET + "@127.0.0.1:" + redis.server().port() + "?bogus=1",
        "redis://app:" + SECRET + "@127.0.0.1:" + redis.server().port() + "?prefix=no%20spaces",
        "redis://" + SECRET + "@127.0.0.1:" + redis.server().port() + "/notanumber",
        "redis://:" + SECRET + "@127.0.0.1:99999",
        "memcached://:" + SECRET + "@127.0.0.1:" + redis.server().port()}) {
      Throwable failure = catchThrowable(() -> provider.getCacheManager(URI.create(uri), loader()));

      assertThat(failure).as(uri).isInstanceOf(IllegalArgumentException.class);
      assertThat(everything(failure)).as(uri).doesNotContain(SECRET);
    }
  }

  /* An unreachable server is an outage, not a mistake: the manager starts degraded (see StartWithoutRedisTest). */
  @Test
  void unreachableServerStartsDegradedAndIsNamedWithoutThePassword() throws IOException {
    int port = deadPort();
    URI uri = URI.create("redis://:" + SECRET + "@127.0.0.1:" + port);
    long start = System.nanoTime();

    CacheManager manager = redis.newProvider().getCacheManager(uri, loader());
    try {
      assertThat(((dev.aside.manager.AsideCacheManager) manager).health().getCircuitState()).isEqualTo("OPEN");
      assertThat(manager.toString()).contains("127.0.0.1:" + port).doesNotContain(SECRET);
      assertThat((System.nanoTime() - start) / 1_000_000).as("ms to start").isLessThan(5_000);
    } finally {
      manager.close();
    }
  }

  @Test
  void wrongPasswordFailsClearlyWithoutEitherPassword() {
    URI uri = URI.create("redis://:" + WRONG + "@127.0.0.1:" + guarded.port());

    Throwable failure = catchThrowable(() -> redis.newProvider().getCacheManager(uri, loader()));

    assertThat(failure).isInstanceOf(CacheException.class)
        .hasMessageContaining("127.0.0.1:" + guarded.port())
        .hasMessageContaining("WRONGPASS");
    assertThat(everything(failure)).doesNotContain(WRONG).doesNotContain(RIGHT);
  }

  @Test
  void missingPasswordFailsAtCreation() {
    URI uri = URI.create("redis://127.0.0.1:" + guarded.port());

    Throwable failure = catchThrowable(() -> redis.newProvider().getCacheManager(uri, loader()));

    assertThat(failure).isInstanceOf(CacheException.class)
        .hasMessageContaining("127.0.0.1:" + guarded.port())
        .hasMessageContaining("NOAUTH");
    assertThat(everything(failure)).doesNotContain(RIGHT);
  }

  @Test
  void rightPasswordWorksAndIsNeverShown() {
    String prefix = redis.newPrefix();
    // A command timeout of 5 s rather than the default 500 ms, as RedisFixture.uri() has it.
    URI uri = RedisFixture.withOption(guarded.uri(), "prefix=" + prefix + "&timeout=5s");
    assertThat(uri.toString()).contains(RIGHT);
    CacheManager manager = redis.newProvider().getCacheManager(uri, loader());
    Cache<String, String> cache = manager.createCache("c",
        new MutableConfiguration<String, String>().setTypes(String.class, String.class));
    cache.put("k", "v");
    assertThat(cache.get("k")).isEqualTo("v");

    Throwable duplicate = catchThrowable(() -> manager.createCache("c", new MutableConfiguration<>()));
    manager.close();
    Throwable closed = catchThrowable(() -> manager.getCache("c"));

    assertThat(manager.toString()).doesNotContain(RIGHT);
    assertThat(cache.toString()).doesNotContain(RIGHT);
    assertThat(duplicate).isInstanceOf(CacheException.class);
    assertThat(everything(duplicate)).doesNotContain(RIGHT);
    assertThat(closed).isInstanceOf(IllegalStateException.class);
    assertThat(everything(closed)).doesNotContain(RIGHT);
  }

  @Test
  void unknownSettingInAConfigFileIsNamed() {
    ClassLoader files = new InMemoryResources(loader(), Map.of("it/unknown-setting.properties",
        "uri = redis://:" + SECRET + "@127.0.0.1:" + redis.server().port() + "\n"
            + "cache.orders.expiry = eternal\n"
            + "cache.orders.expirey = created 1m\n"));

    Throwable failure = catchThrowable(() -> redis.newProvider()
        .getCacheManager(URI.create("classpath:it/unknown-setting.properties"), files));

    assertThat(failure).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cache.orders.expirey")
        .hasMessageContaining("classpath:it/unknown-setting.properties");
    assertThat(everything(failure)).doesNotContain(SECRET);
  }

  @Test
  void badUriInAConfigFileIsNamedWithoutThePassword() {
    ClassLoader files = new InMemoryResources(loader(), Map.of("it/bad-uri.properties",
        "uri = redis://:" + SECRET + "@127.0.0.1:" + redis.server().port() + "?bogus=1\n"));

    Throwable failure = catchThrowable(() -> redis.newProvider()
        .getCacheManager(URI.create("classpath:it/bad-uri.properties"), files));

    assertThat(failure).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bogus")
        .hasMessageContaining("'uri'");
    assertThat(everything(failure)).doesNotContain(SECRET);
  }

  @Test
  void missingConfigFileIsNamed() {
    Throwable failure = catchThrowable(() -> redis.newProvider()
        .getCacheManager(URI.create("classpath:it/no-such-file.properties"), loader()));

    assertThat(failure).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no-such-file.properties");
  }

  @Test
  void goodConfigFileConnects() {
    String prefix = redis.newPrefix();
    ClassLoader files = new InMemoryResources(loader(), Map.of("it/good.properties",
        "uri = " + redis.uri(prefix) + "\ncache.orders.expiry = eternal\n"));

    CacheManager manager = redis.newProvider().getCacheManager(URI.create("classpath:it/good.properties"), files);
    Cache<Object, Object> orders = manager.getCache("orders");
    orders.put("k", "v");

    assertThat(redis.keys(prefix + ":*")).containsExactly(prefix + ":orders:{k}");
  }

  /** A class loader that also serves a few resources from memory. */
  private static final class InMemoryResources extends ClassLoader {
    private final Map<String, String> resources;

    InMemoryResources(ClassLoader parent, Map<String, String> resources) {
      super(parent);
      this.resources = resources;
    }

    @Override
    public InputStream getResourceAsStream(String name) {
      String text = resources.get(name);
      return text == null ? super.getResourceAsStream(name)
          : new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
  }
}
