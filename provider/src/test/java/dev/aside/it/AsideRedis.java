package dev.aside.it;

import dev.aside.spi.AsideCachingProvider;
import dev.aside.testkit.RedisServer;
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
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.CacheManager;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One redis-server per test class, Aside cache managers on unique key prefixes, and raw Lettuce
 * access for looking at what Aside left in Redis; everything is closed after each test or class.
 *
 * <p>Use as {@code @RegisterExtension static final AsideRedis redis = new AsideRedis();}.
 */
public final class AsideRedis implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {
  private static final AtomicInteger PREFIXES = new AtomicInteger();
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

  private final List<CachingProvider> providers = new CopyOnWriteArrayList<>();
  private final Set<String> prefixes = new TreeSet<>();
  private RedisServer server;
  private RedisClient client;
  private StatefulRedisConnection<String, String> text;
  private StatefulRedisConnection<byte[], byte[]> bytes;

  @Override
  public void beforeAll(ExtensionContext context) {
    server = RedisServer.startOrExternal();
    client = RedisClient.create(server.uri());
    text = client.connect(StringCodec.UTF8);
    bytes = client.connect(ByteArrayCodec.INSTANCE);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    closeProviders();
    synchronized (prefixes) {
      for (String prefix : prefixes) {
        List<String> leftovers = scan(prefix + ":*");
        leftovers.add(prefix);
        text.sync().unlink(leftovers.toArray(new String[0]));
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
    for (CachingProvider provider : providers) {
      try {
        provider.close();
      } catch (RuntimeException e) {
        // A test may have broken a manager on purpose; keep closing the others.
      }
    }
    providers.clear();
  }

  /** The redis-server of this test class. */
  public RedisServer server() {
    return server;
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
  public AsideCachingProvider newProvider() {
    AsideCachingProvider provider = new AsideCachingProvider();
    providers.add(provider);
    return provider;
  }

  /** A manager with its own provider (so its own Redis client) on {@code prefix}. */
  public CacheManager manager(String prefix) {
    return newProvider().getCacheManager(uri(prefix), AsideRedis.class.getClassLoader());
  }

  /** A manager with its own provider on a fresh prefix. */
  public CacheManager manager() {
    return manager(newPrefix());
  }

  /** A manager with its own provider for {@code uri} as given. */
  public CacheManager manager(URI uri) {
    return newProvider().getCacheManager(uri, AsideRedis.class.getClassLoader());
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

  /** All keys under a prefix, found with SCAN. */
  public List<String> scan(String pattern) {
    List<String> out = new ArrayList<>();
    ScanIterator.scan(text.sync(), ScanArgs.Builder.matches(pattern).limit(1000)).forEachRemaining(out::add);
    return out;
  }

  /** The UTF-8 bytes of {@code s}. */
  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
