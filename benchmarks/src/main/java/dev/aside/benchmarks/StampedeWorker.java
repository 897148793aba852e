package dev.aside.benchmarks;

import dev.aside.cache.AsideCache;
import dev.aside.config.AsideConfiguration;
import dev.aside.management.ReadPathMetrics;
import dev.aside.spi.AsideCachingProvider;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.Factory;
import javax.cache.integration.CacheLoader;

/**
 * One process of the {@code stampede} scenario: prints {@code ready}, reads the start time (epoch
 * ms) from standard input, lets all its threads miss the key at that instant, then prints its
 * {@link StampedeCheck.Report}: wrong values, slowest get, when its first and last get actually started
 * (ms after the start time), its in-JVM and cross-JVM waits and its own loader calls.
 */
public final class StampedeWorker {
  private StampedeWorker() {}

  public static void main(String[] args) throws Exception {
    String uri = args[0];
    String prefix = args[1];
    String key = args[2];
    String counterKey = args[3];
    int threads = Integer.parseInt(args[4]);
    int loaderMillis = Integer.parseInt(args[5]);

    AtomicLong ownLoaderCalls = new AtomicLong();
    RedisClient counterClient = RedisClient.create(uri);
    StatefulRedisConnection<String, String> counter = counterClient.connect();
    CacheManager manager = new AsideCachingProvider().getCacheManager(
        URI.create(uri + (uri.contains("?") ? "&" : "?") + "prefix=" + prefix), StampedeWorker.class.getClassLoader());
    AsideConfiguration<String, String> config = new AsideConfiguration<>();
    config.setTypes(String.class, String.class);
    config.setReadThrough(true);
    config.setCacheLoaderFactory((Factory<CacheLoader<String, String>>) () -> new CacheLoader<>() {
      @Override
      public String load(String k) {
        counter.sync().incr(counterKey);
        ownLoaderCalls.incrementAndGet();
        try {
          Thread.sleep(loaderMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return "profile of " + k;
      }

      @Override
      public Map<String, String> loadAll(Iterable<? extends String> keys) {
        java.util.Map<String, String> loaded = new java.util.HashMap<>();
        for (String key : keys) {
          loaded.put(key, load(key));
        }
        return loaded;
      }
    });
    Cache<String, String> cache = manager.createCache("users", config);
    cache.containsKey("warm-up");   // the connection and scripts are ready before the start

    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<long[]>> results = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      results.add(pool.submit(() -> {
        go.await();
        long startedAtMicros = epochMicros();
        long start = System.nanoTime();
        String value = cache.get(key);
        return new long[] {("profile of " + key).equals(value) ? 0 : 1,
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), startedAtMicros};
      }));
    }
    System.out.println("ready");
    System.out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    long startAt = Long.parseLong(in.readLine().trim());
    long wait = startAt - System.currentTimeMillis() - 2;
    if (wait > 0) {
      Thread.sleep(wait);
    }
    while (epochMicros() < startAt * 1000) {
      Thread.onSpinWait();
    }
    go.countDown();
    long wrong = 0;
    long slowest = 0;
    long firstStart = Long.MAX_VALUE;
    long lastStart = Long.MIN_VALUE;
    for (Future<long[]> result : results) {
      long[] r = result.get(60, TimeUnit.SECONDS);
      wrong += r[0];
      slowest = Math.max(slowest, r[1]);
      firstStart = Math.min(firstStart, r[2]);
      lastStart = Math.max(lastStart, r[2]);
    }
    ReadPathMetrics metrics = cache.unwrap(AsideCache.class).readPathMetrics();
    StampedeCheck.Report report = new StampedeCheck.Report(wrong, slowest, (firstStart - startAt * 1000) / 1000.0,
        (lastStart - startAt * 1000) / 1000.0, metrics.getCoalescedWaits(), metrics.getCrossJvmWaits(),
        ownLoaderCalls.get());
    System.out.println(report.line());
    System.out.flush();
    pool.shutdown();
    manager.close();
    counter.close();
    counterClient.shutdown();
    System.exit(0);
  }

  private static long epochMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
  }
}
