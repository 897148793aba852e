package dev.aside.spi;

import dev.aside.manager.AsideCacheManager;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.WeakHashMap;
import javax.cache.CacheManager;
import javax.cache.configuration.OptionalFeature;
import javax.cache.spi.CachingProvider;

/**
 * The Aside {@link CachingProvider}: one {@link AsideCacheManager} per (URI, class loader).
 *
 * <p>Default URI: system property {@code aside.uri}, else environment variable {@code ASIDE_URI},
 * else {@code redis://127.0.0.1:6379}.
 */
public final class AsideCachingProvider implements CachingProvider {
  public static final String URI_PROPERTY = "aside.uri";
  public static final String URI_ENVIRONMENT = "ASIDE_URI";
  public static final String FALLBACK_URI = "redis://127.0.0.1:6379";

  private final Map<ClassLoader, Map<URI, AsideCacheManager>> managers = new WeakHashMap<>();

  @Override
  public synchronized CacheManager getCacheManager(URI uri, ClassLoader classLoader, Properties properties) {
    URI managerUri = uri == null ? getDefaultURI() : uri;
    ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
    Properties props = properties == null ? new Properties() : properties;
    Map<URI, AsideCacheManager> byUri = managers.computeIfAbsent(loader, l -> new HashMap<>());
    AsideCacheManager manager = byUri.get(managerUri);
    if (manager == null || manager.isClosed()) {
      manager = new AsideCacheManager(this, managerUri, loader, props, () -> release(managerUri, loader));
      byUri.put(managerUri, manager);
    }
    return manager;
  }

  private synchronized void release(URI uri, ClassLoader classLoader) {
    Map<URI, AsideCacheManager> byUri = managers.get(classLoader);
    if (byUri != null) {
      AsideCacheManager manager = byUri.get(uri);
      if (manager != null && manager.isClosed()) {
        byUri.remove(uri);
      }
      if (byUri.isEmpty()) {
        managers.remove(classLoader);
      }
    }
  }

  @Override
  public ClassLoader getDefaultClassLoader() {
    return getClass().getClassLoader();
  }

  @Override
  public URI getDefaultURI() {
    String configured = System.getProperty(URI_PROPERTY);
    if (configured == null || configured.isBlank()) {
      configured = System.getenv(URI_ENVIRONMENT);
    }
    if (configured == null || configured.isBlank()) {
      configured = FALLBACK_URI;
    }
    try {
      return URI.create(configured.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("The default Aside URI (from " + URI_PROPERTY + " or " + URI_ENVIRONMENT
          + ") is not a valid URI", null);
    }
  }

  @Override
  public Properties getDefaultProperties() {
    return new Properties();
  }

  @Override
  public CacheManager getCacheManager(URI uri, ClassLoader classLoader) {
    return getCacheManager(uri, classLoader, getDefaultProperties());
  }

  @Override
  public CacheManager getCacheManager() {
    return getCacheManager(getDefaultURI(), getDefaultClassLoader(), getDefaultProperties());
  }

  @Override
  public void close() {
    for (AsideCacheManager manager : snapshot(null, null)) {
      manager.close();
    }
  }

  @Override
  public void close(ClassLoader classLoader) {
    for (AsideCacheManager manager : snapshot(classLoader == null ? getDefaultClassLoader() : classLoader, null)) {
      manager.close();
    }
  }

  @Override
  public void close(URI uri, ClassLoader classLoader) {
    for (AsideCacheManager manager : snapshot(classLoader == null ? getDefaultClassLoader() : classLoader,
        uri == null ? getDefaultURI() : uri)) {
      manager.close();
    }
  }

  private synchronized List<AsideCacheManager> snapshot(ClassLoader classLoader, URI uri) {
    List<AsideCacheManager> out = new ArrayList<>();
    managers.forEach((loader, byUri) -> {
      if (classLoader == null || classLoader == loader) {
        byUri.forEach((u, manager) -> {
          if (uri == null || uri.equals(u)) {
            out.add(manager);
          }
        });
      }
    });
    return out;
  }

  @Override
  public boolean isSupported(OptionalFeature feature) {
    return feature != OptionalFeature.STORE_BY_REFERENCE;
  }
}
