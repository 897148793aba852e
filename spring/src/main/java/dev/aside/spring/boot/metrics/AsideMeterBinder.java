package dev.aside.spring.boot.metrics;

import dev.aside.management.ReadPathMetrics;
import dev.aside.near.NearCacheMetrics;
import dev.aside.resilience.CircuitBreaker;
import dev.aside.resilience.RedisHealth;
import dev.aside.spring.boot.cache.AsideSpringCache;
import dev.aside.spring.boot.cache.AsideSpringCacheManager;
import dev.aside.spring.boot.cache.DroppedPuts;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Aside's own meters, beyond the standard JCache ones: per cache its read path and near cache, per
 * manager its circuit breaker, invalidation queue and dropped puts.
 *
 * <p>Tags are {@code cacheManager} (the manager's configured name) and, per cache, {@code cache}: stable
 * across deployments, never a file path, URI or password. Caches the manager adds after binding
 * (found later by name) are bound when added. Meters read the counters Aside keeps anyway; binding adds
 * no work to cache calls.
 */
public final class AsideMeterBinder implements MeterBinder {
  private static final List<Meter<ReadPathMetrics>> READ_PATH = List.of(
      new Meter<>("aside.cache.loads", "Values loaded on a miss by this JVM (loader or @Cacheable(sync = true) method)",
          ReadPathMetrics::getLoads),
      new Meter<>("aside.cache.coalesced.waits", "Misses that waited for this JVM's load of the same key",
          ReadPathMetrics::getCoalescedWaits),
      new Meter<>("aside.cache.lease.waits", "Misses that waited for another JVM's load of the same key (its lease)",
          ReadPathMetrics::getCrossJvmWaits),
      new Meter<>("aside.cache.lease.timeouts", "Lease waits that gave up and loaded themselves",
          ReadPathMetrics::getLeaseTimeouts),
      new Meter<>("aside.cache.negative.hits", "Reads answered by a cached absence (negative caching)",
          ReadPathMetrics::getNegativeHits),
      new Meter<>("aside.cache.early.refreshes", "Entries refreshed ahead of expiry", ReadPathMetrics::getEarlyRefreshes),
      new Meter<>("aside.cache.stale.fills.rejected", "Loaded values not cached because the entry changed meanwhile",
          ReadPathMetrics::getStaleFillsRejected),
      new Meter<>("aside.cache.undecodable.reads", "Values that did not decode and were treated as misses",
          ReadPathMetrics::getUndecodableReads));

  private static final List<Meter<NearCacheMetrics>> NEAR_CACHE = List.of(
      new Meter<>("aside.near.fills", "Values put into the near cache", NearCacheMetrics::getFills),
      new Meter<>("aside.near.stale.fills.dropped", "Near-cache fills dropped because the entry changed meanwhile",
          NearCacheMetrics::getStaleFillsDropped),
      new Meter<>("aside.near.invalidations", "Invalidations received from Redis", NearCacheMetrics::getInvalidationsReceived),
      new Meter<>("aside.near.clears", "Times the whole near cache was dropped (lost tracking)",
          NearCacheMetrics::getFullClears),
      new Meter<>("aside.near.evictions", "Near-cache entries evicted for size or lifetime", NearCacheMetrics::getEvictions));

  private static final List<Meter<RedisHealth>> MANAGER = List.of(
      new Meter<>("aside.redis.circuit.opens", "Times the circuit breaker opened", RedisHealth::getCircuitOpens),
      new Meter<>("aside.redis.short.circuited", "Commands refused at once while the breaker was open",
          RedisHealth::getShortCircuitedCommands),
      new Meter<>("aside.invalidations.queued", "Invalidations queued while Redis was failing",
          RedisHealth::getQueuedInvalidations),
      new Meter<>("aside.invalidations.replayed", "Queued invalidations applied once Redis was back",
          RedisHealth::getReplayedInvalidations),
      new Meter<>("aside.invalidations.overflows", "Times the invalidation queue overflowed",
          RedisHealth::getInvalidationQueueOverflows));

  private final AsideSpringCacheManager manager;

  public AsideMeterBinder(AsideSpringCacheManager manager) {
    this.manager = Objects.requireNonNull(manager);
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Tags tags = Tags.of("cacheManager", manager.name());
    RedisHealth health = manager.aside().health();
    for (CircuitBreaker.State state : CircuitBreaker.State.values()) {
      Gauge.builder("aside.redis.circuit", health, h -> state.name().equals(h.getCircuitState()) ? 1 : 0)
          .description("1 for the circuit breaker's current state, else 0")
          .tags(tags).tag("state", state.name().toLowerCase(Locale.ROOT))
          .register(registry);
    }
    counters(registry, tags, health, MANAGER);
    Gauge.builder("aside.redis.circuits.open", health, RedisHealth::getOpenCircuits)
        .description("Circuit breakers not closed: 0 or 1 for a standalone Redis, up to one per master on a cluster")
        .tags(tags).register(registry);
    Gauge.builder("aside.invalidations.pending", health, RedisHealth::getPendingInvalidations)
        .description("Invalidations waiting for Redis").tags(tags).register(registry);
    FunctionCounter.builder("aside.cache.puts.dropped", manager.droppedPuts(), DroppedPuts::total)
        .description("Puts not cached because Redis was unavailable (callers were served)").tags(tags)
        .register(registry);
    manager.forEachCache(cache -> bindCache(registry, tags, cache));
  }

  private static void bindCache(MeterRegistry registry, Tags managerTags, AsideSpringCache cache) {
    Tags tags = managerTags.and("cache", cache.getName());
    ReadPathMetrics readPath = cache.aside().readPathMetrics();
    counters(registry, tags, readPath, READ_PATH);
    FunctionCounter.builder("aside.cache.redis.failures", readPath, ReadPathMetrics::getFailedReads)
        .description("Redis commands of this cache that failed").tags(tags).tag("operation", "read").register(registry);
    FunctionCounter.builder("aside.cache.redis.failures", readPath, ReadPathMetrics::getFailedWrites)
        .description("Redis commands of this cache that failed").tags(tags).tag("operation", "write").register(registry);
    FunctionCounter.builder("aside.cache.outage.hits", readPath, ReadPathMetrics::getOutageHits)
        .description("Reads answered from the outage gutter while Redis was not answering").tags(tags)
        .register(registry);
    FunctionCounter.builder("aside.cache.outage.loads", readPath, ReadPathMetrics::getOutageLoads)
        .description("Loader calls while failing open").tags(tags).register(registry);
    FunctionCounter.builder("aside.cache.outage.loads.refused", readPath, ReadPathMetrics::getOutageLoadsRefused)
        .description("Loads refused by outageMaxLoads while failing open (the caller got a CacheLoaderException)")
        .tags(tags).register(registry);
    Gauge.builder("aside.cache.outage.size", readPath, ReadPathMetrics::getOutageEntries)
        .description("Values the outage gutter holds").tags(tags).register(registry);
    Gauge.builder("aside.cache.outage.weighted.size", readPath, ReadPathMetrics::getOutageWeightedSize).baseUnit("bytes")
        .description("What the outage gutter's entries weigh").tags(tags).register(registry);
    Gauge.builder("aside.cache.outage.max.bytes", readPath, ReadPathMetrics::getOutageMaxBytes).baseUnit("bytes")
        .description("The outage gutter's byte bound (0 without a gutter)").tags(tags).register(registry);
    FunctionCounter.builder("aside.cache.outage.evictions", readPath, ReadPathMetrics::getOutageEvictions)
        .description("Outage gutter values evicted by its bounds before their TTL").tags(tags).register(registry);
    FunctionCounter.builder("aside.cache.outage.evicted.bytes", readPath, ReadPathMetrics::getOutageEvictedBytes)
        .baseUnit("bytes").description("Bytes evicted from the outage gutter by its bounds").tags(tags)
        .register(registry);
    FunctionCounter.builder("aside.cache.outage.too.large", readPath, ReadPathMetrics::getOutageTooLargeNotKept)
        .description("Values not kept in the outage gutter: above 1/16 of its byte bound").tags(tags)
        .register(registry);
    NearCacheMetrics near = cache.aside().nearCacheMetrics();
    if (near != null) {
      FunctionCounter.builder("aside.near.gets", near, NearCacheMetrics::getHits)
          .description("Reads of the near cache").tags(tags).tag("result", "hit").register(registry);
      FunctionCounter.builder("aside.near.gets", near, NearCacheMetrics::getMisses)
          .description("Reads of the near cache").tags(tags).tag("result", "miss").register(registry);
      counters(registry, tags, near, NEAR_CACHE);
      Gauge.builder("aside.near.size", near, NearCacheMetrics::getSize)
          .description("Entries in the near cache").tags(tags).register(registry);
      Gauge.builder("aside.near.weighted.size", near, NearCacheMetrics::getWeightedSize).baseUnit("bytes")
          .description("What the near cache's entries weigh").tags(tags).register(registry);
      Gauge.builder("aside.near.max.bytes", near, NearCacheMetrics::getMaxBytes).baseUnit("bytes")
          .description("The near cache's byte bound").tags(tags).register(registry);
      FunctionCounter.builder("aside.near.evicted.bytes", near, NearCacheMetrics::getEvictedBytes).baseUnit("bytes")
          .description("Bytes evicted from the near cache by its bounds").tags(tags).register(registry);
      FunctionCounter.builder("aside.near.too.large", near, NearCacheMetrics::getTooLargeNotKept)
          .description("Values not kept in the near cache: above 1/16 of its byte bound").tags(tags).register(registry);
      Gauge.builder("aside.near.live", near, n -> n.isLive() ? 1 : 0)
          .description("1 while the near cache is fed invalidations, else 0 (it then serves nothing)")
          .tags(tags).register(registry);
    }
  }

  private static <T> void counters(MeterRegistry registry, Tags tags, T source, List<Meter<T>> meters) {
    for (Meter<T> meter : meters) {
      FunctionCounter.builder(meter.name(), source, meter.value()).description(meter.description()).tags(tags)
          .register(registry);
    }
  }

  /** A counter over one getter. */
  private record Meter<T>(String name, String description, ToDoubleFunction<T> value) {}
}
