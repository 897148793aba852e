package dev.aside.benchmarks;

import dev.aside.benchmarks.OutageLedger.Phase;
import dev.aside.benchmarks.OutageScenario.Zipf;
import dev.aside.config.AsideConfiguration;
import dev.aside.spi.AsideCachingProvider;
import dev.aside.testkit.RedisCluster;
import dev.aside.testkit.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.Factory;
import javax.cache.integration.CacheLoader;

/**
 * {@code failover}: read-through gets on Zipf-distributed keys (5 ms loader) while writers update the source and
 * invalidate throughout, on a private Redis Cluster of 3 masters with a replica each; at 5 s the busiest master
 * (the one that processed the most commands until then, so the one holding the hottest keys) is SIGKILLed, the
 * cluster promotes its replica after the node timeout, and the run ends at 20 s.
 *
 * <p>Reads are counted once each by {@link OutageLedger}, whose phases here are: before the kill; from the kill
 * until the cluster has promoted the replica and every live node agrees ({@link RedisCluster#awaitPromotion});
 * after. A read is stale if it returned a version older than the newest one whose invalidation had returned
 * before the read started: what a DEL acknowledged by the dead master but never replicated would cause. The
 * hit rate is counted in 100 ms buckets ({@link HitRateTimeline}); how evenly the cache spread over the masters
 * is read from their DBSIZE once every key is cached.
 */
final class FailoverScenario implements Scenario {
  private static final double THRESHOLD = 0.95;
  private static final double HOLD_SECONDS = 1.0;
  private static final int PRIME_CHUNK = 500;
  private static final Duration PROMOTION_TIMEOUT = Duration.ofSeconds(60);

  private int threads = 8;
  private int writers = 2;
  private int keys = 10_000;
  private int loaderMillis = 5;
  private double killAt = 5;
  private double duration = 20;
  private Duration nodeTimeout = Duration.ofMillis(1_500);
  /* Set once the cache is primed, when the clock of the run starts; the loader counts into it from then on. */
  private volatile HitRateTimeline timeline;

  @Override
  public String name() {
    return "failover";
  }

  @Override
  public String summary() {
    return "reads while a cluster master is killed and its replica promoted; failed and stale reads, recovery";
  }

  @Override
  public String optionsHelp() {
    return "--threads N        reader threads (default 8)\n"
        + "--writers N        writer threads, each updating a key every 5-20 ms (default 2)\n"
        + "--keys K           distinct keys, Zipf-distributed (default 10000)\n"
        + "--loader-ms M      loader time (default 5)\n"
        + "--kill-at S        seconds until the first master is SIGKILLed (default 5)\n"
        + "--duration S       total seconds (default 20)\n"
        + "--node-timeout MS  cluster-node-timeout: how long a silent master has before its replica takes over\n"
        + "                   (default 1500)";
  }

  @Override
  public void parse(Options options) {
    threads = options.integer("threads", threads, 1);
    writers = options.integer("writers", writers, 0);
    keys = options.integer("keys", keys, 1);
    loaderMillis = options.integer("loader-ms", loaderMillis, 0);
    killAt = options.decimal("kill-at", killAt, 0);
    duration = options.decimal("duration", duration, 0.1);
    nodeTimeout = Duration.ofMillis(options.integer("node-timeout", (int) nodeTimeout.toMillis(), 100));
    if (!(killAt < duration)) {
      throw new UsageException("need --kill-at < --duration");
    }
  }

  @Override
  public RedisCluster.Builder ownCluster() {
    return RedisCluster.builder().masters(3).replicasPerMaster(1).nodeTimeout(nodeTimeout);
  }

  @Override
  public Map<String, Object> run(Environment environment) throws Exception {
    RedisCluster cluster = environment.cluster();
    /* database: the source of truth; committed: per key, the newest version whose invalidation returned. */
    AtomicLongArray database = new AtomicLongArray(keys);
    AtomicLongArray committed = new AtomicLongArray(keys);
    for (int k = 0; k < keys; k++) {
      database.set(k, 1);
      committed.set(k, 1);
    }
    CacheManager manager = new AsideCachingProvider().getCacheManager(
        URI.create(environment.redisUri() + "?prefix=failover"), FailoverScenario.class.getClassLoader());
    try {
      AsideConfiguration<Integer, Long> config = new AsideConfiguration<>();
      config.setTypes(Integer.class, Long.class);
      config.setReadThrough(true);
      config.setCacheLoaderFactory((Factory<CacheLoader<Integer, Long>>) () -> new CacheLoader<>() {
        @Override
        public Long load(Integer key) {
          HitRateTimeline counting = timeline;
          if (counting != null) {
            counting.load(System.nanoTime());
          }
          sleep(loaderMillis);
          return database.get(key);
        }

        @Override
        public Map<Integer, Long> loadAll(Iterable<? extends Integer> ks) {
          Map<Integer, Long> loaded = new HashMap<>();
          for (Integer key : ks) {
            loaded.put(key, load(key));
          }
          return loaded;
        }
      });
      Cache<Integer, Long> cache = manager.createCache("rows", config);
      prime(cache);
      try (MasterStats masters = new MasterStats(cluster.masters())) {
        long[] keysPerMaster = masters.dbSizes();
        environment.err().printf(Locale.ROOT, "primed %d keys; keys per master %s%n", keys,
            Arrays.toString(keysPerMaster));
        long t0 = System.nanoTime();
        timeline = new HitRateTimeline(t0, duration);
        return measure(environment, cluster, cache, masters, keysPerMaster, database, committed, t0);
      }
    } finally {
      manager.close();
    }
  }

  private Map<String, Object> measure(Environment environment, RedisCluster cluster, Cache<Integer, Long> cache,
      MasterStats masters, long[] keysPerMaster, AtomicLongArray database, AtomicLongArray committed, long t0)
      throws Exception {
    long end = t0 + nanos(duration);
    Zipf zipf = new Zipf(keys, 1.0);
    OutageLedger ledger = new OutageLedger();
    List<Long> failoverLatencies = Collections.synchronizedList(new ArrayList<>());
    LongAdder failedInvalidations = new LongAdder();
    /* Invalidations acknowledged once the replica was promoted: without them no read after can be stale. */
    LongAdder invalidationsAfter = new LongAdder();
    ExecutorService pool = Executors.newFixedThreadPool(threads + writers);
    List<Future<?>> work = new ArrayList<>();
    for (int r = 0; r < threads; r++) {
      work.add(pool.submit(() -> {
        while (System.nanoTime() < end) {
          int key = zipf.next();
          long floor = committed.get(key);
          long start = System.nanoTime();
          Long seen;
          try {
            seen = cache.get(key);
          } catch (RuntimeException e) {
            seen = null;
          }
          long now = System.nanoTime();
          timeline.read(now);
          if (ledger.record(now, seen, floor) == Phase.OUTAGE) {
            failoverLatencies.add(now - start);
          }
        }
        return null;
      }));
    }
    for (int w = 0; w < writers; w++) {
      work.add(pool.submit(() -> {
        while (System.nanoTime() < end) {
          int key = zipf.next();
          long version = database.incrementAndGet(key);
          try {
            cache.remove(key);
            committed.accumulateAndGet(key, version, Math::max);
            if (ledger.phaseAt(System.nanoTime()) == Phase.AFTER_REDIS_ANSWERS) {
              invalidationsAfter.increment();
            }
          } catch (RuntimeException e) {
            // Not acknowledged: the floor stays where it was, so a read of the older version is not stale.
            failedInvalidations.increment();
          }
          sleep(ThreadLocalRandom.current().nextInt(5, 20));
        }
        return null;
      }));
    }

    long[] commandsAtStart = masters.commandsProcessed();
    sleepUntil(t0 + nanos(killAt));
    long[] commandsAtKill = masters.commandsProcessed();
    int busiest = MasterStats.busiest(commandsAtStart, commandsAtKill);
    RedisServer victim = masters.master(busiest);
    double victimShare = MasterStats.share(busiest, commandsAtStart, commandsAtKill);
    long killedAt = System.nanoTime();
    ledger.faultStarts(killedAt);
    victim.kill();
    environment.err().printf(Locale.ROOT, "t=%.1fs: killed master %s (SIGKILL), the busiest: %.0f%% of the "
        + "commands so far%n", elapsed(t0), victim, victimShare * 100);
    RedisServer promoted = cluster.awaitPromotion(victim, PROMOTION_TIMEOUT);
    long promotedAt = System.nanoTime();
    ledger.redisAnswersAgain(promotedAt);
    environment.err().printf(Locale.ROOT, "t=%.1fs: %s promoted, every live node agrees%n", elapsed(t0), promoted);
    for (Future<?> f : work) {
      f.get();
    }
    pool.shutdown();

    long[] latencies = failoverLatencies.stream().mapToLong(Long::longValue).sorted().toArray();
    double p99 = latencies.length == 0 ? 0
        : latencies[(int) Math.min(latencies.length - 1, latencies.length * 0.99)] / 1e6;
    double maxMs = latencies.length == 0 ? 0 : latencies[latencies.length - 1] / 1e6;
    double toPromotion = (promotedAt - killedAt) / 1e9;
    double toHitRate = timeline.secondsToRecover(killedAt, THRESHOLD, HOLD_SECONDS);
    double spread = maxVsMean(keysPerMaster);
    double[] hitRate = timeline.hitRatePerSecond();
    long[] reads = timeline.readsPerSecond();
    checkMeaningful(ledger, invalidationsAfter.sum(), timeline.hitRateBetween(t0, killedAt),
        timeline.hitRateBetween(killedAt, promotedAt), toHitRate);

    var out = environment.out();
    out.printf("second  reads   hit-rate%n");
    for (int s = 0; s < hitRate.length; s++) {
      String mark = s == (int) killAt ? "  <- master killed"
          : s == (int) ((promotedAt - t0) / 1e9) ? "  <- replica promoted" : "";
      out.printf(Locale.ROOT, "%6d %7d   %6.1f%%%s%n", s, reads[s], hitRate[s] * 100, mark);
    }
    out.printf(Locale.ROOT, "%nreads before / during / after the failover   %d / %d / %d%n",
        ledger.reads(Phase.BEFORE_FAULT), ledger.reads(Phase.OUTAGE), ledger.reads(Phase.AFTER_REDIS_ANSWERS));
    out.printf(Locale.ROOT, "failed reads                                 %d (%d / %d / %d)%n", ledger.failed(),
        ledger.failed(Phase.BEFORE_FAULT), ledger.failed(Phase.OUTAGE), ledger.failed(Phase.AFTER_REDIS_ANSWERS));
    out.printf(Locale.ROOT, "stale reads during / after the failover      %d / %d%n", ledger.stale(Phase.OUTAGE),
        ledger.stale(Phase.AFTER_REDIS_ANSWERS));
    out.printf(Locale.ROOT, "p99 / max read during the failover (ms)      %.1f / %.1f%n", p99, maxMs);
    out.printf(Locale.ROOT, "kill to promotion seen by every node (s)     %.1f (node timeout %d ms)%n", toPromotion,
        nodeTimeout.toMillis());
    out.printf(Locale.ROOT, "killed master's share of commands before     %.0f%%%n", victimShare * 100);
    out.printf(Locale.ROOT, "kill to a hit rate >= 95%% held for 1 s (s)   %.1f%n", toHitRate);
    out.printf(Locale.ROOT, "keys per master (max / mean)                 %s (%.3f)%n",
        Arrays.toString(keysPerMaster), spread);
    out.printf(Locale.ROOT, "invalidations that threw (not acknowledged)  %d%n", failedInvalidations.sum());

    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("failed_reads", ledger.failed());
    figures.put("stale_reads_after_failover", ledger.stale(Phase.AFTER_REDIS_ANSWERS));
    figures.put("p99_ms_during_failover", round1(p99));
    figures.put("seconds_to_95pct_hit_rate_after_kill", round1(toHitRate));
    figures.put("keys_per_master_max_vs_mean", Math.round(spread * 1000) / 1000.0);
    figures.put("stale_reads_during_failover", ledger.stale(Phase.OUTAGE));
    figures.put("failed_reads_before_kill", ledger.failed(Phase.BEFORE_FAULT));
    figures.put("failed_reads_during_failover", ledger.failed(Phase.OUTAGE));
    figures.put("failed_reads_after_failover", ledger.failed(Phase.AFTER_REDIS_ANSWERS));
    figures.put("max_ms_during_failover", round1(maxMs));
    figures.put("seconds_to_promotion", round1(toPromotion));
    figures.put("killed_master_share_of_commands", Math.round(victimShare * 1000) / 1000.0);
    figures.put("keys_per_master", Arrays.stream(keysPerMaster).boxed().toList());
    figures.put("failed_invalidations", failedInvalidations.sum());
    figures.put("reads_before_kill", ledger.reads(Phase.BEFORE_FAULT));
    figures.put("reads_during_failover", ledger.reads(Phase.OUTAGE));
    figures.put("reads_after_failover", ledger.reads(Phase.AFTER_REDIS_ANSWERS));
    figures.put("threads", threads);
    figures.put("writers", writers);
    figures.put("keys", keys);
    figures.put("loader_ms", loaderMillis);
    figures.put("kill_at_s", killAt);
    figures.put("duration_s", duration);
    figures.put("node_timeout_ms", nodeTimeout.toMillis());
    figures.put("reads_per_second", Arrays.stream(reads).boxed().toList());
    figures.put("loads_per_second", Arrays.stream(timeline.loadsPerSecond()).boxed().toList());
    figures.put("hit_rate_per_second", Arrays.stream(hitRate).map(h -> Math.round(h * 1000) / 1000.0).boxed().toList());
    return figures;
  }

  /**
   * Fails a run whose figures would mean nothing: no read measured during the failover (no p99), a kill that
   * did not reach the reads (the hit rate did not drop: the killed master served none of them), no invalidation
   * acknowledged after the promotion (no read after it could be stale), or a hit rate that never came back.
   */
  static void checkMeaningful(OutageLedger ledger, long invalidationsAfter, double hitRateBefore,
      double hitRateDuring, double secondsToRecover) {
    List<String> problems = new ArrayList<>();
    if (ledger.reads(Phase.OUTAGE) == 0) {
      problems.add("no read returned during the failover, so it has no latency to report");
    }
    if (hitRateDuring >= hitRateBefore) {
      problems.add(String.format(Locale.ROOT, "the kill did not reach the reads (hit rate %.3f before, %.3f "
          + "during the failover)", hitRateBefore, hitRateDuring));
    }
    if (invalidationsAfter == 0) {
      problems.add("no invalidation was acknowledged after the promotion, so no read after it could be stale");
    }
    if (secondsToRecover < 0) {
      problems.add("the hit rate never held 95% after the kill before the run ended (try a longer --duration)");
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException("the run's figures would mean nothing: " + String.join("; ", problems));
    }
  }

  /* Puts every key's first version, so that the hit rate starts high and every master holds its share. */
  private void prime(Cache<Integer, Long> cache) {
    for (int from = 0; from < keys; from += PRIME_CHUNK) {
      Map<Integer, Long> chunk = new HashMap<>();
      for (int k = from; k < Math.min(keys, from + PRIME_CHUNK); k++) {
        chunk.put(k, 1L);
      }
      ThroughputScenario.retry(() -> cache.putAll(chunk));
    }
  }

  /** A connection to each master at the start, for its key count and how many commands it processed. */
  private static final class MasterStats implements AutoCloseable {
    private final List<RedisServer> masters;
    private final RedisClient client = RedisClient.create();
    private final List<StatefulRedisConnection<String, String>> connections = new ArrayList<>();

    MasterStats(List<RedisServer> masters) {
      this.masters = List.copyOf(masters);
      for (RedisServer master : masters) {
        connections.add(client.connect(RedisURI.create(master.uri())));
      }
    }

    long[] dbSizes() {
      return connections.stream().mapToLong(connection -> connection.sync().dbsize()).toArray();
    }

    long[] commandsProcessed() {
      return connections.stream().mapToLong(connection -> connection.sync().info("stats").lines()
          .filter(line -> line.startsWith("total_commands_processed:"))
          .mapToLong(line -> Long.parseLong(line.substring(line.indexOf(':') + 1).trim()))
          .findFirst().orElse(0)).toArray();
    }

    RedisServer master(int index) {
      return masters.get(index);
    }

    /** The index of the master that processed the most commands between {@code before} and {@code after}. */
    static int busiest(long[] before, long[] after) {
      int busiest = 0;
      for (int i = 1; i < after.length; i++) {
        if (after[i] - before[i] > after[busiest] - before[busiest]) {
          busiest = i;
        }
      }
      return busiest;
    }

    /** The share of master {@code index} in the commands processed between {@code before} and {@code after}. */
    static double share(int index, long[] before, long[] after) {
      long total = 0;
      for (int i = 0; i < after.length; i++) {
        total += after[i] - before[i];
      }
      return total == 0 ? 0 : (double) (after[index] - before[index]) / total;
    }

    @Override
    public void close() {
      connections.forEach(StatefulRedisConnection::close);
      client.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }

  /** The largest count over the mean; 0 for no counts or a mean of 0. */
  static double maxVsMean(long[] counts) {
    double mean = Arrays.stream(counts).average().orElse(0);
    return mean == 0 ? 0 : Arrays.stream(counts).max().orElse(0) / mean;
  }

  private static double round1(double value) {
    return Math.round(value * 10) / 10.0;
  }

  private static long nanos(double seconds) {
    return (long) (seconds * 1e9);
  }

  private static double elapsed(long t0) {
    return (System.nanoTime() - t0) / 1e9;
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
}
