package dev.aside.cache;

import dev.aside.config.AsideConfiguration;
import dev.aside.management.CacheConfigurationMXBean;
import dev.aside.management.CacheStatistics;
import dev.aside.management.MBeanRegistrar;
import dev.aside.management.MBeanRegistrar.MBeanKind;
import dev.aside.management.ReadPathMetrics;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Configuration;
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
 * <p>This class is the facade: lifecycle, configuration, listeners and MXBeans, over the finished
 * {@link CacheParts} that {@code manager.CacheFactory} assembles. The operations live in {@link Reads},
 * {@link Writes}, {@link Removals} and {@link Processing}; every single-entry write, removal and
 * {@code invoke} goes through one pipeline, {@link Mutations}, with its rules per operation in
 * {@link Operation} and its compare-and-set decisions in {@link Changes}.
 *
 * <p>Invariants: every removal deletes the entry's read-through lease with the entry or ahead of it,
 * and a write leaves the entry changed, so a read-through fill racing with either is dropped (see
 * {@code load/ReadThrough}); every write or removal drops this JVM's near-cache entry before and
 * after; user code (loaders, writers, listeners, processors, expiry policies) runs on the caller's
 * thread or the manager's executor, never on a Lettuce event-loop thread; a value that does not decode is a miss (counted in
 * {@link #undecodableReads()}), never an exception to a reader.
 */
public final class AsideCache<K, V> implements Cache<K, V> {
  private static final Logger log = LoggerFactory.getLogger(AsideCache.class);
  /** How long close() waits for the cache's background loads before closing its loader. */
  private static final Duration BACKGROUND_WAIT = Duration.ofSeconds(5);

  private final String name;
  private final CacheManager manager;
  private final String managerUriForJmx;
  private final Runnable onClose;
  private final CacheParts<K, V> parts;
  private final Reads<K, V> reads;
  private final Writes<K, V> writes;
  private final Removals<K, V> removals;
  private final Processing<K, V> processing;
  private volatile boolean closed;

  /**
   * @param managerUriForJmx the manager's URI as {@link dev.aside.config.RedactedUri} shows it
   * @param assembly builds the cache's parts; it is given this cache, the source of the cache's events
   * @param onClose runs once the cache is closed
   */
  public AsideCache(CacheManager manager, String managerUriForJmx,
      Function<? super AsideCache<K, V>, CacheParts<K, V>> assembly, Runnable onClose) {
    this.manager = Objects.requireNonNull(manager);
    this.managerUriForJmx = Objects.requireNonNull(managerUriForJmx);
    this.onClose = Objects.requireNonNull(onClose);
    // Assembled with this cache, the source of the parts' events; none is published before this constructor returns.
    CacheParts<K, V> p = assembly.apply(this);
    this.parts = p;
    this.name = p.name();
    AsideConfiguration<K, V> config = p.configuration();
    Runnable openCheck = this::checkOpen;
    Arguments<K, V> arguments = new Arguments<>(config.getKeyType(), config.getValueType());
    Changes<K, V> changes = new Changes<>(p.entries(), p.expiry(), p.writer(), p.events());
    Mutations<K, V> mutations = new Mutations<>(name, openCheck, arguments, p.entries(), p.store(), p.expiry(),
        p.writer(), p.failures(), p.readThrough(), p.near(), p.nearKeys(), config, p.statistics(), p.gutter());
    this.reads = new Reads<>(openCheck, arguments, p.entries(), p.store(), p.near(), p.nearKeys(), p.failures(), config,
        p.statistics(), p.readPath(), p.readThrough(), p.isReadThrough() ? p.loader() : null, p.expiry(), p.gutter());
    this.writes = new Writes<>(mutations, changes, arguments, p.entries(), p.store(), p.expiry(), p.events(),
        p.writer(), p.readThrough().cachesAbsence(), openCheck);
    this.removals = new Removals<>(mutations, changes, arguments, p.entries(), p.store(), p.layout(), p.near(),
        p.events(), p.writer(), openCheck);
    this.processing = new Processing<>(mutations, changes, arguments, p.entries(),
        p.isReadThrough() ? p.loader() : null, openCheck);
    for (CacheEntryListenerConfiguration<K, V> listener : config.getCacheEntryListenerConfigurations()) {
      p.events().register(listener);
    }
    if (config.isStatisticsEnabled()) {
      MBeanRegistrar.register(p.statistics(), MBeanKind.STATISTICS, managerUriForJmx, name);
    }
    if (config.isManagementEnabled()) {
      MBeanRegistrar.register(new CacheConfigurationMXBean(() -> parts.configuration()), MBeanKind.CONFIGURATION,
          managerUriForJmx, name);
    }
    MBeanRegistrar.register(p.readPath(), MBeanKind.READ_PATH, managerUriForJmx, name);
    if (p.near() != null) {
      p.near().countHits(config.isStatisticsEnabled());
      MBeanRegistrar.register(p.near().metrics(), MBeanKind.NEAR_CACHE, managerUriForJmx, name);
    }
  }

  // ---------------------------------------------------------------- reads

  @Override
  public V get(K key) {
    return reads.get(key);
  }

  /**
   * The value of {@code key}, or on a miss the value {@code loader} returns for it, loaded the way a
   * read-through cache loads (the cache-aside article's {@code GetUser(id, dbFetch)}, Caffeine's
   * {@code get(key, mappingFunction)}): concurrent misses of the key share one call in this JVM and,
   * with a Redis lease, across JVMs; the value is stored under the lease, and only if the entry is
   * still absent, so a write or removal made meanwhile through Aside wins over it (unless that
   * write's entry expired or was evicted before the load ended: see {@code load/ReadThrough});
   * {@code null} caches nothing, or a tombstone with {@code negative-ttl}; with Redis failing the
   * loader answers and nothing is cached. Works on any cache, read-through or not; statistics and the
   * CREATED event are those of a read-through load.
   *
   * @throws CacheLoaderException wrapping what {@code loader} threw (the same exception reaches every
   *     caller that shared the load)
   */
  public V get(K key, Function<? super K, ? extends V> loader) {
    return reads.get(key, loader);
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
    if (parts.loader() == null) {
      done.onCompletion();
      return;
    }
    try {
      writes.loadAll(keySet, replaceExistingValues, done, parts.loader(), reads, parts.executor());
    } catch (RejectedExecutionException e) {
      throw new IllegalStateException("Cache " + name + " is closed", e);
    }
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
    return new EntryIterator<>(parts.entries(), parts.store(), reads, removals,
        parts.store().scan(parts.layout().entryPattern()));
  }

  // ---------------------------------------------------------------- listeners, configuration, lifecycle

  @Override
  public void registerCacheEntryListener(CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
    checkOpen();
    Objects.requireNonNull(listenerConfiguration, "listener configuration");
    parts.events().register(listenerConfiguration);
    parts.configuration().addCacheEntryListenerConfiguration(listenerConfiguration);
  }

  @Override
  public void deregisterCacheEntryListener(CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
    checkOpen();
    Objects.requireNonNull(listenerConfiguration, "listener configuration");
    parts.events().deregister(listenerConfiguration);
    parts.configuration().removeCacheEntryListenerConfiguration(listenerConfiguration);
  }

  @Override
  public <C extends Configuration<K, V>> C getConfiguration(Class<C> clazz) {
    // A copy: what a caller does to it must not change this cache (the spec asks for an immutable value).
    AsideConfiguration<K, V> copy = new AsideConfiguration<>(parts.configuration());
    if (clazz.isInstance(copy)) {
      return clazz.cast(copy);
    }
    throw new IllegalArgumentException("The configuration of cache " + name + " is not a " + clazz.getName());
  }

  /** Turns statistics on or off, registering or unregistering the statistics MXBean. */
  public void setStatisticsEnabled(boolean enabled) {
    parts.configuration().setStatisticsEnabled(enabled);
    if (parts.near() != null) {
      parts.near().countHits(enabled);
    }
    if (enabled) {
      MBeanRegistrar.register(parts.statistics(), MBeanKind.STATISTICS, managerUriForJmx, name);
    } else {
      MBeanRegistrar.unregister(MBeanKind.STATISTICS, managerUriForJmx, name);
    }
  }

  /** Turns management on or off, registering or unregistering the configuration MXBean. */
  public void setManagementEnabled(boolean enabled) {
    parts.configuration().setManagementEnabled(enabled);
    if (enabled) {
      MBeanRegistrar.register(new CacheConfigurationMXBean(() -> parts.configuration()), MBeanKind.CONFIGURATION,
          managerUriForJmx, name);
    } else {
      MBeanRegistrar.unregister(MBeanKind.CONFIGURATION, managerUriForJmx, name);
    }
  }

  /** The JCache statistics of this cache (also published as an MXBean while statistics are enabled). */
  public CacheStatistics statistics() {
    return parts.statistics();
  }

  /** Reads whose bytes did not decode (foreign, corrupt or disallowed) and were treated as misses. */
  public long undecodableReads() {
    return parts.readPath().getUndecodableReads();
  }

  /** The near cache's metrics (hits, misses, invalidations, stale fills dropped…), or null without a near cache. */
  public dev.aside.near.NearCacheMetrics nearCacheMetrics() {
    return parts.near() == null ? null : parts.near().metrics();
  }

  /** The read-path metrics of this cache (loads, coalesced waits, leases, negative hits, refreshes…), also on JMX. */
  public ReadPathMetrics readPathMetrics() {
    return parts.readPath();
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
    // Background loads (loadAll, refresh-ahead) end before the loader they call is closed.
    int running = parts.executor().close(BACKGROUND_WAIT);
    if (running > 0) {
      log.warn("Cache {} closed while {} background loads (loadAll, refresh-ahead) still ran after {} s; "
          + "they may fail now that its loader is closed", name, running, BACKGROUND_WAIT.toSeconds());
    }
    MBeanRegistrar.unregister(MBeanKind.STATISTICS, managerUriForJmx, name);
    MBeanRegistrar.unregister(MBeanKind.CONFIGURATION, managerUriForJmx, name);
    MBeanRegistrar.unregister(MBeanKind.READ_PATH, managerUriForJmx, name);
    MBeanRegistrar.unregister(MBeanKind.NEAR_CACHE, managerUriForJmx, name);
    if (parts.near() != null) {
      parts.near().close();
    }
    parts.gutter().close();
    if (parts.loader() != null) {
      parts.loader().close();
    }
    parts.writer().close();
    closeQuietly(parts.expiry().policy());
    parts.events().close();
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
    return "AsideCache[" + name + " at " + parts.layout().namespace() + "]";
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
