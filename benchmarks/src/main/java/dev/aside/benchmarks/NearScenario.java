package dev.aside.benchmarks;

import dev.aside.config.AsideConfiguration;
import dev.aside.spi.AsideCachingProvider;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;

/**
 * {@code near}: near-cache hit throughput against Caffeine's own JCache provider in the same run,
 * and staleness: a writer on one cache manager updates a key about 1,000 times a second while a
 * reader on another manager, with a near cache, reads it continuously.
 */
final class NearScenario implements Scenario {
  private static final String CAFFEINE = "com.github.benmanes.caffeine.jcache.spi.CaffeineCachingProvider";

  private int threads;
  private double seconds;
  private int rounds;
  private int writesPerSecond;

  @Override
  public String name() {
    return "near";
  }

  @Override
  public String summary() {
    return "near-cache hit throughput vs Caffeine's JCache; staleness under 1,000 writes/s";
  }

  @Override
  public String optionsHelp() {
    return "--threads N     reader threads for throughput (default 4)\n"
        + "--seconds S     seconds per throughput round and for the staleness run (default 3)\n"
        + "--rounds R      interleaved throughput rounds (default 3)\n"
        + "--rate W        writes per second in the staleness run (default 1000)";
  }

  @Override
  public void parse(Options options) {
    threads = options.integer("threads", 4, 1);
    seconds = options.decimal("seconds", 3, 0.1);
    rounds = options.integer("rounds", 3, 1);
    writesPerSecond = options.integer("rate", 1000, 1);
  }

  @Override
  public Map<String, Object> run(Environment environment) throws Exception {
    URI uri = URI.create(environment.redisUri() + (environment.redisUri().contains("?") ? "&" : "?")
        + "prefix=near-bench");
    CacheManager writerManager = new AsideCachingProvider().getCacheManager(uri, getClass().getClassLoader());
    CacheManager readerManager = new AsideCachingProvider().getCacheManager(uri, getClass().getClassLoader());
    CacheManager caffeineManager = Caching.getCachingProvider(CAFFEINE).getCacheManager();
    try {
      AsideConfiguration<String, String> nearConfig = new AsideConfiguration<>();
      nearConfig.setTypes(String.class, String.class);
      nearConfig.setNearCacheMaxEntries(10_000);
      Cache<String, String> aside = readerManager.createCache("hot", nearConfig);
      Cache<String, String> caffeine = caffeineManager.createCache("near-bench-hot",
          new MutableConfiguration<String, String>().setTypes(String.class, String.class));
      // Like for like: Caffeine's JCache bounded to the near cache's size (a bounded Caffeine cache
      // records every read for its eviction policy; the unbounded default does not).
      com.github.benmanes.caffeine.jcache.configuration.CaffeineConfiguration<String, String> bounded =
          new com.github.benmanes.caffeine.jcache.configuration.CaffeineConfiguration<>();
      bounded.setTypes(String.class, String.class);
      bounded.setMaximumSize(java.util.OptionalLong.of(10_000));
      Cache<String, String> caffeineBounded = caffeineManager.createCache("near-bench-hot-bounded", bounded);
      int keys = 1_000;
      String value = "v".repeat(100);
      for (int k = 0; k < keys; k++) {
        aside.put("k" + k, value);
        caffeine.put("k" + k, value);
        caffeineBounded.put("k" + k, value);
      }
      Thread.sleep(200);     // this JVM's own writes come back as invalidations; let them pass
      for (int k = 0; k < keys; k++) {
        aside.get("k" + k);
      }

      double[] asideOps = new double[rounds];
      double[] caffeineOps = new double[rounds];
      double[] boundedOps = new double[rounds];
      measure(aside, keys, 0.5);
      measure(caffeine, keys, 0.5);
      measure(caffeineBounded, keys, 0.5);
      for (int r = 0; r < rounds; r++) {
        asideOps[r] = measure(aside, keys, seconds);
        caffeineOps[r] = measure(caffeine, keys, seconds);
        boundedOps[r] = measure(caffeineBounded, keys, seconds);
      }
      var near = aside.unwrap(dev.aside.cache.AsideCache.class).nearCacheMetrics();
      environment.err().printf("near cache of the throughput run: %,d hits, %,d misses%n", near.getHits(), near.getMisses());
      double asideMedian = median(asideOps);
      double caffeineMedian = median(caffeineOps);
      double boundedMedian = median(boundedOps);
      double ratio = asideMedian / caffeineMedian;
      double boundedRatio = asideMedian / boundedMedian;

      Staleness staleness = staleness(writerManager, readerManager, environment);

      environment.out().printf("near-cache get hits, %d threads, %d rounds x %.1f s, median ops/s%n", threads, rounds, seconds);
      environment.out().printf("  Aside (near cache)     %,14.0f%n", asideMedian);
      environment.out().printf("  Caffeine's JCache      %,14.0f   (default configuration: unbounded)%n", caffeineMedian);
      environment.out().printf("  Caffeine's JCache      %,14.0f   (bounded to 10,000 entries, like the near cache)%n",
          boundedMedian);
      environment.out().printf("  ratio, vs default      %14.3f%n", ratio);
      environment.out().printf("  ratio, vs bounded      %14.3f%n%n", boundedRatio);
      environment.out().printf("staleness: %d writes on manager A at ~%d/s, reader with a near cache on manager B%n",
          staleness.writes, writesPerSecond);
      environment.out().printf("  write ack -> first read of the new version on B: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
          staleness.p50, staleness.p99, staleness.max);
      environment.out().printf("  reads on B: %,d; older than a version B had already returned: %d%n",
          staleness.reads, staleness.olderReads);

      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("scenario", name());
      figures.put("near_vs_caffeine_ratio", round(ratio, 3));
      figures.put("near_vs_bounded_caffeine_ratio", round(boundedRatio, 3));
      figures.put("caffeine_jcache_bounded_get_ops", Math.round(boundedMedian));
      figures.put("aside_near_get_ops", Math.round(asideMedian));
      figures.put("caffeine_jcache_get_ops", Math.round(caffeineMedian));
      figures.put("staleness_p50_ms", round(staleness.p50, 3));
      figures.put("staleness_p99_ms", round(staleness.p99, 3));
      figures.put("staleness_max_ms", round(staleness.max, 3));
      figures.put("older_reads", staleness.olderReads);
      figures.put("staleness_writes", staleness.writes);
      figures.put("staleness_reads", staleness.reads);
      figures.put("threads", threads);
      return figures;
    } finally {
      caffeineManager.close();
      writerManager.close();
      readerManager.close();
    }
  }

  private double measure(Cache<String, String> cache, int keys, double secs) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    LongAdder ops = new LongAdder();
    long end = System.nanoTime() + (long) (secs * 1e9);
    List<Future<?>> work = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      work.add(pool.submit(() -> {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long n = 0;
        while ((n & 255) != 0 || System.nanoTime() < end) {
          if (cache.get("k" + random.nextInt(keys)) == null) {
            throw new IllegalStateException("unexpected miss");
          }
          n++;
        }
        ops.add(n);
        return null;
      }));
    }
    for (Future<?> f : work) {
      f.get();
    }
    pool.shutdown();
    return ops.sum() / secs;
  }

  private record Staleness(long writes, long reads, long olderReads, double p50, double p99, double max) {}

  private Staleness staleness(CacheManager writerManager, CacheManager readerManager, Environment environment)
      throws Exception {
    AsideConfiguration<String, Long> plain = new AsideConfiguration<>();
    plain.setTypes(String.class, Long.class);
    AsideConfiguration<String, Long> near = new AsideConfiguration<>(plain);
    near.setNearCacheMaxEntries(100);
    Cache<String, Long> writer = writerManager.createCache("versions", plain);
    Cache<String, Long> reader = readerManager.createCache("versions", near);
    int total = (int) (writesPerSecond * seconds);
    AtomicLongArray ackNanos = new AtomicLongArray(total + 1);
    AtomicLongArray firstSeenNanos = new AtomicLongArray(total + 1);
    writer.put("hot", 0L);
    AtomicLong done = new AtomicLong();
    AtomicLong reads = new AtomicLong();
    AtomicLong older = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    Future<?> readerTask = pool.submit(() -> {
      long maxSeen = 0;
      while (done.get() == 0) {
        Long version = reader.get("hot");
        long now = System.nanoTime();
        reads.incrementAndGet();
        if (version == null) {
          continue;
        }
        if (version < maxSeen) {
          older.incrementAndGet();
        } else if (version > maxSeen) {
          for (long v = maxSeen + 1; v <= version; v++) {
            firstSeenNanos.set((int) v, now);
          }
          maxSeen = version;
        }
      }
      return null;
    });
    long intervalNanos = 1_000_000_000L / writesPerSecond;
    long next = System.nanoTime();
    for (int v = 1; v <= total; v++) {
      writer.put("hot", (long) v);
      ackNanos.set(v, System.nanoTime());
      next += intervalNanos;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
    }
    Thread.sleep(300);
    done.set(1);
    readerTask.get();
    pool.shutdown();
    List<Double> lags = new ArrayList<>();
    for (int v = 1; v <= total; v++) {
      if (firstSeenNanos.get(v) != 0) {
        lags.add(Math.max(0, firstSeenNanos.get(v) - ackNanos.get(v)) / 1e6);
      }
    }
    double[] sorted = lags.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    if (sorted.length < total) {
      environment.err().printf("%d of %d versions were never read (superseded before a read)%n", total - sorted.length, total);
    }
    return new Staleness(total, reads.get(), older.get(), percentile(sorted, 0.50), percentile(sorted, 0.99),
        sorted.length == 0 ? 0 : sorted[sorted.length - 1]);
  }

  private static double percentile(double[] sorted, double p) {
    return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
  }

  private static double median(double[] values) {
    double[] copy = values.clone();
    Arrays.sort(copy);
    return copy[copy.length / 2];
  }

  private static double round(double value, int digits) {
    double scale = Math.pow(10, digits);
    return Math.round(value * scale) / scale;
  }
}
