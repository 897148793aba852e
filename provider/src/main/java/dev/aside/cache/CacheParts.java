package dev.aside.cache;

import dev.aside.config.AsideConfiguration;
import dev.aside.event.EventDispatcher;
import dev.aside.expiry.ExpiryTimes;
import dev.aside.load.LoaderAdapter;
import dev.aside.load.ReadThrough;
import dev.aside.management.CacheStatistics;
import dev.aside.management.ReadPathMetrics;
import dev.aside.near.NearCache;
import dev.aside.near.NearKeys;
import dev.aside.redis.KeyLayout;
import dev.aside.redis.RedisStore;
import dev.aside.resilience.FailurePolicy;
import dev.aside.resilience.Gutter;
import java.util.Objects;

/**
 * The finished parts of one cache, assembled by {@code manager.CacheFactory}; {@link AsideCache}
 * only composes them into its operations.
 *
 * @param configuration the cache's own configuration (a copy of the caller's, with file settings applied)
 * @param loader the cache's loader, wrapped once; null when it has none
 * @param writer the cache's writer, wrapped once (a disabled one when the cache is not write-through)
 * @param readThrough the read-through path, taken by misses with the cache's loader or a caller's
 * @param near the near cache; null when the cache has none
 * @param nearKeys the near-cache key mapping (used only with a near cache)
 * @param executor the cache's background work (loadAll, refresh-ahead), awaited when it closes
 * @param gutter values loaded while Redis is not answering, served for outage-ttl (a disabled one when off)
 */
public record CacheParts<K, V>(String name, AsideConfiguration<K, V> configuration, EntryCodec<K, V> entries,
    KeyLayout layout, RedisStore store, ExpiryTimes expiry, LoaderAdapter<K, V> loader, WriterAdapter<K, V> writer,
    EventDispatcher<K, V> events, CacheStatistics statistics, ReadPathMetrics readPath, ReadThrough<K, V> readThrough,
    FailurePolicy failures, NearCache<Object, V> near, NearKeys<K> nearKeys, BackgroundTasks executor,
    Gutter gutter) {
  public CacheParts {
    Objects.requireNonNull(name);
    Objects.requireNonNull(configuration);
    Objects.requireNonNull(entries);
    Objects.requireNonNull(layout);
    Objects.requireNonNull(store);
    Objects.requireNonNull(expiry);
    Objects.requireNonNull(readThrough);
    Objects.requireNonNull(writer);
    Objects.requireNonNull(events);
    Objects.requireNonNull(statistics);
    Objects.requireNonNull(readPath);
    Objects.requireNonNull(failures);
    Objects.requireNonNull(nearKeys);
    Objects.requireNonNull(executor);
    Objects.requireNonNull(gutter);
  }

  /** Whether misses go to the loader: the cache has one and is read-through. */
  public boolean isReadThrough() {
    return loader != null && configuration.isReadThrough();
  }
}
