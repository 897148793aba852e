package dev.aside.benchmarks;

import dev.aside.benchmarks.jmh.NearHitBenchmarks;
import dev.aside.config.AsideConfiguration;
import dev.aside.spi.AsideCachingProvider;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Pattern;
import javax.cache.Cache;
import javax.cache.CacheManager;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * {@code near}: near-cache hit throughput against Caffeine's own JCache provider in the same run,
 * and staleness: a writer on one cache manager updates a key about 1,000 times a second while a
 * reader on another manager, with a near cache, reads it continuously.
 *
 * <p>Throughput is {@link NearHitBenchmarks} run by JMH, each system in forked JVMs of its own: in one
 * shared JVM the JIT's profile of whichever cache ran first shapes the code of the other, and the
 * rounds there swung by more than the difference being measured.
 */
final class NearScenario implements Scenario {
  /** Each JMH run, as system/value; see {@link NearHitBenchmarks}. */
  private static final String[] RUNS = {"aside/string", "caffeine/string", "caffeine-bounded/string",
      "aside/object", "caffeine/object"};

  private int threads;
  private int rounds;
  private int iterations;
  private double seconds;
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
    return "--threads N     reader threads for throughput (default: the number of CPUs)\n"
        + "--rounds R      throughput rounds, each one forked JVM per system (default 5)\n"
        + "--iterations I  one-second measurements per fork, after 3 of warm-up (default 3)\n"
        + "--seconds S     length of the staleness run (default 3)\n"
        + "--rate W        writes per second in the staleness run (default 1000)";
  }

  @Override
  public void parse(Options options) {
    threads = options.integer("threads", Runtime.getRuntime().availableProcessors(), 1);
    rounds = options.integer("rounds", 5, 1);
    iterations = options.integer("iterations", 3, 1);
    seconds = options.decimal("seconds", 3, 0.1);
    writesPerSecond = options.integer("rate", 1000, 1);
  }

  @Override
  public Map<String, Object> run(Environment environment) throws Exception {
    URI uri = URI.create(environment.redisUri() + (environment.redisUri().contains("?") ? "&" : "?")
        + "prefix=near-bench");
    CacheManager writerManager = new AsideCachingProvider().getCacheManager(uri, getClass().getClassLoader());
    CacheManager readerManager = new AsideCachingProvider().getCacheManager(uri, getClass().getClassLoader());
    try {
      Map<String, double[]> scores = throughput(environment);
      double[] asideScore = scores.get("aside/string");
      double[] caffeineScore = scores.get("caffeine/string");
      double[] boundedScore = scores.get("caffeine-bounded/string");
      double[] asideObjects = scores.get("aside/object");
      double[] caffeineObjects = scores.get("caffeine/object");
      double[] ratios = Stats.ratios(asideScore, caffeineScore);
      double[] boundedRatios = Stats.ratios(asideScore, boundedScore);
      double[] objectRatios = Stats.ratios(asideObjects, caffeineObjects);
      double ratio = Stats.median(ratios);
      double boundedRatio = Stats.median(boundedRatios);
      double objectRatio = Stats.median(objectRatios);

      Staleness staleness = staleness(writerManager, readerManager, environment);

      environment.out().printf("near-cache get hits (JMH), %d threads, %d rounds of one %d s fork per system, median ops/s%n",
          threads, rounds, iterations);
      environment.out().printf("  Aside (near cache)     %s%n", opsPerSecond(asideScore));
      environment.out().printf("  Caffeine's JCache      %s   (default configuration: unbounded)%n", opsPerSecond(caffeineScore));
      environment.out().printf("  Caffeine's JCache      %s   (bounded to 10,000 entries, like the near cache)%n",
          opsPerSecond(boundedScore));
      environment.out().printf("  ratio, vs default      %14.3f   (median of rounds; %s)%n", ratio, range(ratios));
      environment.out().printf("  ratio, vs bounded      %14.3f   (%s)%n", boundedRatio, range(boundedRatios));
      environment.out().printf("near-cache get hits of a five-field object: this measures the copy each store-by-value"
          + " hit makes, not the cache lookup%n");
      environment.out().printf("  Aside (near cache)     %s   (decodes the JSON it kept)%n", opsPerSecond(asideObjects));
      environment.out().printf("  Caffeine's JCache      %s   (its copier serializes and deserializes)%n",
          opsPerSecond(caffeineObjects));
      environment.out().printf("  ratio                  %14.3f   (%s)%n%n", objectRatio, range(objectRatios));
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
      figures.put("near_object_vs_caffeine_ratio", round(objectRatio, 3));
      figures.put("aside_near_get_ops", Math.round(Stats.median(asideScore) * 1e6));
      figures.put("caffeine_jcache_get_ops", Math.round(Stats.median(caffeineScore) * 1e6));
      figures.put("caffeine_jcache_bounded_get_ops", Math.round(Stats.median(boundedScore) * 1e6));
      figures.put("aside_near_object_get_ops", Math.round(Stats.median(asideObjects) * 1e6));
      figures.put("caffeine_jcache_object_get_ops", Math.round(Stats.median(caffeineObjects) * 1e6));
      figures.put("staleness_p50_ms", round(staleness.p50, 3));
      figures.put("staleness_p99_ms", round(staleness.p99, 3));
      figures.put("staleness_max_ms", round(staleness.max, 3));
      figures.put("older_reads", staleness.olderReads);
      figures.put("staleness_writes", staleness.writes);
      figures.put("staleness_reads", staleness.reads);
      figures.put("threads", threads);
      figures.put("rounds", rounds);
      return figures;
    } finally {
      writerManager.close();
      readerManager.close();
    }
  }

  /**
   * JMH's scores (ops/µs, one per round) per run of {@link NearHitBenchmarks}, JMH's own log silenced.
   * The forked JVMs find the Redis URI in a file readable by this user only: it may hold a password, and a command
   * line is visible to every user of the machine.
   */
  private Map<String, double[]> throughput(Environment environment) throws RunnerException, IOException {
    Path uriFile = Files.createTempFile("aside-near-bench", ".uri",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.writeString(uriFile, environment.redisUri());
      return throughput(environment, uriFile);
    } finally {
      Files.deleteIfExists(uriFile);
    }
  }

  /*
   * Fork r of every system runs before fork r + 1 of any, so a machine that slows down or speeds up
   * during the run moves all systems alike; ratios are taken per round, and their median reported.
   */
  private Map<String, double[]> throughput(Environment environment, Path uriFile) throws RunnerException {
    environment.err().printf("near-cache throughput: JMH, %d rounds of 5 forks (about %d s)%n", rounds,
        5 * rounds * (6 + iterations));
    Map<String, double[]> scores = new LinkedHashMap<>();
    for (String run : RUNS) {
      scores.put(run, new double[rounds]);
    }
    for (int r = 0; r < rounds; r++) {
      for (String run : RUNS) {
        String[] systemAndValue = run.split("/");
        scores.get(run)[r] = oneFork(uriFile, systemAndValue[0], systemAndValue[1]);
      }
    }
    return scores;
  }

  /** One forked JVM's mean score of {@link NearHitBenchmarks}, in ops/µs. */
  private double oneFork(Path uriFile, String system, String value) throws RunnerException {
    org.openjdk.jmh.runner.options.Options jmh = new OptionsBuilder()
        .include(Pattern.quote(NearHitBenchmarks.class.getName()) + "\\.get$")
        .param("system", system)
        .param("value", value)
        .forks(1)
        .threads(threads)
        .warmupIterations(3)
        .warmupTime(TimeValue.seconds(1))
        .measurementIterations(iterations)
        .measurementTime(TimeValue.seconds(1))
        .jvmArgsAppend("-D" + NearHitBenchmarks.REDIS_FILE_PROPERTY + "=" + uriFile)
        .verbosity(VerboseMode.SILENT)
        .shouldFailOnError(true)
        .build();
    return new Runner(jmh).runSingle().getPrimaryResult().getScore();
  }

  private static String range(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return String.format("%.3f–%.3f", sorted[0], sorted[sorted.length - 1]);
  }

  private static String opsPerSecond(double[] scores) {
    return String.format("%,14.0f", Stats.median(scores) * 1e6);
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

  private static double round(double value, int digits) {
    double scale = Math.pow(10, digits);
    return Math.round(value * scale) / scale;
  }
}
