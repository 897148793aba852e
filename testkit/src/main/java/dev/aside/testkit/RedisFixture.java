package dev.aside.testkit;

import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.StringCodec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.cache.CacheManager;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The Redis of one test class: a redis-server, JCache managers of their own on unique key prefixes, and raw
 * Lettuce access for looking at what the cache left in Redis; closed after each test or the class.
 *
 * <p>Use as {@code @RegisterExtension static final RedisFixture<P> redis = RedisFixture.sharedOrPrivate(P::new);}.
 *
 * <p>Two kinds, so that nothing destructive ever reaches a server the tests did not start:
 * {@link #sharedOrPrivate} may use the server named by {@code REDIS_URI} (tests there only touch their own
 * prefixes, which are deleted after each test); {@link #privateServer} always starts its own, and only it
 * allows {@link #flushAll()}, {@link #killNormalClients()} and the server's kill, pause and restart.
 */
public final class RedisFixture<P extends CachingProvider>
    implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {
  private static final AtomicInteger PREFIXES = new AtomicInteger();
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

  private final Supplier<P> providers;
  private final boolean mayBeShared;
  private final List<CachingProvider> open = new CopyOnWriteArrayList<>();
  private final Set<String> prefixes = new TreeSet<>();
  private RedisServer server;
  private RedisClient client;
  private StatefulRedisConnection<String, String> text;
  private StatefulRedisConnection<byte[], byte[]> bytes;
  private volatile String prefix;

  private RedisFixture(Supplier<P> providers, boolean mayBeShared) {
    this.providers = Objects.requireNonNull(providers, "providers");
    this.mayBeShared = mayBeShared;
  }

  /** A fixture on the server named by {@code REDIS_URI} if set, else on a private one; nothing destructive. */
  public static <P extends CachingProvider> RedisFixture<P> sharedOrPrivate(Supplier<P> providers) {
    return new RedisFixture<>(providers, true);
  }

  /** A fixture on a redis-server it starts itself, whatever {@code REDIS_URI} says: for destructive tests. */
  public static <P extends CachingProvider> RedisFixture<P> privateServer(Supplier<P> providers) {
    return new RedisFixture<>(providers, false);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    server = mayBeShared ? RedisServer.startOrExternal() : RedisServer.start();
    client = RedisClient.create(server.uri());
    text = client.connect(StringCodec.UTF8);
    bytes = client.connect(ByteArrayCodec.INSTANCE);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    prefix = newPrefix();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    closeProviders();
    synchronized (prefixes) {
      if (server.isRunning()) {
        for (String used : prefixes) {
          List<String> leftovers = scan(used + ":*");
          leftovers.add(used);
          text.sync().unlink(leftovers.toArray(new String[0]));
        }
      }
      prefixes.clear();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    closeProviders();
    if (text != null) {
      text.close();
    }
    if (bytes != null) {
      bytes.close();
    }
    if (client != null) {
      client.shutdown(0, 2, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.close();
    }
  }

  private void closeProviders() {
    for (CachingProvider provider : open) {
      try {
        provider.close();
      } catch (RuntimeException e) {
        // A test may have broken a manager on purpose; keep closing the others.
      }
    }
    open.clear();
  }

  /** The redis-server of this test class. */
  public RedisServer server() {
    return server;
  }

  /** This test's own key prefix (a new one per test); its keys are deleted after the test. */
  public String prefix() {
    return prefix;
  }

  /** A key prefix no other test uses; its keys are deleted after the test. */
  public String newPrefix() {
    return track("it-" + RUN + "-" + PREFIXES.incrementAndGet());
  }

  /** Has the keys under {@code prefix} deleted after the test; returns it. */
  public String track(String prefix) {
    synchronized (prefixes) {
      prefixes.add(prefix);
    }
    return prefix;
  }

  /**
   * The server's URI with the {@code prefix} option, and a command timeout of 5 s rather than the
   * default 500 ms, so that a busy build machine does not fail tests about other things.
   */
  public URI uri(String prefix) {
    return withOption(server.uri(), "prefix=" + prefix + "&timeout=5s");
  }

  /** {@code base} with one more query option. */
  public static URI withOption(String base, String option) {
    return URI.create(base + (base.contains("?") ? "&" : "?") + option);
  }

  /** A provider of its own, as another JVM would have; closed after the test. */
  public P newProvider() {
    P provider = providers.get();
    open.add(provider);
    return provider;
  }

  /** A manager with its own provider (so its own Redis client) on {@code prefix}. */
  public CacheManager manager(String prefix) {
    return manager(uri(prefix));
  }

  /** A manager with its own provider on this test's {@link #prefix()}: managers of one test share entries. */
  public CacheManager newManager() {
    return manager(prefix);
  }

  /** A manager with its own provider on a fresh prefix. */
  public CacheManager manager() {
    return manager(newPrefix());
  }

  /** A manager with its own provider for {@code uri} as given. */
  public CacheManager manager(URI uri) {
    return newProvider().getCacheManager(uri, RedisFixture.class.getClassLoader());
  }

  /** Raw Redis commands on text keys and values. */
  public RedisCommands<String, String> redis() {
    return text.sync();
  }

  /** Raw Redis commands on byte keys and values. */
  public RedisCommands<byte[], byte[]> redisBytes() {
    return bytes.sync();
  }

  /** The keys matching a glob pattern, sorted (KEYS: fine for a test, never done by the library). */
  public Set<String> keys(String pattern) {
    return new TreeSet<>(text.sync().keys(pattern));
  }

  /** All keys matching a glob pattern, found with SCAN. */
  public List<String> scan(String pattern) {
    List<String> out = new ArrayList<>();
    ScanIterator.scan(text.sync(), ScanArgs.Builder.matches(pattern).limit(1000)).forEachRemaining(out::add);
    return out;
  }

  /** FLUSHALL; only on a {@link #privateServer}. */
  public void flushAll() {
    requirePrivate("FLUSHALL");
    text.sync().flushall();
  }

  /** CLIENT KILL TYPE normal: every client connection, this fixture's own included; only on a {@link #privateServer}. */
  public void killNormalClients() {
    requirePrivate("CLIENT KILL");
    text.sync().clientKill(KillArgs.Builder.typeNormal());
  }

  private void requirePrivate(String what) {
    if (mayBeShared || !server.isPrivate()) {
      throw new IllegalStateException(what + " is only for a RedisFixture.privateServer(), not " + server);
    }
  }

  /** The UTF-8 bytes of {@code s}. */
  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
