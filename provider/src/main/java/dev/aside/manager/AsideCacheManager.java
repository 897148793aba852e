package dev.aside.manager;

import dev.aside.cache.AsideCache;
import dev.aside.config.AsideConfiguration;
import dev.aside.config.CacheSectionUse;
import dev.aside.config.ConfigFile;
import dev.aside.config.ConnectionSettings;
import dev.aside.config.RedactedUri;
import dev.aside.near.InvalidationFeed;
import dev.aside.redis.RedisConnections;
import dev.aside.redis.RedisStore;
import dev.aside.resilience.Breakers;
import dev.aside.resilience.InvalidationQueue;
import dev.aside.resilience.RedisHealth;
import dev.aside.management.MBeanRegistrar;
import dev.aside.management.MBeanRegistrar.MBeanKind;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.spi.CachingProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link CacheManager} whose caches live in one Redis (or Sentinel-managed) deployment.
 *
 * <p>Caches are registered in this JVM only; the data is shared. Two managers given the same
 * Redis and prefix, in this JVM or another, see the same entries under the same cache name, which
 * is what a fleet of application instances wants. Managers with different {@code prefix} options
 * never collide.
 */
public final class AsideCacheManager implements CacheManager {
  private static final Logger log = LoggerFactory.getLogger(AsideCacheManager.class);
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final CachingProvider provider;
  private final URI uri;
  private final ClassLoader classLoader;
  private final Properties properties;
  private final ConfigFile configFile;
  private final CacheSectionUse sectionUse;
  private final ConnectionSettings settings;
  private final String redactedUri;
  private final RedisConnections connections;
  private final RedisStore store;
  private final InvalidationQueue invalidations;
  private final RedisHealth health;
  private final ExecutorService executor;
  private final CacheFactory factory;
  private final Runnable onClose;
  private InvalidationFeed invalidationFeed;
  private final ConcurrentMap<String, AsideCache<?, ?>> caches = new ConcurrentHashMap<>();
  private volatile boolean closed;

  public AsideCacheManager(CachingProvider provider, URI uri, ClassLoader classLoader, Properties properties,
      Runnable onClose) {
    this.provider = Objects.requireNonNull(provider);
    this.uri = Objects.requireNonNull(uri);
    this.classLoader = Objects.requireNonNull(classLoader);
    this.properties = Objects.requireNonNull(properties);
    this.onClose = Objects.requireNonNull(onClose);
    this.configFile = ConfigFile.isConfigFile(uri) ? ConfigFile.load(uri, classLoader) : null;
    this.settings = configFile != null ? configFile.connection() : ConnectionSettings.parse(uri);
    this.sectionUse = CacheSectionUse.of(configFile);
    this.redactedUri = RedactedUri.of(uri);
    this.connections = RedisConnections.open(settings);
    Breakers breakers = settings.isCluster() ? Breakers.perClusterNode(settings.resilience(), settings.redacted())
        : Breakers.single(settings.resilience(), settings.redacted());
    this.store = connections.store(breakers);
    this.invalidations = new InvalidationQueue(settings.resilience().invalidationQueue());
    this.health = new RedisHealth(store, breakers, invalidations);
    connections.onReconnected(health::connectionRestored);
    MBeanRegistrar.register(health, MBeanKind.RESILIENCE, redactedUri, "");
    this.executor = Executors.newCachedThreadPool(task -> {
      Thread thread = new Thread(task, "aside-worker-" + THREADS.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    this.factory = new CacheFactory(this, redactedUri, settings, configFile, classLoader, store, invalidations,
        this::invalidationFeed, executor, health);
    if (connections.isConnected()) {
      log.info("Aside cache manager connected to {}", settings.redacted());
    } else {
      log.info("Aside cache manager for {} started without Redis; its caches work once it answers",
          settings.redacted());
    }
  }

  @Override
  public <K, V, C extends Configuration<K, V>> Cache<K, V> createCache(String cacheName, C configuration) {
    checkOpen();
    Objects.requireNonNull(cacheName, "cacheName");
    Objects.requireNonNull(configuration, "configuration");
    synchronized (caches) {
      if (caches.containsKey(cacheName)) {
        throw new CacheException("A cache named " + cacheName + " already exists in " + redactedUri);
      }
      AsideCache<K, V> cache = factory.build(cacheName, configuration, () -> caches.remove(cacheName));
      caches.put(cacheName, cache);
      sectionUse.cacheCreated(cacheName);
      return cache;
    }
  }

  /** The manager's one invalidation connection (client tracking), opened with the first near cache. */
  private synchronized InvalidationFeed invalidationFeed() {
    if (invalidationFeed == null) {
      InvalidationFeed.Timing timing = InvalidationFeed.Timing.defaults();
      invalidationFeed = new InvalidationFeed(connections.tracking(timing.connectTimeout()), settings.prefix() + ":",
          timing);
    }
    return invalidationFeed;
  }

  @Override
  public <K, V> Cache<K, V> getCache(String cacheName, Class<K> keyType, Class<V> valueType) {
    checkOpen();
    Objects.requireNonNull(keyType, "keyType");
    Objects.requireNonNull(valueType, "valueType");
    Cache<K, V> cache = lookup(cacheName);
    if (cache == null) {
      return null;
    }
    @SuppressWarnings("unchecked")
    CompleteConfiguration<K, V> config = cache.getConfiguration(CompleteConfiguration.class);
    if (config.getKeyType() != keyType || config.getValueType() != valueType) {
      throw new ClassCastException("Cache " + cacheName + " holds " + config.getKeyType().getName() + " -> "
          + config.getValueType().getName() + ", not " + keyType.getName() + " -> " + valueType.getName());
    }
    return cache;
  }

  @Override
  public <K, V> Cache<K, V> getCache(String cacheName) {
    checkOpen();
    return lookup(cacheName);
  }

  /** A registered cache, or one the configuration file declares (created on first use). */
  @SuppressWarnings("unchecked")
  private <K, V> Cache<K, V> lookup(String cacheName) {
    Objects.requireNonNull(cacheName, "cacheName");
    AsideCache<?, ?> cache = caches.get(cacheName);
    if (cache == null && configFile != null && configFile.cacheNames().contains(cacheName)) {
      synchronized (caches) {
        cache = caches.get(cacheName);
        if (cache == null) {
          cache = factory.build(cacheName, new AsideConfiguration<>(), () -> caches.remove(cacheName));
          caches.put(cacheName, cache);
          sectionUse.cacheCreated(cacheName);
        }
      }
    }
    return (Cache<K, V>) cache;
  }

  @Override
  public Iterable<String> getCacheNames() {
    checkOpen();
    return Collections.unmodifiableSet(new java.util.LinkedHashSet<>(caches.keySet()));
  }

  @Override
  public void destroyCache(String cacheName) {
    checkOpen();
    Objects.requireNonNull(cacheName, "cacheName");
    AsideCache<?, ?> cache;
    synchronized (caches) {
      cache = caches.remove(cacheName);
    }
    if (cache != null) {
      cache.purge();
      cache.close();
    } else {
      store.deleteMatching(factory.layoutOf(cacheName).namespacePattern());
    }
  }



  @Override
  public void enableManagement(String cacheName, boolean enabled) {
    checkOpen();
    AsideCache<?, ?> cache = caches.get(Objects.requireNonNull(cacheName, "cacheName"));
    if (cache != null) {
      cache.setManagementEnabled(enabled);
    }
  }

  @Override
  public void enableStatistics(String cacheName, boolean enabled) {
    checkOpen();
    AsideCache<?, ?> cache = caches.get(Objects.requireNonNull(cacheName, "cacheName"));
    if (cache != null) {
      cache.setStatisticsEnabled(enabled);
    }
  }

  @Override
  public CachingProvider getCachingProvider() {
    return provider;
  }

  @Override
  public URI getURI() {
    return uri;
  }

  @Override
  public ClassLoader getClassLoader() {
    return classLoader;
  }

  @Override
  public Properties getProperties() {
    return properties;
  }

  /** The manager's Redis health: circuit breakers (one per cluster master) and the queue of invalidations awaiting replay. */
  public RedisHealth health() {
    return health;
  }

  /** The connection settings in use (the URI's, or those named by the configuration file). */
  public ConnectionSettings connectionSettings() {
    return settings;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    for (AsideCache<?, ?> cache : new ArrayList<>(caches.values())) {
      cache.close();
    }
    caches.clear();
    sectionUse.managerClosed();
    synchronized (this) {
      if (invalidationFeed != null) {
        invalidationFeed.close();
      }
    }
    health.close();
    MBeanRegistrar.unregister(MBeanKind.RESILIENCE, redactedUri, "");
    executor.shutdown();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    connections.close();
    onClose.run();
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    if (clazz.isAssignableFrom(getClass())) {
      return clazz.cast(this);
    }
    throw new IllegalArgumentException("Cannot unwrap the cache manager to " + clazz.getName());
  }

  @Override
  public String toString() {
    return "AsideCacheManager[" + redactedUri + "]";
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("The cache manager for " + redactedUri + " is closed");
    }
  }
}
