package dev.aside.benchmarks;

import dev.aside.cache.AsideCache;
import dev.aside.config.AsideConfiguration;
import dev.aside.management.ReadPathMetrics;
import dev.aside.spi.AsideCachingProvider;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import javax.cache.CacheManager;
import javax.cache.configuration.Factory;
import javax.cache.integration.CacheLoader;

/** {@code --via loader} and {@code --via function}: an Aside cache used directly through its JCache API. */
final class JCacheReadPath implements StampedeReadPath {
  private final CacheManager manager;
  private final AsideCache<String, String> cache;
  private final Function<String, String> read;

  private JCacheReadPath(CacheManager manager, AsideCache<String, String> cache, Function<String, String> read) {
    this.manager = manager;
    this.cache = cache;
    this.read = read;
  }

  /** A read-through cache with the repository as its {@code CacheLoader}, read with {@code get(key)}. */
  static JCacheReadPath readThrough(String managerUri, StampedeRepository repository) {
    AsideConfiguration<String, String> config = new AsideConfiguration<>();
    config.setTypes(String.class, String.class);
    config.setReadThrough(true);
    config.setCacheLoaderFactory((Factory<CacheLoader<String, String>>) () -> new RepositoryLoader(repository));
    CacheManager manager = manager(managerUri);
    AsideCache<String, String> cache = asideCache(manager, config);
    return new JCacheReadPath(manager, cache, cache::get);
  }

  /** A cache without a loader, read with {@code AsideCache.get(key, loader)} and the repository as the loader. */
  static JCacheReadPath perCallLoader(String managerUri, StampedeRepository repository) {
    AsideConfiguration<String, String> config = new AsideConfiguration<>();
    config.setTypes(String.class, String.class);
    CacheManager manager = manager(managerUri);
    AsideCache<String, String> cache = asideCache(manager, config);
    return new JCacheReadPath(manager, cache, key -> cache.get(key, repository::find));
  }

  private static CacheManager manager(String managerUri) {
    return new AsideCachingProvider().getCacheManager(URI.create(managerUri), JCacheReadPath.class.getClassLoader());
  }

  @SuppressWarnings("unchecked")
  private static AsideCache<String, String> asideCache(CacheManager manager,
      AsideConfiguration<String, String> config) {
    return manager.createCache("users", config).unwrap(AsideCache.class);
  }

  @Override
  public String get(String key) {
    return read.apply(key);
  }

  @Override
  public void put(String key, String value) {
    cache.put(key, value);
  }

  @Override
  public ReadPathMetrics metrics() {
    return cache.readPathMetrics();
  }

  @Override
  public void close() {
    manager.close();
  }

  /** The repository as a JCache {@code CacheLoader}. */
  private static final class RepositoryLoader implements CacheLoader<String, String> {
    private final StampedeRepository repository;

    RepositoryLoader(StampedeRepository repository) {
      this.repository = repository;
    }

    @Override
    public String load(String key) {
      return repository.find(key);
    }

    @Override
    public Map<String, String> loadAll(Iterable<? extends String> keys) {
      Map<String, String> loaded = new HashMap<>();
      for (String key : keys) {
        loaded.put(key, load(key));
      }
      return loaded;
    }
  }
}
