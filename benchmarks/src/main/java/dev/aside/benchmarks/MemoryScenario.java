package dev.aside.benchmarks;

import dev.aside.cache.AsideCache;
import dev.aside.config.AsideConfiguration;
import dev.aside.near.NearCacheMetrics;
import dev.aside.spi.AsideCachingProvider;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import javax.cache.Cache;
import javax.cache.CacheManager;

/**
 * {@code memory}: a soak of large values through a byte-bounded near cache. Readers read random keys
 * of a key space larger than the bound (a miss writes the value), and every sample forces a full GC
 * and prints the heap retained above the baseline taken before the cache existed, next to the near
 * cache's own weighed size. Readers pause while a sample is taken, so that values in flight (a reply
 * being read, a value being decoded) are not counted as retained. {@code --bound count} runs the same load under the count bound alone
 * (the byte bound out of reach), as every near cache was before {@code near-cache-max-bytes}.
 */
final class MemoryScenario implements Scenario {
  private static final long MIB = 1L << 20;

  private double seconds;
  private double sampleSeconds;
  private long maxBytes;
  private int maxEntries;
  private boolean countOnly;
  private boolean nearOff;
  private int valueBytes;
  private int keys;
  private int threads;
  /* Readers hold it shared for each read; a sample holds it exclusively. */
  private final ReadWriteLock sampling = new ReentrantReadWriteLock();

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public String summary() {
    return "heap retained by a near cache of 1 MiB values over a soak, byte bound vs count bound";
  }

  @Override
  public String optionsHelp() {
    return "--seconds S       length of the soak (default 180)\n"
        + "--sample S        seconds between heap samples, each after a full GC (default 15)\n"
        + "--max-bytes-mib M near-cache-max-bytes in MiB (default 64)\n"
        + "--max-entries N   near-cache-max-entries, 0 for none (default 0; 10000 with --bound count)\n"
        + "--bound B         bytes; count: no byte bound within reach, the count bound alone; none: no near\n"
        + "                  cache, the control that measures the client's own share (default bytes)\n"
        + "--value-kib K     size of each value in KiB (default 1024)\n"
        + "--keys N          distinct keys read, all of them written to Redis (default 512)\n"
        + "--threads T       reader threads (default 2)";
  }

  @Override
  public void parse(Options options) {
    seconds = options.decimal("seconds", 180, 1);
    sampleSeconds = options.decimal("sample", 15, 0.5);
    String boundOption = options.string("bound", "bytes");
    if (!List.of("bytes", "count", "none").contains(boundOption)) {
      throw new UsageException("--bound must be bytes, count or none, was '" + boundOption + "'");
    }
    countOnly = boundOption.equals("count");
    nearOff = boundOption.equals("none");
    maxBytes = options.integer("max-bytes-mib", 64, 1) * MIB;
    maxEntries = options.integer("max-entries", countOnly ? 10_000 : 0, 0);
    if (countOnly && maxEntries == 0) {
      throw new UsageException("--bound count needs --max-entries above 0");
    }
    valueBytes = options.integer("value-kib", 1024, 1) * 1024;
    keys = options.integer("keys", 512, 1);
    threads = options.integer("threads", 2, 1);
  }

  @Override
  public Map<String, Object> run(Environment environment) throws Exception {
    long baseline = retainedHeap();
    long bound = countOnly ? 1L << 40 : maxBytes;
    AsideConfiguration<Integer, byte[]> config = nearOff ? new AsideConfiguration<>()
        : new AsideConfiguration<Integer, byte[]>().setNearCacheMaxEntries(maxEntries).setNearCacheMaxBytes(bound);
    config.setTypes(Integer.class, byte[].class);
    environment.out().printf("memory: %s, %d KiB values, %d keys, %d readers, %s s; heap max %d MiB, baseline %.1f MiB%n",
        nearOff ? "no near cache" : countOnly ? "count bound " + maxEntries + " alone" : "byte bound " + maxBytes / MIB + " MiB"
            + (maxEntries > 0 ? " and count bound " + maxEntries : ""),
        valueBytes / 1024, keys, threads, seconds, Runtime.getRuntime().maxMemory() / MIB, baseline / (double) MIB);
    List<Map<String, Object>> samples = new ArrayList<>();
    long maxRetained = 0;
    LongAdder reads = new LongAdder();
    try (CacheManager manager = new AsideCachingProvider().getCacheManager(
        URI.create(environment.redisUri() + "?prefix=memory"), getClass().getClassLoader())) {
      Cache<Integer, byte[]> cache = manager.createCache("blobs", config);
      NearCacheMetrics near = cache.unwrap(AsideCache.class).nearCacheMetrics();
      for (int key = 0; key < keys; key++) {
        cache.put(key, value(key));
      }
      AtomicBoolean stop = new AtomicBoolean();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<?>> readers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        readers.add(pool.submit(() -> read(cache, stop, reads)));
      }
      environment.out().printf("%8s %14s %14s %8s %10s %10s %12s %10s%n", "time s", "retained MiB", "weighed MiB",
          "entries", "fills", "evictions", "evicted MiB", "reads/s");
      long start = System.nanoTime();
      long lastReads = 0;
      long lastAt = start;
      long end = start + (long) (seconds * 1e9);
      while (System.nanoTime() < end) {
        TimeUnit.NANOSECONDS.sleep(Math.min(end - System.nanoTime(), (long) (sampleSeconds * 1e9)));
        long now = System.nanoTime();
        long readCount = reads.sum();
        double rate = (readCount - lastReads) / ((now - lastAt) / 1e9);
        lastReads = readCount;
        lastAt = now;
        long retained;
        sampling.writeLock().lock();
        try {
          retained = retainedHeap() - baseline;
        } finally {
          sampling.writeLock().unlock();
        }
        Snapshot snapshot = Snapshot.of(near);
        maxRetained = Math.max(maxRetained, retained);
        Map<String, Object> sample = new LinkedHashMap<>();
        sample.put("seconds", Math.round((now - start) / 1e8) / 10.0);
        sample.put("retainedMiB", mib(retained));
        sample.put("weighedMiB", mib(snapshot.weightedSize()));
        sample.put("entries", snapshot.size());
        sample.put("fills", snapshot.fills());
        sample.put("evictions", snapshot.evictions());
        sample.put("evictedMiB", mib(snapshot.evictedBytes()));
        sample.put("readsPerSecond", Math.round(rate));
        samples.add(sample);
        environment.out().printf("%8.1f %14.1f %14.1f %8d %10d %10d %12.1f %10.0f%n", sample.get("seconds"),
            mib(retained), mib(snapshot.weightedSize()), snapshot.size(), snapshot.fills(),
            snapshot.evictions(), mib(snapshot.evictedBytes()), rate);
      }
      stop.set(true);
      for (Future<?> reader : readers) {
        reader.get();
      }
      pool.shutdown();
      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("bound", nearOff ? "none" : countOnly ? "count" : "bytes");
      figures.put("maxBytesMiB", countOnly || nearOff ? null : maxBytes / MIB);
      figures.put("maxEntries", maxEntries);
      figures.put("valueKiB", valueBytes / 1024);
      figures.put("keys", keys);
      figures.put("threads", threads);
      figures.put("seconds", seconds);
      figures.put("heapMaxMiB", Runtime.getRuntime().maxMemory() / MIB);
      figures.put("baselineMiB", mib(baseline));
      figures.put("maxRetainedAboveBaselineMiB", mib(maxRetained));
      figures.put("reads", reads.sum());
      figures.put("tooLargeNotKept", Snapshot.of(near).tooLargeNotKept());
      figures.put("samples", samples);
      environment.out().printf("max retained above baseline: %.1f MiB%s%n", mib(maxRetained),
          countOnly || nearOff ? "" : String.format(" (bound %d MiB, so %.1f MiB over it)", maxBytes / MIB,
              mib(maxRetained - maxBytes)));
      return figures;
    }
  }

  /** Reads random keys; a miss (the entry expired or was never written) writes it back. */
  private void read(Cache<Integer, byte[]> cache, AtomicBoolean stop, LongAdder reads) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    while (!stop.get()) {
      int key = random.nextInt(keys);
      sampling.readLock().lock();
      try {
        byte[] value = cache.get(key);
        if (value == null || value.length != valueBytes) {
          cache.put(key, value(key));
        }
      } finally {
        sampling.readLock().unlock();
      }
      reads.increment();
    }
  }

  private byte[] value(int key) {
    byte[] value = new byte[valueBytes];
    value[0] = (byte) key;
    value[valueBytes - 1] = (byte) (key >>> 8);
    return value;
  }

  /** Heap in use after full collections: what is still reachable. */
  private static long retainedHeap() {
    for (int i = 0; i < 2; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** The near cache's figures at one moment, or zeros without a near cache. */
  private record Snapshot(long weightedSize, long size, long fills, long evictions, long evictedBytes,
      long tooLargeNotKept) {
    static Snapshot of(NearCacheMetrics near) {
      return near == null ? new Snapshot(0, 0, 0, 0, 0, 0) : new Snapshot(near.getWeightedSize(), near.getSize(),
          near.getFills(), near.getEvictions(), near.getEvictedBytes(), near.getTooLargeNotKept());
    }
  }

  private static double mib(long bytes) {
    return Math.round(bytes * 10.0 / MIB) / 10.0;
  }
}
