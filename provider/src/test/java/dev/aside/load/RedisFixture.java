package dev.aside.load;

import dev.aside.spi.AsideCachingProvider;
import dev.aside.testkit.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.cache.CacheManager;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** One private redis-server per test class, and cache managers that behave like separate JVMs (own providers, own connections). */
final class RedisFixture implements BeforeAllCallback, AfterAllCallback, AfterEachCallback {
  private RedisServer server;
  private RedisClient rawClient;
  private StatefulRedisConnection<String, String> raw;
  private final List<CacheManager> managers = new ArrayList<>();
  private String prefix = newPrefix();

  @Override
  public void beforeAll(ExtensionContext context) {
    server = RedisServer.startOrExternal();
    rawClient = RedisClient.create(server.uri());
    raw = rawClient.connect();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    managers.forEach(CacheManager::close);
    managers.clear();
    prefix = newPrefix();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    raw.close();
    rawClient.shutdown();
    server.close();
  }

  /** A cache manager with its own provider and Redis connection, as another JVM would have; same prefix per test. */
  CacheManager newManager() {
    CacheManager manager = new AsideCachingProvider()
        .getCacheManager(URI.create(server.uri() + "?prefix=" + prefix), getClass().getClassLoader());
    managers.add(manager);
    return manager;
  }

  /** A plain Redis client for looking at what Aside stored. */
  RedisCommands<String, String> redis() {
    return raw.sync();
  }

  String prefix() {
    return prefix;
  }

  private static String newPrefix() {
    return "t" + UUID.randomUUID().toString().substring(0, 8);
  }
}
