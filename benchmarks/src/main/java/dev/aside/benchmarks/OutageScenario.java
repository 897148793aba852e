package dev.aside.benchmarks;

import dev.aside.cache.AsideCache;
import dev.aside.config.AsideConfiguration;
import dev.aside.manager.AsideCacheManager;
import dev.aside.spi.AsideCachingProvider;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import javax.cache.Cache;
import javax.cache.configuration.Factory;
import javax.cache.integration.CacheLoader;

/**
 * {@code outage}: read-through gets on Zipf-distributed keys (5 ms loader) while writers update the
 * source and invalidate; Redis is killed (SIGKILL) at 5 s and restarted at 15 s; the run ends at
 * 25 s. Reports failed reads, p99 latency during the outage, how long the hit rate takes to get
 * back to 95 % after the restart, and stale reads after recovery.
 */
final class OutageScenario implements Scenario {
  private int threads;
  private int keys;
  private int loaderMillis;
  private double killAt;
  private double restartAt;
  private double duration;

  @Override
  public String name() {
    return "outage";
  }

  @Override
  public String summary() {
    return "reads through a Redis kill and restart; failed reads, latency, recovery, stale reads";
  }

  @Override
  public String optionsHelp() {
    return "--threads N      reader threads (default 8)\n"
        + "--keys K         distinct keys, Zipf-distributed (default 1000)\n"
        + "--loader-ms M    loader time (default 5)\n"
        + "--kill-at S      seconds until Redis is killed (default 5)\n"
        + "--restart-at S   seconds until it is restarted (default 15)\n"
        + "--duration S     total seconds (default 25)";
  }

  @Override
  public void parse(Options options) {
    threads = options.integer("threads", 8, 1);
    keys = options.integer("keys", 1000, 1);
    loaderMillis = options.integer("loader-ms", 5, 0);
    killAt = options.decimal("kill-at", 5, 0);
    restartAt = options.decimal("restart-at", 15, 0);
    duration = options.decimal("duration", 25, 0.1);
    if (!(killAt < restartAt && restartAt < duration)) {
      throw new UsageException("need --kill-at < --restart-at < --duration");
    }
  }

  @Override
  public Map<String, Object> run(Environment environment) throws Exception {
    if (environment.server() == null) {
      throw new UsageException("outage kills Redis: run it without --uri so it starts its own");
    }
    Map<Integer, AtomicLong> database = new ConcurrentHashMap<>();
    for (int k = 0; k < keys; k++) {
      database.put(k, new AtomicLong(1));
    }
    AtomicLongArray committed = new AtomicLongArray(keys);
    LongAdder loads = new LongAdder();
    AsideCacheManager manager = (AsideCacheManager) new AsideCachingProvider().getCacheManager(
        URI.create(environment.redisUri() + "?prefix=outage"), getClass().getClassLoader());
    AsideConfiguration<Integer, Long> config = new AsideConfiguration<>();
    config.setTypes(Integer.class, Long.class);
    config.setReadThrough(true);
    config.setCacheLoaderFactory((Factory<CacheLoader<Integer, Long>>) () -> new CacheLoader<>() {
      @Override
      public Long load(Integer key) {
        loads.increment();
        sleep(loaderMillis);
        return database.get(key).get();
      }

      @Override
      public Map<Integer, Long> loadAll(Iterable<? extends Integer> ks) {
        java.util.Map<Integer, Long> loaded = new java.util.HashMap<>();
        for (Integer key : ks) {
          loaded.put(key, load(key));
        }
        return loaded;
      }
    });
    Cache<Integer, Long> cache = manager.createCache("rows", config);
    Zipf zipf = new Zipf(keys, 1.0);

    int seconds = (int) Math.ceil(duration);
    LongAdder[] readsPerSecond = adders(seconds);
    LongAdder[] loadsPerSecond = adders(seconds);
    LongAdder failedReads = new LongAdder();
    LongAdder staleAfterRecovery = new LongAdder();
    LongAdder staleDuringOutage = new LongAdder();
    List<Long> outageLatencies = java.util.Collections.synchronizedList(new ArrayList<>());
    long t0 = System.nanoTime();
    long end = t0 + seconds(duration);
    AtomicLong recoveredAt = new AtomicLong(Long.MAX_VALUE);
    ExecutorService pool = Executors.newFixedThreadPool(threads + 2);
    List<Future<?>> work = new ArrayList<>();
    for (int r = 0; r < threads; r++) {
      work.add(pool.submit(() -> {
        while (System.nanoTime() < end) {
          int key = zipf.next();
          long floor = committed.get(key);
          long start = System.nanoTime();
          Long seen = null;
          try {
            seen = cache.get(key);
          } catch (RuntimeException e) {
            failedReads.increment();
          }
          long now = System.nanoTime();
          int second = (int) Math.min(seconds - 1, TimeUnit.NANOSECONDS.toSeconds(now - t0));
          readsPerSecond[second].increment();
          if (seen == null) {
            failedReads.increment();
          } else if (seen < floor) {
            (start > recoveredAt.get() ? staleAfterRecovery : staleDuringOutage).increment();
          }
          if (start - t0 >= seconds(killAt) && start < recoveredAt.get()) {
            outageLatencies.add(now - start);
          }
        }
        return null;
      }));
    }
    work.add(pool.submit(() -> {
      while (System.nanoTime() < end) {
        int key = zipf.next();
        long version = database.get(key).incrementAndGet();
        cache.remove(key);
        committed.accumulateAndGet(key, version, Math::max);
        sleep(ThreadLocalRandom.current().nextInt(5, 20));
      }
      return null;
    }));
    work.add(pool.submit(() -> {
      long previous = 0;
      while (System.nanoTime() < end) {
        sleep(100);
        long total = loads.sum();
        int second = (int) Math.min(seconds - 1, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0));
        loadsPerSecond[second].add(total - previous);
        previous = total;
      }
      return null;
    }));

    sleepUntil(t0 + seconds(killAt));
    environment.err().printf("t=%.0fs: killing Redis%n", killAt);
    environment.server().kill();
    sleepUntil(t0 + seconds(restartAt));
    environment.err().printf("t=%.0fs: restarting Redis%n", restartAt);
    environment.server().restart();
    while (!manager.health().getCircuitState().equals("CLOSED") && System.nanoTime() < end) {
      sleep(10);
    }
    recoveredAt.set(System.nanoTime());
    double recoverySeconds = TimeUnit.NANOSECONDS.toMillis(recoveredAt.get() - t0) / 1000.0 - restartAt;
    environment.err().printf("t=%.1fs: circuit closed again%n", restartAt + recoverySeconds);
    for (Future<?> f : work) {
      f.get();
    }
    pool.shutdown();
    AsideCache<?, ?> aside = cache.unwrap(AsideCache.class);
    long replayed = manager.health().getReplayedInvalidations();
    long opens = manager.health().getCircuitOpens();
    manager.close();

    double[] hitRate = new double[seconds];
    int firstBackAt95 = -1;
    for (int s = 0; s < seconds; s++) {
      long reads = readsPerSecond[s].sum();
      hitRate[s] = reads == 0 ? 0 : Math.max(0, 1.0 - (double) loadsPerSecond[s].sum() / reads);
      if (firstBackAt95 < 0 && s >= (int) restartAt && hitRate[s] >= 0.95) {
        firstBackAt95 = s;
      }
    }
    long[] latencies = outageLatencies.stream().mapToLong(Long::longValue).sorted().toArray();
    double p99 = latencies.length == 0 ? 0 : latencies[(int) Math.min(latencies.length - 1, latencies.length * 0.99)] / 1e6;
    double maxMs = latencies.length == 0 ? 0 : latencies[latencies.length - 1] / 1e6;
    double toHitRate = firstBackAt95 < 0 ? -1 : firstBackAt95 + 1 - restartAt;

    environment.out().printf("second  reads   hit-rate%n");
    for (int s = 0; s < seconds; s++) {
      String mark = s == (int) killAt ? "  <- killed" : s == (int) restartAt ? "  <- restarted" : "";
      environment.out().printf("%6d %7d   %6.1f%%%s%n", s, readsPerSecond[s].sum(), hitRate[s] * 100, mark);
    }
    environment.out().printf("%nfailed reads                         %d%n", failedReads.sum());
    environment.out().printf("p99 / max read during outage (ms)    %.1f / %.1f%n", p99, maxMs);
    environment.out().printf("circuit closed after restart (s)     %.1f%n", recoverySeconds);
    environment.out().printf("seconds to 95%% hit rate after restart %.0f%n", toHitRate);
    environment.out().printf("stale reads after recovery           %d (during the outage: %d)%n",
        staleAfterRecovery.sum(), staleDuringOutage.sum());
    environment.out().printf("invalidations replayed               %d%n", replayed);

    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("scenario", name());
    figures.put("failed_reads", failedReads.sum());
    figures.put("p99_ms_during_outage", Math.round(p99 * 10) / 10.0);
    figures.put("max_ms_during_outage", Math.round(maxMs * 10) / 10.0);
    figures.put("seconds_to_circuit_closed_after_restart", Math.round(recoverySeconds * 10) / 10.0);
    figures.put("seconds_to_95pct_hit_rate_after_restart", toHitRate);
    figures.put("stale_reads_after_recovery", staleAfterRecovery.sum());
    figures.put("stale_reads_during_outage", staleDuringOutage.sum());
    figures.put("invalidations_replayed", replayed);
    figures.put("circuit_opens", opens);
    figures.put("undecodable_reads", aside.undecodableReads());
    figures.put("hit_rate_per_second", Arrays.stream(hitRate).map(h -> Math.round(h * 1000) / 1000.0).boxed().toList());
    return figures;
  }

  private static LongAdder[] adders(int n) {
    LongAdder[] adders = new LongAdder[n];
    for (int i = 0; i < n; i++) {
      adders[i] = new LongAdder();
    }
    return adders;
  }

  private static long seconds(double s) {
    return (long) (s * 1e9);
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long left = nanoTime - System.nanoTime();
    if (left > 0) {
      TimeUnit.NANOSECONDS.sleep(left);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Zipf-distributed key indexes 0..n-1 (index 0 the most popular). */
  static final class Zipf {
    private final double[] cdf;

    Zipf(int n, double s) {
      cdf = new double[n];
      double sum = 0;
      for (int i = 0; i < n; i++) {
        sum += 1 / Math.pow(i + 1, s);
        cdf[i] = sum;
      }
      for (int i = 0; i < n; i++) {
        cdf[i] /= sum;
      }
    }

    int next() {
      int i = Arrays.binarySearch(cdf, ThreadLocalRandom.current().nextDouble());
      return Math.min(cdf.length - 1, i >= 0 ? i : -i - 1);
    }
  }
}
