package dev.aside.benchmarks;

import dev.aside.benchmarks.OutageLedger.Phase;
import dev.aside.cache.AsideCache;
import dev.aside.config.AsideConfiguration;
import dev.aside.manager.AsideCacheManager;
import dev.aside.spi.AsideCachingProvider;
import dev.aside.testkit.RedisServer;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.cache.Cache;
import javax.cache.configuration.Factory;
import javax.cache.integration.CacheLoader;

/**
 * {@code outage}: read-through gets on Zipf-distributed keys (5 ms loader) while writers update the
 * source and invalidate throughout; Redis goes away at 5 s and answers again at 15 s; the run ends at
 * 25 s. By default Redis is paused (SIGSTOP, then SIGCONT: what a network partition or a long pause
 * looks like), so it comes back holding the values it held before, which the invalidations made during
 * the outage have made stale; {@code --fault restart} saves, stops and restarts it with its data;
 * {@code --fault kill} kills it and restarts it empty, which cannot show staleness.
 *
 * <p>The test has teeth only if Redis comes back with stale values: right after the fault is lifted, a
 * second cache manager that saw no outage (so it has no invalidations to replay) reads every key, and
 * the number of keys whose value is older than the source is reported next to Aside's stale reads. Any
 * replay the first manager completed before that read is reported too: the count is then a lower bound.
 * Reads are counted once each by {@link OutageLedger}; the run fails if the circuit never opened or
 * never closed again.
 *
 * <p>Every key is read once before the clock starts, so the load before the fault is the steady state (one
 * load per write) rather than the cache filling. One run per {@code --outage-ttl} (the gutter; by default off,
 * then {@link #RECOMMENDED_TTL}), each reporting the load rates before and during the outage and their
 * ratio, the peak second, and stale reads under the gutter's bound. {@code --outage-max-loads} caps loader
 * calls in flight while failing open (refused loads count as failed reads); {@code --foreign-writers} adds
 * writers of another cache manager, whose invalidations this one never hears of during the outage, so that
 * the gutter's staleness bound is exercised.
 */
final class OutageScenario implements Scenario {
  /**
   * The {@code outage-ttl} the README recommends for this workload, in seconds: at most twice the load of
   * before during a long outage needs {@code outage-ttl >= active keys / loads per second before}, here
   * 1,000 keys / ~80 loads/s (one per write of the writer).
   */
  static final String RECOMMENDED_TTL = "12.5";

  /** How Redis goes away and comes back. */
  enum Fault {
    PAUSE("pause", "pausing Redis (SIGSTOP)", "continuing Redis (SIGCONT)", RedisServer::pause,
        RedisServer::resume),
    RESTART("restart", "stopping Redis after it saved its data (SHUTDOWN SAVE)", "restarting Redis with its data",
        RedisServer::shutdownSaving, RedisServer::restartKeepingData),
    KILL("kill", "killing Redis (SIGKILL)", "restarting Redis empty", RedisServer::kill, RedisServer::restart);

    final String option;
    final String starting;
    final String ending;
    private final Consumer<RedisServer> start;
    private final Consumer<RedisServer> end;

    Fault(String option, String starting, String ending, Consumer<RedisServer> start, Consumer<RedisServer> end) {
      this.option = option;
      this.starting = starting;
      this.ending = ending;
      this.start = start;
      this.end = end;
    }

    static Fault of(String option) {
      return Arrays.stream(values()).filter(f -> f.option.equals(option)).findFirst()
          .orElseThrow(() -> new UsageException("--fault must be pause, restart or kill, was '" + option + "'"));
    }
  }

  private int threads;
  private int writers;
  private int keys;
  private int loaderMillis;
  private Fault fault;
  private double faultAt;
  private double recoverAt;
  private double duration;
  private List<Double> outageTtls;
  private int outageMaxLoads;
  private int foreignWriters;

  @Override
  public String name() {
    return "outage";
  }

  @Override
  public String summary() {
    return "reads through a Redis outage; failed reads, latency, recovery, stale reads vs stale keys in Redis";
  }

  @Override
  public String optionsHelp() {
    return "--fault F        pause (SIGSTOP/SIGCONT), restart (saved, stopped, restarted with its data)\n"
        + "                 or kill (SIGKILL, restarted empty) (default pause)\n"
        + "--threads N      reader threads (default 8)\n"
        + "--writers N      writer threads, each updating a key every 5-20 ms (default 1)\n"
        + "--keys K         distinct keys, Zipf-distributed (default 1000)\n"
        + "--loader-ms M    loader time (default 5)\n"
        + "--fault-at S     seconds until the fault (default 5)\n"
        + "--recover-at S   seconds until Redis may answer again (default 15)\n"
        + "--duration S     total seconds (default 25)\n"
        + "--outage-ttl L   comma-separated outage-ttl seconds, one run each; 0 is the gutter off (default 0,"
        + RECOMMENDED_TTL + ": the README's rule for at most twice the load, 1,000 active keys / 80 loads/s)\n"
        + "--outage-max-loads N  the manager's outageMaxLoads in every run (default 0: no cap)\n"
        + "--foreign-writers N   writer threads of another cache manager (another JVM: its invalidations do not\n"
        + "                 reach this one during the outage), each updating a key every 5-20 ms (default 0)";
  }

  @Override
  public void parse(Options options) {
    fault = Fault.of(options.string("fault", "pause"));
    threads = options.integer("threads", 8, 1);
    writers = options.integer("writers", 1, 1);
    keys = options.integer("keys", 1000, 1);
    loaderMillis = options.integer("loader-ms", 5, 0);
    faultAt = options.decimal("fault-at", 5, 0);
    recoverAt = options.decimal("recover-at", 15, 0);
    duration = options.decimal("duration", 25, 0.1);
    if (!(faultAt < recoverAt && recoverAt < duration)) {
      throw new UsageException("need --fault-at < --recover-at < --duration");
    }
    outageMaxLoads = options.integer("outage-max-loads", 0, 0);
    foreignWriters = options.integer("foreign-writers", 0, 0);
    outageTtls = new ArrayList<>();
    for (String ttl : options.string("outage-ttl", "0," + RECOMMENDED_TTL).split(",")) {
      try {
        double seconds = Double.parseDouble(ttl.trim().replaceFirst("s$", ""));
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
          throw new NumberFormatException();
        }
        outageTtls.add(seconds);
      } catch (NumberFormatException e) {
        throw new UsageException("--outage-ttl must list seconds (0 for off), was '" + ttl + "'");
      }
    }
  }

  /**
   * One run per {@code --outage-ttl}, each on keys of its own; the JSON holds the first run's figures at the
   * top (by default the gutter off, as before the gutter existed) and every run's under {@code runs}.
   */
  @Override
  public Map<String, Object> run(Environment environment) throws Exception {
    if (environment.server() == null) {
      throw new UsageException("outage stops Redis: run it without --uri so it starts its own");
    }
    List<Map<String, Object>> runs = new ArrayList<>();
    for (double ttl : outageTtls) {
      environment.err().printf(Locale.ROOT, "--- outage-ttl %.1f s%s%n", ttl, ttl == 0 ? " (gutter off)" : "");
      runs.add(runOnce(environment, ttl));
    }
    Map<String, Object> figures = new LinkedHashMap<>(runs.get(0));
    figures.put("runs", runs);
    environment.out().printf(Locale.ROOT, "%noutage-ttl (s)  loads/s before  during  peak  ratio  stale during (bound)"
        + "  strictly stale  failed  refused  stale after%n");
    for (Map<String, Object> run : runs) {
      environment.out().printf(Locale.ROOT, "%14.1f  %14.0f  %6.0f  %4s  %5.2f  %21s  %14s  %6s  %7s  %11s%n",
          ((Number) run.get("outage_ttl_ms")).doubleValue() / 1000, run.get("loads_per_s_before"),
          run.get("loads_per_s_during_outage"), run.get("peak_loads_per_s_during_outage"),
          run.get("db_load_ratio_during_outage"), run.get("stale_reads_during_outage"),
          run.get("strictly_stale_reads_during_outage"), run.get("failed_reads"), run.get("loads_refused"),
          run.get("stale_reads_after_recovery"));
    }
    return figures;
  }

  private Map<String, Object> runOnce(Environment environment, double outageTtl) throws Exception {
    long ttlNanos = seconds(outageTtl);
    /* database: the source of truth; committed: per key, the newest version whose invalidation returned. */
    AtomicLongArray database = new AtomicLongArray(keys);
    AtomicLongArray committed = new AtomicLongArray(keys);
    for (int k = 0; k < keys; k++) {
      database.set(k, 1);
      committed.set(k, 1);
    }
    CommitLog commits = new CommitLog(keys, 1);
    LongAdder loads = new LongAdder();
    URI uri = URI.create(environment.redisUri() + "?prefix=outage-ttl" + Math.round(outageTtl * 1000));
    AsideCacheManager manager = manager(outageMaxLoads == 0 ? uri : URI.create(uri + "&outageMaxLoads=" + outageMaxLoads));
    AsideConfiguration<Integer, Long> config = new AsideConfiguration<>();
    config.setTypes(Integer.class, Long.class);
    config.setReadThrough(true);
    config.setOutageTtl(java.time.Duration.ofNanos(ttlNanos));
    config.setCacheLoaderFactory((Factory<CacheLoader<Integer, Long>>) () -> new CacheLoader<>() {
      @Override
      public Long load(Integer key) {
        loads.increment();
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
    /* A pause keeps connections open, so an observer connected now reads first when Redis continues. */
    Observer observer = fault == Fault.PAUSE ? new Observer(uri) : null;
    Zipf zipf = new Zipf(keys, 1.0);
    /* Another JVM's writes: a cache manager of its own, whose invalidations this one never hears of during the outage. */
    AsideCacheManager foreignManager = foreignWriters == 0 ? null : manager(uri);
    Cache<Integer, Long> foreignCache = foreignManager == null ? null : foreignManager.createCache("rows", plain());
    warmUp(cache);

    int seconds = (int) Math.ceil(duration);
    LongAdder[] readsPerSecond = adders(seconds);
    LongAdder[] loadsPerSecond = adders(seconds);
    OutageLedger ledger = new OutageLedger();
    List<Long> outageLatencies = Collections.synchronizedList(new ArrayList<>());
    long loadsAtStart = loads.sum();
    long t0 = System.nanoTime();
    long end = t0 + seconds(duration);
    ExecutorService pool = Executors.newFixedThreadPool(threads + writers + foreignWriters + 1);
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
          readsPerSecond[second(now - t0, seconds)].increment();
          long outageFloor = ttlNanos == 0 ? floor : commits.floor(key, start - ttlNanos);
          if (ledger.record(start, now, seen, floor, outageFloor) == Phase.OUTAGE) {
            outageLatencies.add(now - start);
          }
        }
        return null;
      }));
    }
    for (int w = 0; w < writers + foreignWriters; w++) {
      Cache<Integer, Long> through = w < writers ? cache : foreignCache;
      work.add(pool.submit(() -> {
        while (System.nanoTime() < end) {
          int key = zipf.next();
          long version = database.incrementAndGet(key);
          removeQuietly(through, key);
          committed.accumulateAndGet(key, version, Math::max);
          commits.committed(key, version, System.nanoTime());
          sleep(ThreadLocalRandom.current().nextInt(5, 20));
        }
        return null;
      }));
    }
    work.add(pool.submit(() -> {
      long previous = loadsAtStart;
      while (System.nanoTime() < end) {
        sleep(100);
        long total = loads.sum();
        loadsPerSecond[second(System.nanoTime() - t0, seconds)].add(total - previous);
        previous = total;
      }
      return null;
    }));

    sleepUntil(t0 + seconds(faultAt));
    environment.err().printf(Locale.ROOT, "t=%.1fs: %s%n", elapsed(t0), fault.starting);
    ledger.faultStarts(System.nanoTime());
    fault.start.accept(environment.server());
    sleepUntil(t0 + seconds(recoverAt));
    long replayedBeforeLift = manager.health().getReplayedInvalidations();
    environment.err().printf(Locale.ROOT, "t=%.1fs: %s%n", elapsed(t0), fault.ending);
    long backAt = System.nanoTime();
    ledger.redisAnswersAgain(backAt);
    fault.end.accept(environment.server());
    if (observer == null) {
      observer = new Observer(uri);
    }
    long[] committedAtRecovery = new long[keys];
    for (int k = 0; k < keys; k++) {
      committedAtRecovery[k] = committed.get(k);
    }
    Long[] inRedis = observer.read(keys);
    boolean replayedFirst = manager.health().getReplayedInvalidations() != replayedBeforeLift;
    observer.close();
    int staleKeys = OutageLedger.staleKeys(inRedis, committedAtRecovery);
    long keysInRedis = Arrays.stream(inRedis).filter(v -> v != null).count();
    environment.err().printf(Locale.ROOT, "t=%.1fs: Redis answers; it holds %d of %d keys, %d of them stale%s%n",
        elapsed(t0), keysInRedis, keys, staleKeys, replayedFirst ? " (after some replay: a lower bound)" : "");

    long closedAt = Long.MAX_VALUE;
    while (System.nanoTime() < end) {
      if (manager.health().getCircuitState().equals("CLOSED")) {
        closedAt = System.nanoTime();
        ledger.circuitClosed(closedAt);
        environment.err().printf(Locale.ROOT, "t=%.1fs: circuit closed again%n", elapsed(t0));
        break;
      }
      sleep(10);
    }
    for (Future<?> f : work) {
      f.get();
    }
    pool.shutdown();
    AsideCache<?, ?> aside = cache.unwrap(AsideCache.class);
    long replayed = manager.health().getReplayedInvalidations();
    long opens = manager.health().getCircuitOpens();
    long undecodable = aside.undecodableReads();
    long outageHits = aside.readPathMetrics().getOutageHits();
    long outageLoads = aside.readPathMetrics().getOutageLoads();
    long refused = aside.readPathMetrics().getOutageLoadsRefused();
    manager.close();
    if (foreignManager != null) {
      foreignManager.close();
    }
    if (opens == 0) {
      throw new IllegalStateException("the circuit never opened: the fault did not reach the cache, so the run "
          + "tested nothing");
    }
    if (closedAt == Long.MAX_VALUE) {
      throw new IllegalStateException(String.format(Locale.ROOT, "the circuit never closed in the %.1f s after "
          + "Redis answered again: the cache was not in use again, so its stale-read count means nothing "
          + "(%d stale reads after Redis answered, %d invalidations replayed)", duration - recoverAt,
          ledger.stale(Phase.AFTER_REDIS_ANSWERS), replayed));
    }

    double[] hitRate = new double[seconds];
    int firstBackAt95 = -1;
    for (int s = 0; s < seconds; s++) {
      long reads = readsPerSecond[s].sum();
      hitRate[s] = reads == 0 ? 0 : Math.max(0, 1.0 - (double) loadsPerSecond[s].sum() / reads);
      if (firstBackAt95 < 0 && s >= (int) recoverAt && hitRate[s] >= 0.95) {
        firstBackAt95 = s;
      }
    }
    long[] latencies = outageLatencies.stream().mapToLong(Long::longValue).sorted().toArray();
    double p99 = latencies.length == 0 ? 0
        : latencies[(int) Math.min(latencies.length - 1, latencies.length * 0.99)] / 1e6;
    double maxMs = latencies.length == 0 ? 0 : latencies[latencies.length - 1] / 1e6;
    double toHitRate = firstBackAt95 < 0 ? -1 : firstBackAt95 + 1 - recoverAt;
    double toClosed = (closedAt - backAt) / 1e9;
    /* Load rates per second: before = the (up to) 3 s just before the fault, during = the outage's whole seconds. */
    double loadsBefore = 0;
    int beforeSeconds = Math.max(1, Math.min(3, (int) faultAt));
    for (int s = (int) faultAt - beforeSeconds; s < (int) faultAt; s++) {
      loadsBefore += loadsPerSecond[Math.max(0, s)].sum() / (double) beforeSeconds;
    }
    double loadsDuring = 0;
    int outageSeconds = Math.max(1, (int) recoverAt - (int) faultAt);
    for (int s = (int) faultAt; s < (int) faultAt + outageSeconds; s++) {
      loadsDuring += loadsPerSecond[s].sum() / (double) outageSeconds;
    }
    double loadRatio = loadsBefore == 0 ? -1 : loadsDuring / loadsBefore;
    long peakDuring = 0;
    for (int s = (int) faultAt; s < (int) faultAt + outageSeconds; s++) {
      peakDuring = Math.max(peakDuring, loadsPerSecond[s].sum());
    }

    environment.out().printf("second  reads   hit-rate%n");
    for (int s = 0; s < seconds; s++) {
      String mark = s == (int) faultAt ? "  <- " + fault.starting : s == (int) recoverAt ? "  <- " + fault.ending : "";
      environment.out().printf(Locale.ROOT, "%6d %7d   %6.1f%%%s%n", s, readsPerSecond[s].sum(), hitRate[s] * 100,
          mark);
    }
    environment.out().printf(Locale.ROOT, "%nfault                                   %s%n", fault.option);
    environment.out().printf(Locale.ROOT, "reads before / during / after the outage %d / %d / %d%n",
        ledger.reads(Phase.BEFORE_FAULT), ledger.reads(Phase.OUTAGE), ledger.reads(Phase.AFTER_REDIS_ANSWERS));
    environment.out().printf(Locale.ROOT, "failed reads                            %d (%d / %d / %d)%n",
        ledger.failed(), ledger.failed(Phase.BEFORE_FAULT), ledger.failed(Phase.OUTAGE),
        ledger.failed(Phase.AFTER_REDIS_ANSWERS));
    environment.out().printf(Locale.ROOT, "p99 / max read during outage (ms)       %.1f / %.1f%n", p99, maxMs);
    environment.out().printf(Locale.ROOT, "circuit closed after Redis answered (s) %.1f%n", toClosed);
    environment.out().printf(Locale.ROOT, "seconds to 95%% hit rate after that      %.0f%n", toHitRate);
    environment.out().printf(Locale.ROOT, "keys in Redis when it answered again    %d of %d%n", keysInRedis, keys);
    environment.out().printf(Locale.ROOT, "  of them older than the source         %d%s%n", staleKeys,
        "   <- what a client without replay would serve" + (replayedFirst ? " (lower bound: replay began first)" : ""));
    environment.out().printf(Locale.ROOT, "stale reads after Redis answered        %d%n",
        ledger.stale(Phase.AFTER_REDIS_ANSWERS));
    environment.out().printf(Locale.ROOT, "  of them begun after the circuit closed %d; beyond the gutter's bound %d%n",
        ledger.staleAfterCircuitClosed(), ledger.beyondBoundAfterRecovery());
    environment.out().printf(Locale.ROOT, "stale reads before the fault / during   %d / %d%n",
        ledger.stale(Phase.BEFORE_FAULT), ledger.stale(Phase.OUTAGE));
    environment.out().printf(Locale.ROOT, "invalidations replayed                  %d%n", replayed);
    environment.out().printf(Locale.ROOT, "outage-ttl (gutter; 0 is off)           %.1f s%n", outageTtl);
    environment.out().printf(Locale.ROOT, "loads/s before / during the outage      %.0f / %.0f (ratio %.2f)%n", loadsBefore,
        loadsDuring, loadRatio);
    environment.out().printf(Locale.ROOT, "peak loads in one second of the outage   %d%n", peakDuring);
    environment.out().printf(Locale.ROOT, "gutter hits / loads while failing open  %d / %d%n", outageHits, outageLoads);
    environment.out().printf(Locale.ROOT, "outageMaxLoads / loads refused          %d / %d%n", outageMaxLoads, refused);
    environment.out().printf(Locale.ROOT, "reads during the outage older than the newest write committed before they"
        + " began   %d%n", ledger.strictlyStale(Phase.OUTAGE));

    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("scenario", name());
    figures.put("fault", fault.option);
    figures.put("failed_reads", ledger.failed());
    figures.put("failed_reads_before_fault", ledger.failed(Phase.BEFORE_FAULT));
    figures.put("failed_reads_during_outage", ledger.failed(Phase.OUTAGE));
    figures.put("failed_reads_after_recovery", ledger.failed(Phase.AFTER_REDIS_ANSWERS));
    figures.put("p99_ms_during_outage", Math.round(p99 * 10) / 10.0);
    figures.put("max_ms_during_outage", Math.round(maxMs * 10) / 10.0);
    figures.put("seconds_to_circuit_closed_after_redis_answers", Math.round(toClosed * 10) / 10.0);
    figures.put("seconds_to_95pct_hit_rate_after_redis_answers", toHitRate);
    figures.put("keys_in_redis_at_recovery", keysInRedis);
    figures.put("stale_keys_in_redis_at_recovery", staleKeys);
    figures.put("stale_keys_count_is_lower_bound", replayedFirst);
    figures.put("stale_reads_after_recovery", ledger.stale(Phase.AFTER_REDIS_ANSWERS));
    figures.put("stale_reads_after_circuit_closed", ledger.staleAfterCircuitClosed());
    figures.put("stale_reads_after_recovery_beyond_outage_ttl", ledger.beyondBoundAfterRecovery());
    figures.put("stale_reads_during_outage", ledger.stale(Phase.OUTAGE));
    figures.put("strictly_stale_reads_during_outage", ledger.strictlyStale(Phase.OUTAGE));
    figures.put("outage_ttl_ms", Math.round(outageTtl * 1000));
    figures.put("loads_per_s_before", Math.round(loadsBefore * 10) / 10.0);
    figures.put("loads_per_s_during_outage", Math.round(loadsDuring * 10) / 10.0);
    figures.put("db_load_ratio_during_outage", Math.round(loadRatio * 100) / 100.0);
    figures.put("peak_loads_per_s_during_outage", peakDuring);
    figures.put("outage_max_loads", outageMaxLoads);
    figures.put("loads_refused", refused);
    figures.put("gutter_hits", outageHits);
    figures.put("loads_while_failing_open", outageLoads);
    figures.put("stale_reads_before_fault", ledger.stale(Phase.BEFORE_FAULT));
    figures.put("reads_before_fault", ledger.reads(Phase.BEFORE_FAULT));
    figures.put("reads_during_outage", ledger.reads(Phase.OUTAGE));
    figures.put("reads_after_recovery", ledger.reads(Phase.AFTER_REDIS_ANSWERS));
    figures.put("invalidations_replayed", replayed);
    figures.put("circuit_opens", opens);
    figures.put("undecodable_reads", undecodable);
    figures.put("threads", threads);
    figures.put("writers", writers);
    figures.put("foreign_writers", foreignWriters);
    figures.put("keys", keys);
    figures.put("loader_ms", loaderMillis);
    figures.put("fault_at_s", faultAt);
    figures.put("recover_at_s", recoverAt);
    figures.put("duration_s", duration);
    figures.put("loads_per_second", Arrays.stream(loadsPerSecond).map(LongAdder::sum).toList());
    figures.put("hit_rate_per_second", Arrays.stream(hitRate).map(h -> Math.round(h * 1000) / 1000.0).boxed().toList());
    return figures;
  }

  /** Reads every key once before the clock starts, so the figures before the fault are the steady state, not the fill. */
  private void warmUp(Cache<Integer, Long> cache) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> reads = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int first = t;
      reads.add(pool.submit(() -> {
        for (int k = first; k < keys; k += threads) {
          cache.get(k);
        }
        return null;
      }));
    }
    for (Future<?> read : reads) {
      read.get();
    }
    pool.shutdown();
  }

  /** A removal by a writer: a failure (the foreign manager's breaker is open) is queued there, as designed. */
  private static void removeQuietly(Cache<Integer, Long> cache, int key) {
    try {
      cache.remove(key);
    } catch (RuntimeException e) {
      // removals are queued and never thrown; nothing to do
    }
  }

  private static AsideConfiguration<Integer, Long> plain() {
    AsideConfiguration<Integer, Long> config = new AsideConfiguration<>();
    config.setTypes(Integer.class, Long.class);
    return config;
  }

  private static AsideCacheManager manager(URI uri) {
    // A provider instance of its own: a second manager on the same URI is a separate client.
    return (AsideCacheManager) new AsideCachingProvider().getCacheManager(uri, OutageScenario.class.getClassLoader());
  }

  /**
   * A client that trusts Redis as soon as it answers: a cache manager of its own on the same keys, with no
   * loader and nothing to replay, which reads what Redis holds.
   */
  private static final class Observer implements AutoCloseable {
    private final AsideCacheManager manager;
    private final Cache<Integer, Long> cache;

    Observer(URI uri) {
      manager = manager(uri);
      AsideConfiguration<Integer, Long> config = new AsideConfiguration<>();
      config.setTypes(Integer.class, Long.class);
      cache = manager.createCache("rows", config);
    }

    /** The version Redis holds for each key 0..keys-1, null where it holds none. */
    Long[] read(int keys) {
      Set<Integer> all = IntStream.range(0, keys).boxed().collect(Collectors.toSet());
      Map<Integer, Long> found = cache.getAll(all);
      Long[] versions = new Long[keys];
      found.forEach((key, version) -> versions[key] = version);
      return versions;
    }

    @Override
    public void close() {
      manager.close();
    }
  }

  private static int second(long sinceStart, int seconds) {
    return (int) Math.min(seconds - 1, TimeUnit.NANOSECONDS.toSeconds(sinceStart));
  }

  private static double elapsed(long t0) {
    return (System.nanoTime() - t0) / 1e9;
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
