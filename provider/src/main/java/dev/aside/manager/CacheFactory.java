package dev.aside.manager;

import dev.aside.cache.AsideCache;
import dev.aside.cache.BackgroundTasks;
import dev.aside.cache.CacheParts;
import dev.aside.cache.EntryCodec;
import dev.aside.cache.WriterAdapter;
import dev.aside.codec.DeserializationFilter;
import dev.aside.codec.KeyCodec;
import dev.aside.codec.MaxValueSize;
import dev.aside.codec.ValueCodec;
import dev.aside.config.AsideConfiguration;
import dev.aside.config.CacheSettings;
import dev.aside.config.ConfigFile;
import dev.aside.config.ConnectionSettings;
import dev.aside.event.EventDispatcher;
import dev.aside.expiry.ExpiryTimes;
import dev.aside.expiry.JitteredExpiryPolicy;
import dev.aside.load.LoaderAdapter;
import dev.aside.load.ReadThrough;
import dev.aside.management.CacheStatistics;
import dev.aside.management.ReadPathMetrics;
import dev.aside.near.InvalidationFeed;
import dev.aside.near.NearCache;
import dev.aside.near.NearCacheSettings;
import dev.aside.near.NearKeys;
import dev.aside.redis.KeyLayout;
import dev.aside.redis.RedisStore;
import dev.aside.resilience.FailurePolicy;
import dev.aside.resilience.Gutter;
import dev.aside.resilience.GutterSettings;
import dev.aside.resilience.InvalidationQueue;
import dev.aside.resilience.OutageLoads;
import dev.aside.resilience.RedisHealth;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import javax.cache.CacheManager;
import javax.cache.configuration.Configuration;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;

/**
 * Builds the caches of one manager, in one place, as a pipeline of named steps:
 * <pre>
 *  configuration (the caller's, then the configuration file's settings for the cache)
 *  → codecs (keys, values, the deserialization allowlist, max-value-size) and key layout (with the version)
 *  → expiry (the policy, jittered) → loader and writer, each wrapped once
 *  → events, statistics, failure policy (with the replicas that acknowledge writes) → the gutter for outages → read-through (with the manager's
 *    cap on loads while failing open) → near cache
 *  → the cache, which composes these parts into its operations
 * </pre>
 */
final class CacheFactory {
  private final CacheManager manager;
  private final String managerUri;
  private final ConnectionSettings settings;
  private final ConfigFile configFile;
  private final ClassLoader classLoader;
  private final RedisStore store;
  private final InvalidationQueue invalidations;
  private final Supplier<InvalidationFeed> invalidationFeed;
  private final Executor executor;
  private final RedisHealth health;
  /** The manager's cap on loads while failing open, shared by its caches. */
  private final OutageLoads outageLoads;

  /**
   * @param managerUri the manager's URI, redacted, as MBean names show it
   * @param configFile the manager's configuration file, or null
   * @param invalidationFeed the manager's invalidation feed, opened by the first near cache
   */
  CacheFactory(CacheManager manager, String managerUri, ConnectionSettings settings, ConfigFile configFile,
      ClassLoader classLoader, RedisStore store, InvalidationQueue invalidations,
      Supplier<InvalidationFeed> invalidationFeed, Executor executor, RedisHealth health) {
    this.manager = Objects.requireNonNull(manager);
    this.managerUri = Objects.requireNonNull(managerUri);
    this.settings = Objects.requireNonNull(settings);
    this.configFile = configFile;
    this.classLoader = Objects.requireNonNull(classLoader);
    this.store = Objects.requireNonNull(store);
    this.invalidations = Objects.requireNonNull(invalidations);
    this.invalidationFeed = Objects.requireNonNull(invalidationFeed);
    this.executor = Objects.requireNonNull(executor);
    this.health = Objects.requireNonNull(health);
    this.outageLoads = OutageLoads.of(settings.resilience());
  }

  /** A new cache named {@code cacheName}; {@code onClose} runs when it closes. */
  <K, V> AsideCache<K, V> build(String cacheName, Configuration<K, V> configuration, Runnable onClose) {
    AsideConfiguration<K, V> config = configure(cacheName, configuration);
    return new AsideCache<>(manager, managerUri, cache -> parts(cacheName, config, cache), onClose);
  }

  /** Where a cache of this name built now would keep its entries (its version from the configuration file). */
  KeyLayout layoutOf(String cacheName) {
    return new KeyLayout(settings.prefix(), cacheName, configure(cacheName, new AsideConfiguration<>()).getVersion());
  }

  /** The caller's configuration, copied, with the configuration file's settings for this cache applied. */
  private <K, V> AsideConfiguration<K, V> configure(String cacheName, Configuration<K, V> configuration) {
    CacheSettings fileSettings = configFile != null ? configFile.settingsFor(cacheName) : CacheSettings.empty();
    return fileSettings.applyTo(configuration);
  }

  private <K, V> CacheParts<K, V> parts(String cacheName, AsideConfiguration<K, V> config, AsideCache<K, V> cache) {
    InvalidationFeed feed = config.isNearCacheEnabled() ? invalidationFeed.get() : null;
    ReadPathMetrics readPath = new ReadPathMetrics();
    List<String> allow = new ArrayList<>(settings.deserializationAllowlist());
    allow.addAll(config.getDeserializationAllowlist());
    DeserializationFilter filter = DeserializationFilter.of(allow, config.getKeyType(), config.getValueType());
    KeyCodec<K> keys = new KeyCodec<>(config.getKeyType(), filter, classLoader);
    ValueCodec<V> values = new ValueCodec<>(config.getValueType(), filter, classLoader);
    KeyLayout layout = new KeyLayout(settings.prefix(), cacheName, config.getVersion());
    MaxValueSize maxValueSize = new MaxValueSize(config.getMaxValueBytes(), cacheName);
    EntryCodec<K, V> entries = new EntryCodec<>(cacheName, keys, values, layout, maxValueSize, readPath);

    ExpiryTimes expiry = expiry(config);
    LoaderAdapter<K, V> loader = loader(config);
    WriterAdapter<K, V> writer = writer(config);

    EventDispatcher<K, V> events = new EventDispatcher<>(cache);
    CacheStatistics statistics = new CacheStatistics();
    FailurePolicy failures = new FailurePolicy(cacheName, layout.namespace(), config.getWriteFailures(), invalidations,
        readPath, config.getInvalidationReplicas());
    Gutter gutter = gutter(config, readPath);
    BackgroundTasks background = new BackgroundTasks(executor);
    // Built for every cache: misses take it with the cache's loader (read-through) or a caller's (get(key, loader)).
    ReadThrough<K, V> readThrough = new ReadThrough<>(store, values, maxValueSize,
        entries::decode, expiry, events::created, readPath, background, gutter, outageLoads, new ReadThrough.Settings(config.isCoalescing(),
            config.getLeaseTtl(), config.getLeaseWait(), config.getNegativeTtl(), config.getRefreshAheadBeta()));

    NearKeys<K> nearKeys = new NearKeys<>(config.getKeyType(), keys, layout);
    NearCache<Object, V> near = !config.isNearCacheEnabled() ? null
        : new NearCache<>(nearSettings(config), feed, layout.namespace(), nearKeys::ofRedisKey,
            config.isStoreByValue());
    // Writes and removals acknowledged by replicas when the cache asks; reads and read-through fills as they are.
    RedisStore writes = store.acknowledgedBy(config.getInvalidationReplicas());
    return new CacheParts<>(cacheName, config, entries, layout, writes, expiry, loader, writer, events, statistics,
        readPath, readThrough, failures, near, nearKeys, background, gutter);
  }

  /**
   * The cache's gutter for outages (off unless outage-ttl is set), bounded in bytes (0: 5% of the maximum heap)
   * and optionally in entries, emptied each time Redis is trusted again.
   */
  private Gutter gutter(AsideConfiguration<?, ?> config, ReadPathMetrics readPath) {
    if (config.getOutageTtl().isZero()) {
      return Gutter.disabled();
    }
    long maxBytes = config.getOutageMaxBytes() > 0 ? config.getOutageMaxBytes() : GutterSettings.defaultMaxBytes();
    Gutter gutter = new Gutter(new GutterSettings(config.getOutageTtl(), config.getOutageMaxEntries(), maxBytes),
        com.github.benmanes.caffeine.cache.Ticker.systemTicker(), readPath);
    gutter.detachOnClose(health.whenTrustedAgain(gutter::clear));
    readPath.measureOutage(gutter::size, gutter::weightedSize, gutter.maxBytes());
    return gutter;
  }

  /** The near cache's bounds: the configured count (0 for none) and bytes (0 for 5% of the maximum heap). */
  private static NearCacheSettings nearSettings(AsideConfiguration<?, ?> config) {
    long maxBytes = config.getNearCacheMaxBytes() > 0 ? config.getNearCacheMaxBytes()
        : NearCacheSettings.defaultMaxBytes();
    return new NearCacheSettings(config.getNearCacheMaxEntries(), config.getNearCacheLifetime(), maxBytes);
  }

  /** The configured expiry policy, lengthened by the TTL jitter if there is one. */
  private static ExpiryTimes expiry(AsideConfiguration<?, ?> config) {
    ExpiryPolicy policy = config.getExpiryPolicyFactory().create();
    return new ExpiryTimes(config.getTtlJitter() > 0 ? new JitteredExpiryPolicy(policy, config.getTtlJitter()) : policy);
  }

  private static <K, V> LoaderAdapter<K, V> loader(AsideConfiguration<K, V> config) {
    if (config.getCacheLoaderFactory() == null) {
      return null;
    }
    CacheLoader<K, V> loader = config.getCacheLoaderFactory().create();
    return loader == null ? null : new LoaderAdapter<>(loader);
  }

  @SuppressWarnings("unchecked")
  private static <K, V> WriterAdapter<K, V> writer(AsideConfiguration<K, V> config) {
    if (config.getCacheWriterFactory() == null) {
      return WriterAdapter.none();
    }
    CacheWriter<K, V> writer = (CacheWriter<K, V>) config.getCacheWriterFactory().create();
    return writer == null ? WriterAdapter.none() : WriterAdapter.of(writer, config.isWriteThrough());
  }
}
