package dev.aside.spring.boot.cache;

import dev.aside.cache.AsideCache;
import dev.aside.manager.AsideCacheManager;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import javax.cache.CacheManager;
import org.springframework.cache.Cache;
import org.springframework.cache.jcache.JCacheCacheManager;

/**
 * Spring's {@link org.springframework.cache.CacheManager} over an Aside cache manager: its caches are
 * {@link AsideSpringCache}s, and it has a name of its own (its meters' {@code cacheManager} tag).
 *
 * <p>Caches come from the Aside manager: those it holds when Spring initializes this manager, and any
 * other it finds later by name (a {@code cache.<name>} section of the configuration file).
 */
public final class AsideSpringCacheManager extends JCacheCacheManager {
  private final String name;
  private final AsideCacheManager aside;
  private final DroppedPuts droppedPuts;
  /* Guarded by cacheListeners, so that a listener added while a cache is added sees it exactly once. */
  private final Map<String, AsideSpringCache> caches = new HashMap<>();
  private final List<Consumer<AsideSpringCache>> cacheListeners = new ArrayList<>();

  public AsideSpringCacheManager(String name, CacheManager jcacheManager, DroppedPuts droppedPuts) {
    super(jcacheManager);
    this.name = Objects.requireNonNull(name);
    this.aside = jcacheManager.unwrap(AsideCacheManager.class);
    this.droppedPuts = Objects.requireNonNull(droppedPuts);
  }

  /** The name given to this manager ({@code aside.spring.manager-name}), stable across deployments. */
  public String name() {
    return name;
  }

  /** The Aside cache manager underneath, for its health. */
  public AsideCacheManager aside() {
    return aside;
  }

  /** Puts that Redis did not take while it was unavailable. */
  public DroppedPuts droppedPuts() {
    return droppedPuts;
  }

  /** Calls {@code listener} for each cache this manager holds now and for each it adds later. */
  public void forEachCache(Consumer<AsideSpringCache> listener) {
    List<AsideSpringCache> present;
    synchronized (cacheListeners) {
      cacheListeners.add(listener);
      present = List.copyOf(caches.values());
    }
    present.forEach(listener);
  }

  @Override
  protected Collection<Cache> loadCaches() {
    List<Cache> loaded = new ArrayList<>();
    for (String cacheName : getCacheManager().getCacheNames()) {
      loaded.add(wrap(getCacheManager().getCache(cacheName)));
    }
    return loaded;
  }

  @Override
  protected Cache getMissingCache(String cacheName) {
    javax.cache.Cache<Object, Object> jcache = getCacheManager().getCache(cacheName);
    return jcache == null ? null : wrap(jcache);
  }

  private AsideSpringCache wrap(javax.cache.Cache<Object, Object> jcache) {
    AsideCache<?, ?> asideCache = jcache.unwrap(AsideCache.class);
    AsideSpringCache cache;
    List<Consumer<AsideSpringCache>> listeners;
    synchronized (cacheListeners) {
      AsideSpringCache known = caches.get(jcache.getName());
      if (known != null && known.aside() == asideCache) {
        return known;
      }
      cache = new AsideSpringCache(asideCache, isAllowNullValues(), droppedPuts);
      caches.put(cache.getName(), cache);
      listeners = List.copyOf(cacheListeners);
    }
    listeners.forEach(listener -> listener.accept(cache));
    return cache;
  }
}
