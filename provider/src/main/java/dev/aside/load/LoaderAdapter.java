package dev.aside.load;

import java.io.Closeable;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cache's {@link CacheLoader}, wrapped once when the cache is built: whatever the loader throws
 * reaches callers as a {@link CacheLoaderException} (the spec's wrapping), and every path that loads
 * (read-through, {@code loadAll}, an entry processor's {@code getValue}) calls it through here.
 */
public final class LoaderAdapter<K, V> implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(LoaderAdapter.class);

  private final CacheLoader<K, V> loader;

  public LoaderAdapter(CacheLoader<K, V> loader) {
    this.loader = Objects.requireNonNull(loader);
  }

  /**
   * A caller's per-call loader ({@code AsideCache.get(key, loader)}), wrapped like a cache's: what
   * the function throws reaches the caller as a {@link CacheLoaderException} with it as the cause.
   */
  public static <K, V> LoaderAdapter<K, V> of(Function<? super K, ? extends V> function) {
    Objects.requireNonNull(function, "loader");
    return new LoaderAdapter<>(new CacheLoader<K, V>() {
      @Override
      public V load(K key) {
        return function.apply(key);
      }

      @Override
      public Map<K, V> loadAll(Iterable<? extends K> keys) {
        Map<K, V> out = new HashMap<>();
        for (K key : keys) {
          out.put(key, function.apply(key));
        }
        return out;
      }
    });
  }

  /** The loader's value for {@code key}, or null. */
  public V load(K key) {
    try {
      return loader.load(key);
    } catch (CacheLoaderException e) {
      throw e;
    } catch (Exception e) {
      throw new CacheLoaderException("Exception in CacheLoader for key " + key, e);
    }
  }

  /** The loader's values for {@code keys}, possibly null. */
  public Map<? extends K, ? extends V> loadAll(Iterable<? extends K> keys) {
    try {
      return loader.loadAll(keys);
    } catch (CacheLoaderException e) {
      throw e;
    } catch (Exception e) {
      throw new CacheLoaderException("Exception in CacheLoader", e);
    }
  }

  /** Closes the loader if it is {@link Closeable}; a failure is logged. */
  @Override
  public void close() {
    if (loader instanceof Closeable closeable) {
      try {
        closeable.close();
      } catch (IOException | RuntimeException e) {
        log.warn("Could not close {}", loader.getClass().getName(), e);
      }
    }
  }
}
