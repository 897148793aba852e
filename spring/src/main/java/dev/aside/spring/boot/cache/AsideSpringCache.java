package dev.aside.spring.boot.cache;

import dev.aside.cache.AsideCache;
import dev.aside.redis.RedisOperationException;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.springframework.cache.jcache.JCacheCache;

/**
 * A Spring {@link org.springframework.cache.Cache} over an Aside cache.
 *
 * <p>What differs from Spring's {@link JCacheCache}:
 * <ul>
 *   <li>{@link #get(Object, Callable)}, which {@code @Cacheable(sync = true)} calls, runs Aside's read path
 *       with the callable as a per-call loader: one load per key across the fleet, lease-protected so a
 *       value loaded before a concurrent eviction is never cached. A plain {@code @Cacheable} keeps
 *       Spring's get-then-put, which has neither guarantee.
 *   <li>A {@code put} or {@code putIfAbsent} that fails because Redis is unavailable does not fail the
 *       caller: the value is not cached, Aside has queued the key's invalidation, and the failure is
 *       counted and logged by {@link DroppedPuts}, at most once per interval. Reads already fail open
 *       (a miss) and evictions are queued until Redis is back, so no cache call of a Spring application
 *       fails for an outage.
 * </ul>
 */
public final class AsideSpringCache extends JCacheCache {
  private final AsideCache<Object, Object> aside;
  private final DroppedPuts droppedPuts;

  @SuppressWarnings("unchecked")
  public AsideSpringCache(AsideCache<?, ?> aside, boolean allowNullValues, DroppedPuts droppedPuts) {
    super((AsideCache<Object, Object>) aside, allowNullValues);
    this.aside = (AsideCache<Object, Object>) aside;
    this.droppedPuts = Objects.requireNonNull(droppedPuts);
  }

  /** The Aside cache underneath, for its metrics. */
  public AsideCache<Object, Object> aside() {
    return aside;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T get(Object key, Callable<T> valueLoader) {
    try {
      return (T) fromStoreValue(loadThrough(key, k -> toStoreValue(call(valueLoader))));
    } catch (RuntimeException e) {
      Throwable cause = LoaderFailure.causeIn(e);
      if (cause != null) {
        throw new ValueRetrievalException(key, valueLoader, cause);
      }
      throw e;
    }
  }

  /*
   * The one place that reaches Aside's read path with a per-call loader: AsideCache#get(K, Function)
   * coalesces the load in this JVM and across JVMs, fills under the entry's lease (so an eviction made
   * during the load wins), and fails open to the loader when Redis is unavailable.
   */
  private Object loadThrough(Object key, Function<Object, Object> loader) {
    return aside.get(key, loader);
  }

  @Override
  public void put(Object key, Object value) {
    try {
      super.put(key, value);
    } catch (RedisOperationException unavailable) {
      droppedPuts.record(getName(), unavailable);
    }
  }

  /** As Spring's, except that when Redis is unavailable nothing is cached and null is answered (the caller's value stands). */
  @Override
  public ValueWrapper putIfAbsent(Object key, Object value) {
    try {
      return super.putIfAbsent(key, value);
    } catch (RedisOperationException unavailable) {
      droppedPuts.record(getName(), unavailable);
      return null;
    }
  }

  private static Object call(Callable<?> valueLoader) {
    try {
      return valueLoader.call();
    } catch (Exception e) {
      throw new LoaderFailure(e);
    }
  }

  /** Carries the callable's own exception through Aside's loader wrapping, to be answered as Spring expects. */
  private static final class LoaderFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LoaderFailure(Exception cause) {
      super(cause);
    }

    /** The callable's exception somewhere in {@code thrown}'s causes, or null when the failure is not the callable's. */
    static Throwable causeIn(Throwable thrown) {
      for (Throwable t = thrown; t != null; t = t.getCause()) {
        if (t instanceof LoaderFailure failure) {
          return failure.getCause();
        }
      }
      return null;
    }
  }
}
