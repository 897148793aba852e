package dev.aside.cache;

import dev.aside.codec.KeyCodec;
import dev.aside.codec.ValueCodec;
import dev.aside.config.AsideConfiguration;
import dev.aside.management.CacheConfigurationMXBean;
import dev.aside.management.CacheStatistics;
import dev.aside.management.MBeanRegistrar;
import dev.aside.management.MBeanRegistrar.MBeanKind;
import dev.aside.management.ReadPathMetrics;
import dev.aside.near.NearCache;
import dev.aside.redis.KeyLayout;
import dev.aside.redis.RedisStore;
import dev.aside.resilience.InvalidationQueue;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CompletionListener;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Cache} whose entries live in Redis.
 *
 * <p>Two write paths. When the expiry policy is one of the JCache standard policies its TTLs are
 * known up front, and each operation is one Redis command or script ({@code SET [NX|XX] [GET]},
 * {@code GETDEL}, {@code put.lua}). Otherwise, and whenever the spec makes a side effect (an expiry
 * policy call, a cache writer call) depend on the entry's current state, the operation goes through
 * {@link CompareAndSet}: read, decide exactly as the spec says, write only if unchanged. {@code invoke}
 * always takes that path, which makes it atomic across JVMs without locks. Misses of a read-through
 * cache go to {@link dev.aside.load.ReadThrough}; what a Redis failure becomes is decided by
 * {@link dev.aside.resilience.FailurePolicy}; hot entries may be served by a
 * {@link dev.aside.near.NearCache}.
 *
 * <p>This class is the facade: lifecycle, configuration, listeners and MXBeans. The operations live in
 * {@link Reads}, {@link Writes}, {@link Removals} and {@link Processing}, which share a {@link CacheContext}.
 *
 * <p>Invariants: every write or removal voids the entry's read-through lease before it reaches
 * Redis, and drops this JVM's near-cache entry before and after; user code (loaders, writers,
 * listeners, processors, expiry policies) runs on the caller's thread or the manager's executor,
 * never on a Lettuce event-loop thread; a value that does not decode is a miss (counted in
 * {@link #undecodableReads()}), never an exception to a reader.
 */
public final class AsideCache<K, V> implements Cache<K, V> {
  private static final Logger log = LoggerFactory.getLogger(AsideCache.class);

  private final String name;
  private final CacheManager manager;
  private final String managerUriForJmx;
  private final Runnable onClose;
  private final CacheContext<K, V> context;
  private final Reads<K, V> reads;
  private final Writes<K, V> writes;
  private final Removals<K, V> removals;
  private final Processing<K, V> processing;
  private volatile boolean closed;

  public AsideCache(String name, CacheManager manager, String managerUriForJmx, CompleteConfiguration<K, V> config,
      KeyCodec<K> keys, ValueCodec<V> values, KeyLayout layout, RedisStore store, InvalidationQueue invalidations,
      NearCache<Object, V> near, Executor executor, Runnable onClose) {
    this.name = Objects.requireNonNull(name);
    this.manager = Objects.requireNonNull(manager);
    this.managerUriForJmx = Objects.requireNonNull(managerUriForJmx);
    this.onClose = Objects.requireNonNull(onClose);
    this.context = new CacheContext<>(this, name, config, keys, values, layout, store, invalidations, near, executor,
        this::checkOpen);
    this.reads = new Reads<>(context);
    this.writes = new Writes<>(context);
    this.removals = new Removals<>(context);
    this.processing = new Processing<>(context);
    for (CacheEntryListenerConfiguration<K, V> listener : config.getCacheEntryListenerConfigurations()) {
      context.events.register(listener);
    }
    if (config.isStatisticsEnabled()) {
      MBeanRegistrar.register(context.statistics, MBeanKind.STATISTICS, managerUriForJmx, name);
    }
    if (config.isManagementEnabled()) {
      MBeanRegistrar.register(new CacheConfigurationMXBean(() -> context.configuration), MBeanKind.CONFIGURATION,
          managerUriForJmx, name);
    }
    MBeanRegistrar.register(context.readPath, MBeanKind.READ_PATH, managerUriForJmx, name);
    if (near != null) {
      near.countHits(config.isStatisticsEnabled());
      MBeanRegistrar.register(near.metrics(), MBeanKind.NEAR_CACHE, managerUriForJmx, name);
    }
  }

  // ---------------------------------------------------------------- reads

  @Override
  public V get(K key) {
    return reads.get(key);
  }

  @Override
  public Map<K, V> getAll(Set<? extends K> keySet) {
    return reads.getAll(keySet);
  }

  @Override
  public boolean containsKey(K key) {
    return reads.containsKey(key);
  }

  @Override
  public void loadAll(Set<? extends K> keySet, boolean replaceExistingValues, CompletionListener listener) {
    checkOpen();
    Objects.requireNonNull(keySet, "keys");
    for (K key : keySet) {
      Objects.requireNonNull(key, "keys contains a null");
    }
    CompletionListener done = listener == null ? NoCompletion.INSTANCE : listener;
    if (context.loader == null) {
      done.onCompletion();
      return;
    }
    context.executor.execute(() -> {
      try {
        List<K> toLoad = new ArrayList<>();
        for (K key : keySet) {
          if (replaceExistingValues || !containsKey(key)) {
            toLoad.add(key);
          }
        }
        Map<? extends K, ? extends V> loaded;
        try {
          loaded = context.loader.loadAll(toLoad);
        } catch (CacheLoaderException e) {
          throw e;
        } catch (Exception e) {
          throw new CacheLoaderException("Exception in CacheLoader", e);
        }
        if (loaded != null) {
          for (Map.Entry<? extends K, ? extends V> entry : loaded.entrySet()) {
            if (entry.getKey() != null && entry.getValue() != null) {
              writes.storeLoaded(entry.getKey(), entry.getValue(), replaceExistingValues);
            }
          }
        }
        done.onCompletion();
      } catch (Exception e) {
        done.onException(e);
      }
    });
  }

  // ---------------------------------------------------------------- writes

  @Override
  public void put(K key, V value) {
    writes.put(key, value);
  }

  @Override
  public V getAndPut(K key, V value) {
    return writes.getAndPut(key, value);
  }

  @Override
  public void putAll(Map<? extends K, ? extends V> map) {
    writes.putAll(map);
  }

  @Override
  public boolean putIfAbsent(K key, V value) {
    return writes.putIfAbsent(key, value);
  }

  @Override
  public boolean replace(K key, V value) {
    return writes.replace(key, value);
  }

  @Override
  public V getAndReplace(K key, V value) {
    return writes.getAndReplace(key, value);
  }

  @Override
  public boolean replace(K key, V oldValue, V newValue) {
    return writes.replace(key, oldValue, newValue);
  }

  // ---------------------------------------------------------------- removals

  @Override
  public boolean remove(K key) {
    return removals.remove(key);
  }

  @Override
  public boolean remove(K key, V oldValue) {
    return removals.remove(key, oldValue);
  }

  @Override
  public V getAndRemove(K key) {
    return removals.getAndRemove(key);
  }

  @Override
  public void removeAll(Set<? extends K> keySet) {
    removals.removeAll(keySet);
  }

  @Override
  public void removeAll() {
    removals.removeAll();
  }

  @Override
  public void clear() {
    removals.clear();
  }

  /** Deletes every key of this cache, entries and companions, without events, writer calls or statistics. */
  public void purge() {
    removals.purge();
  }

  // ---------------------------------------------------------------- entry processors

  @Override
  public <T> T invoke(K key, EntryProcessor<K, V, T> processor, Object... arguments) {
    return processing.invoke(key, processor, arguments);
  }

  @Override
  public <T> Map<K, EntryProcessorResult<T>> invokeAll(Set<? extends K> keySet, EntryProcessor<K, V, T> processor,
      Object... arguments) {
    return processing.invokeAll(keySet, processor, arguments);
  }

  // ---------------------------------------------------------------- iteration

  @Override
  public Iterator<Cache.Entry<K, V>> iterator() {
    checkOpen();
    return new EntryIterator<>(context, removals, context.store.scan(context.layout.entryPattern()));
  }

  // ---------------------------------------------------------------- listeners, configuration, lifecycle

  @Override
  public void registerCacheEntryListener(CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
    checkOpen();
    Objects.requireNonNull(listenerConfiguration, "listener configuration");
    context.events.register(listenerConfiguration);
    context.configuration.addCacheEntryListenerConfiguration(listenerConfiguration);
  }

  @Override
  public void deregisterCacheEntryListener(CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
    checkOpen();
    Objects.requireNonNull(listenerConfiguration, "listener configuration");
    context.events.deregister(listenerConfiguration);
    context.configuration.removeCacheEntryListenerConfiguration(listenerConfiguration);
  }

  @Override
  public <C extends Configuration<K, V>> C getConfiguration(Class<C> clazz) {
    // A copy: what a caller does to it must not change this cache (the spec asks for an immutable value).
    AsideConfiguration<K, V> copy = new AsideConfiguration<>(context.configuration);
    if (clazz.isInstance(copy)) {
      return clazz.cast(copy);
    }
    throw new IllegalArgumentException("The configuration of cache " + name + " is not a " + clazz.getName());
  }

  /** Turns statistics on or off, registering or unregistering the statistics MXBean. */
  public void setStatisticsEnabled(boolean enabled) {
    context.configuration.setStatisticsEnabled(enabled);
    if (context.near != null) {
      context.near.countHits(enabled);
    }
    if (enabled) {
      MBeanRegistrar.register(context.statistics, MBeanKind.STATISTICS, managerUriForJmx, name);
    } else {
      MBeanRegistrar.unregister(MBeanKind.STATISTICS, managerUriForJmx, name);
    }
  }

  /** Turns management on or off, registering or unregistering the configuration MXBean. */
  public void setManagementEnabled(boolean enabled) {
    context.configuration.setManagementEnabled(enabled);
    if (enabled) {
      MBeanRegistrar.register(new CacheConfigurationMXBean(() -> context.configuration), MBeanKind.CONFIGURATION,
          managerUriForJmx, name);
    } else {
      MBeanRegistrar.unregister(MBeanKind.CONFIGURATION, managerUriForJmx, name);
    }
  }

  /** The JCache statistics of this cache (also published as an MXBean while statistics are enabled). */
  public CacheStatistics statistics() {
    return context.statistics;
  }

  /** Reads whose bytes did not decode (foreign, corrupt or disallowed) and were treated as misses. */
  public long undecodableReads() {
    return context.readPath.getUndecodableReads();
  }

  /** The near cache's metrics (hits, misses, invalidations, stale fills dropped…), or null without a near cache. */
  public dev.aside.near.NearCacheMetrics nearCacheMetrics() {
    return context.near == null ? null : context.near.metrics();
  }

  /** The read-path metrics of this cache (loads, coalesced waits, leases, negative hits, refreshes…), also on JMX. */
  public ReadPathMetrics readPathMetrics() {
    return context.readPath;
  }

  @Override
  public String getName() {
    return name;
  }

  @Override
  public CacheManager getCacheManager() {
    return manager;
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
    MBeanRegistrar.unregister(MBeanKind.STATISTICS, managerUriForJmx, name);
    MBeanRegistrar.unregister(MBeanKind.CONFIGURATION, managerUriForJmx, name);
    MBeanRegistrar.unregister(MBeanKind.READ_PATH, managerUriForJmx, name);
    MBeanRegistrar.unregister(MBeanKind.NEAR_CACHE, managerUriForJmx, name);
    if (context.near != null) {
      context.near.close();
    }
    closeQuietly(context.loader);
    closeQuietly(context.writer);
    closeQuietly(context.expiry.policy());
    context.events.close();
    onClose.run();
  }

  private static void closeQuietly(Object resource) {
    if (resource instanceof Closeable closeable) {
      try {
        closeable.close();
      } catch (IOException | RuntimeException e) {
        log.warn("Could not close {}", resource.getClass().getName(), e);
      }
    }
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
    throw new IllegalArgumentException("Cannot unwrap cache " + name + " to " + clazz.getName());
  }

  @Override
  public String toString() {
    return "AsideCache[" + name + " at " + context.layout.namespace() + "]";
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("Cache " + name + " is closed");
    }
  }

  /** The completion listener used when {@code loadAll} is given none. */
  private enum NoCompletion implements CompletionListener {
    INSTANCE;

    @Override
    public void onCompletion() {}

    @Override
    public void onException(Exception e) {
      log.warn("loadAll failed", e);
    }
  }
}
