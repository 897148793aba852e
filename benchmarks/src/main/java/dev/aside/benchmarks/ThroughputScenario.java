package dev.aside.benchmarks;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisKeyAsyncCommands;
import io.lettuce.core.api.async.RedisStringAsyncCommands;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import java.io.PrintStream;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.MutableEntry;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.BaseConfig;
import org.redisson.config.ClusterServersConfig;
import org.redisson.config.Config;
import org.redisson.config.SingleServerConfig;
import org.redisson.jcache.configuration.RedissonConfiguration;

/**
 * Throughput of Aside against raw Lettuce, Redisson's JCache and Caffeine's JCache, all driven by the
 * same threads doing the same operations: {@code get} (always a hit), {@code put}, {@code getAll} of
 * 100 keys and {@code invoke} of an increment processor.
 *
 * <p>On a Redis Cluster ({@code --cluster}, or a {@code redis-cluster://} {@code --uri}) raw Lettuce is its
 * {@code RedisClusterClient}, whose MGET splits the keys by slot, and Redisson runs with
 * {@code useClusterServers()}; Caffeine stays local.
 *
 * <p>Raw Lettuce is the floor Aside builds on, connected exactly as Aside connects (one shared
 * connection, {@code ByteArrayCodec}, the async API awaited by each calling thread, the same client
 * options) and doing what an application would do around it: build the key's bytes, encode and decode
 * the String value, collect an MGET into a map. Its {@code invoke} counterpart is {@code INCR}.
 * Redisson runs with its defaults against the same Redis; Caffeine is the local in-memory reference.
 *
 * <p>After a warm-up of every (operation, system) pair, each round measures every operation on every
 * system in turn, starting each round with the next system (round 1: Aside, Lettuce, Redisson, Caffeine;
 * round 2: Lettuce, Redisson, Caffeine, Aside; ...), so neither drift nor the position after a given
 * system favours one. Throughputs are medians over rounds; a comparison is the median of the per-round
 * ratios (see {@link Stats}). Each system has its own cache names or key prefix.
 *
 * <p>Only calls that did what was asked are counted, the same way for every system: a {@code get} or
 * {@code getAll} that returned all its pre-filled keys, a {@code put} or {@code invoke} that returned.
 * Aside's reads fail open (an error or an open breaker gives a fast miss), so counting every call would
 * count fast failures as throughput; a measured round with any error or short read therefore fails the
 * run, before any ratio is printed.
 */
public final class ThroughputScenario implements Scenario {
  static final String ASIDE_PROVIDER = "dev.aside.spi.AsideCachingProvider";
  static final String REDISSON_PROVIDER = "org.redisson.jcache.JCachingProvider";
  static final String CAFFEINE_PROVIDER = "com.github.benmanes.caffeine.jcache.spi.CaffeineCachingProvider";

  private static final int BATCH = 100;
  private static final int VALUE_LENGTH = 100;
  private static final int VALUE_POOL = 16;
  private static final int BATCH_POOL = 64;
  private static final int FILL_CHUNK = 100;
  private static final int FILL_ATTEMPTS = 5;
  /* Aside's defaults, which raw Lettuce gets too. */
  private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(500);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  /* Also the order in which each round visits them. */
  private static final List<String> SYSTEMS = List.of("aside", "lettuce", "redisson", "caffeine");

  private int threads;
  private int rounds;
  private double seconds;
  private double warmup;
  private int keyCount;
  private List<String> systems;
  private List<Op> ops;
  private double loadAtStart;
  private boolean onCluster;

  /* The data every system works on, made once so each system sees the same keys and values. */
  private String[] keys;
  private String[] counters;
  private String[] values;
  private List<Set<String>> batches;

  @Override
  public String name() {
    return "throughput";
  }

  @Override
  public String summary() {
    return "ops/s of get, put, getAll(100), invoke: Aside vs raw Lettuce vs Redisson JCache vs Caffeine JCache";
  }

  @Override
  public String optionsHelp() {
    return """
        --threads N     concurrent caller threads (default 8)
        --rounds N      measured rounds; figures are medians over rounds (default 5)
        --seconds S     length of one measurement of one operation on one system (default 2)
        --warmup S      warm-up per operation and system before the rounds (default 2 x seconds)
        --keys N        keys pre-filled per system (default 1000)
        --systems LIST  systems to run, of aside,lettuce,redisson,caffeine (default all)
        --ops LIST      operations to run, of get,put,getall,invoke (default all)""";
  }

  @Override
  public void parse(Options options) {
    threads = options.integer("threads", 8, 1);
    rounds = options.integer("rounds", 5, 1);
    seconds = options.decimal("seconds", 2.0, 0.01);
    warmup = options.decimal("warmup", 2 * seconds, 0);
    keyCount = options.integer("keys", 1_000, BATCH);
    systems = list(options, "systems", SYSTEMS);
    List<String> opNames = list(options, "ops", Arrays.stream(Op.values()).map(op -> op.json).toList());
    ops = Arrays.stream(Op.values()).filter(op -> opNames.contains(op.json)).toList();
  }

  /** A comma-separated selection from {@code allowed}, kept in the order of {@code allowed}. */
  private static List<String> list(Options options, String name, List<String> allowed) {
    List<String> chosen = Arrays.stream(options.string(name, String.join(",", allowed)).split(","))
        .map(String::trim).filter(item -> !item.isEmpty()).toList();
    for (String item : chosen) {
      if (!allowed.contains(item)) {
        throw new UsageException("--" + name + " may list " + String.join(",", allowed) + "; '" + item + "' is none");
      }
    }
    if (chosen.isEmpty()) {
      throw new UsageException("--" + name + " must list at least one of " + String.join(",", allowed));
    }
    return allowed.stream().filter(chosen::contains).toList();
  }

  @Override
  public boolean runsOnCluster() {
    return true;
  }

  @Override
  public Map<String, Object> run(Environment env) throws Exception {
    onCluster = env.onCluster();
    loadAtStart = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    makeData();
    Map<String, Supplier<Subject>> factories = Map.of(
        "aside", () -> new AsideSubject(env.redisUri()),
        "lettuce", () -> new LettuceSubject(env.redisUri()),
        "redisson", () -> new RedissonSubject(env.redisUri()),
        "caffeine", CaffeineSubject::new);
    List<Subject> subjects = new ArrayList<>();
    try {
      for (String system : systems) {
        Subject subject = retry(factories.get(system));
        subjects.add(subject);
        subject.fill(keys, values, counters);
      }
      return measureAll(subjects, env);
    } finally {
      for (Subject subject : subjects) {
        try {
          subject.close();
        } catch (Exception e) {
          env.err().println("warning: closing " + subject.name() + " failed: " + e);
        }
      }
    }
  }

  Map<String, Object> measureAll(List<Subject> subjects, Environment env) throws InterruptedException {
    PrintStream err = env.err();
    long warmupFailures = 0;
    if (warmup > 0) {
      err.printf(Locale.ROOT, "warm-up: %.2f s per operation and system%n", warmup);
      for (Op op : ops) {
        for (Subject subject : subjects) {
          Measurement m = measure(subject, op, warmup);
          if (m.failures() > 0) {
            warmupFailures += m.failures();
            err.println("warning (warm-up, not measured): " + m.describeFailures(subject.name(), op));
          }
        }
      }
    }
    Map<String, Map<Op, double[]>> rates = new LinkedHashMap<>();
    for (Subject subject : subjects) {
      Map<Op, double[]> perOp = new LinkedHashMap<>();
      for (Op op : ops) {
        perOp.put(op, new double[rounds]);
      }
      rates.put(subject.name(), perOp);
    }
    for (int round = 0; round < rounds; round++) {
      StringBuilder line = new StringBuilder("round " + (round + 1) + "/" + rounds + ":");
      for (Op op : ops) {
        line.append(' ').append(op.label).append(" [");
        for (Subject subject : Stats.rotation(subjects, round)) {
          Measurement m = measure(subject, op, seconds);
          if (m.failures() > 0) {
            err.println(line);
            throw new IllegalStateException("round " + (round + 1) + ": " + m.describeFailures(subject.name(), op)
                + "; a run with errors or empty reads reports no ratios", m.firstError());
          }
          rates.get(subject.name()).get(op)[round] = m.opsPerSecond();
          line.append(' ').append(subject.name()).append('=').append(Math.round(m.opsPerSecond()));
        }
        line.append(" ]");
      }
      err.println(line);
    }
    return report(rates, warmupFailures, env.out());
  }

  private Map<String, Object> report(Map<String, Map<Op, double[]>> rates, long warmupFailures, PrintStream out) {
    Map<String, Map<Op, Double>> medians = new LinkedHashMap<>();
    rates.forEach((system, perOp) -> {
      Map<Op, Double> m = new LinkedHashMap<>();
      perOp.forEach((op, values) -> m.put(op, Stats.median(values)));
      medians.put(system, m);
    });

    out.printf(Locale.ROOT, "Throughput%s: %d threads, %d rounds x %s s (warm-up %s s), %d keys, %d-byte values%n",
        onCluster ? " on a Redis Cluster" : "", threads, rounds, trim(seconds), trim(warmup), keyCount, VALUE_LENGTH);
    out.println("median ops/s (getAll: calls of " + BATCH + " keys/s); spread = (max - min) / median over rounds;");
    out.println("aside/x = median of the per-round ratios [lowest-highest round]");
    out.printf(Locale.ROOT, "%-12s", "op");
    for (String system : medians.keySet()) {
      out.printf(Locale.ROOT, "%14s %6s", system, "spread");
    }
    List<String> baselines = medians.containsKey("aside")
        ? Stream.of("lettuce", "redisson").filter(medians::containsKey).toList() : List.of();
    for (String baseline : baselines) {
      out.printf(Locale.ROOT, "%27s", "aside/" + baseline);
    }
    out.println();
    for (Op op : ops) {
      out.printf(Locale.ROOT, "%-12s", op.label);
      for (String system : medians.keySet()) {
        out.printf(Locale.ROOT, "%,14d %5.0f%%", Math.round(medians.get(system).get(op)),
            100 * spread(rates.get(system).get(op)));
      }
      for (String baseline : baselines) {
        double[] perRound = Stats.ratios(rates.get("aside").get(op), rates.get(baseline).get(op));
        double[] sorted = perRound.clone();
        Arrays.sort(sorted);
        out.printf(Locale.ROOT, "%10.3fx [%.3f-%.3f]", Stats.median(perRound), sorted[0], sorted[sorted.length - 1]);
      }
      out.println();
    }
    double loadAtEnd = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    int cpus = Runtime.getRuntime().availableProcessors();
    out.printf(Locale.ROOT, "%d CPUs; 1-minute load average %.1f at the start, %.1f at the end%s%n", cpus,
        loadAtStart, loadAtEnd, loadAtStart > cpus ? ": something else was busy, expect noise" : "");
    if (warmupFailures > 0) {
      out.println("(" + warmupFailures + " failed calls during the warm-up, not measured: see standard error)");
    }

    Map<String, Object> figures = new LinkedHashMap<>();
    for (String baseline : baselines) {
      for (Op op : ops) {
        figures.put(op.json + "_vs_" + baseline,
            round3(Stats.medianRatio(rates.get("aside").get(op), rates.get(baseline).get(op))));
      }
    }
    medians.forEach((system, perOp) -> perOp.forEach(
        (op, median) -> figures.put(system + "_" + op.json + "_ops", Math.round(median))));
    figures.put("cluster", onCluster);
    figures.put("threads", threads);
    figures.put("rounds", rounds);
    figures.put("seconds", seconds);
    figures.put("warmup_seconds", warmup);
    figures.put("keys", keyCount);
    figures.put("value_bytes", VALUE_LENGTH);
    figures.put("getall_batch", BATCH);
    figures.put("cpus", cpus);
    figures.put("load_average_start", round3(loadAtStart));
    figures.put("load_average_end", round3(loadAtEnd));
    figures.put("errors", 0);
    figures.put("empty_reads", 0);
    figures.put("warmup_failed_calls", warmupFailures);
    figures.put("system_order", "rotated each round");
    figures.put("ratio", "median of per-round ratios");
    figures.put("versions", RunRecord.libraryVersions());
    return figures;
  }

  // ------------------------------------------------------------------------------------------ measuring

  /** The operations measured; {@code expectedItems} is what one call must find (0: nothing to check). */
  enum Op {
    GET("get", "get", 1) {
      @Override
      int call(Subject subject, ThroughputScenario data, SplittableRandom random) {
        return subject.get(data.keys[random.nextInt(data.keys.length)]);
      }
    },
    PUT("put", "put", 0) {
      @Override
      int call(Subject subject, ThroughputScenario data, SplittableRandom random) {
        subject.put(data.keys[random.nextInt(data.keys.length)], data.values[random.nextInt(VALUE_POOL)]);
        return 0;
      }
    },
    GET_ALL("getAll(100)", "getall", BATCH) {
      @Override
      int call(Subject subject, ThroughputScenario data, SplittableRandom random) {
        return subject.getAll(data.batches.get(random.nextInt(data.batches.size())));
      }
    },
    INVOKE("invoke", "invoke", 0) {
      @Override
      int call(Subject subject, ThroughputScenario data, SplittableRandom random) {
        subject.increment(data.counters[random.nextInt(data.counters.length)]);
        return 0;
      }
    };

    final String label;
    final String json;
    final int expectedItems;

    Op(String label, String json, int expectedItems) {
      this.label = label;
      this.json = json;
      this.expectedItems = expectedItems;
    }

    abstract int call(Subject subject, ThroughputScenario data, SplittableRandom random);
  }

  /**
   * One measurement: {@code ops} calls did what was asked; {@code emptyReads} reads returned fewer items than
   * were pre-filled, {@code errors} calls threw. Only {@code ops} count towards the throughput.
   */
  record Measurement(double opsPerSecond, long ops, long emptyReads, long errors, Throwable firstError) {
    long failures() {
      return emptyReads + errors;
    }

    String describeFailures(String system, Op op) {
      return system + " " + op.label + ": " + errors + " errors, " + emptyReads + " empty reads"
          + (firstError == null ? "" : "; first error: " + firstError);
    }
  }

  /** Runs {@code op} on {@code subject} from all threads at once for {@code duration} seconds. */
  private Measurement measure(Subject subject, Op op, double duration) throws InterruptedException {
    long[] ops = new long[threads];
    long[] empty = new long[threads];
    long[] errors = new long[threads];
    Throwable[] firstErrors = new Throwable[threads];
    CountDownLatch ready = new CountDownLatch(threads);
    CountDownLatch start = new CountDownLatch(1);
    AtomicBoolean stop = new AtomicBoolean();
    Thread[] workers = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      int id = t;
      SplittableRandom random = new SplittableRandom(31L * id + op.ordinal());
      workers[t] = new Thread(() -> {
        long n = 0;
        long shortReads = 0;
        long failed = 0;
        ready.countDown();
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        while (!stop.get()) {
          try {
            // Every get and getAll key is pre-filled: a call that found fewer did not do its work.
            if (op.call(subject, this, random) >= op.expectedItems) {
              n++;
            } else {
              shortReads++;
            }
          } catch (RuntimeException e) {
            if (firstErrors[id] == null) {
              firstErrors[id] = e;
            }
            failed++;
          }
        }
        ops[id] = n;
        empty[id] = shortReads;
        errors[id] = failed;
      }, "bench-" + subject.name() + "-" + id);
      workers[t].start();
    }
    ready.await();
    long begin = System.nanoTime();
    start.countDown();
    TimeUnit.NANOSECONDS.sleep((long) (duration * 1e9));
    stop.set(true);
    for (Thread worker : workers) {
      worker.join();
    }
    // Calls in flight at the stop are counted, so the clock stops when the last one returned.
    double elapsed = (System.nanoTime() - begin) / 1e9;
    Throwable first = Arrays.stream(firstErrors).filter(e -> e != null).findFirst().orElse(null);
    return new Measurement(Arrays.stream(ops).sum() / elapsed, Arrays.stream(ops).sum(), Arrays.stream(empty).sum(),
        Arrays.stream(errors).sum(), first);
  }

  void makeData() {
    SplittableRandom random = new SplittableRandom(42);
    keys = new String[keyCount];
    counters = new String[keyCount];
    for (int i = 0; i < keyCount; i++) {
      keys[i] = String.format(Locale.ROOT, "key-%06d", i);
      counters[i] = String.format(Locale.ROOT, "counter-%06d", i);
    }
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    values = new String[VALUE_POOL];
    for (int v = 0; v < VALUE_POOL; v++) {
      StringBuilder text = new StringBuilder(VALUE_LENGTH);
      for (int i = 0; i < VALUE_LENGTH; i++) {
        text.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      values[v] = text.toString();
    }
    batches = new ArrayList<>();
    for (int b = 0; b < BATCH_POOL; b++) {
      Set<String> batch = new LinkedHashSet<>();
      while (batch.size() < BATCH) {
        batch.add(keys[random.nextInt(keyCount)]);
      }
      batches.add(batch);
    }
  }

  // ------------------------------------------------------------------------------------------ systems

  /** One system under test; every method is called from many threads at once. */
  interface Subject extends AutoCloseable {
    String name();

    /** Pre-fills every key with a value and every counter with 0. */
    void fill(String[] keys, String[] values, String[] counters);

    /** Returns 1 when the key held a non-empty value, else 0. */
    int get(String key);

    void put(String key, String value);

    /** Returns how many of the keys held a value. */
    int getAll(Set<String> keys);

    void increment(String key);
  }

  /** An increment: the processor every JCache system runs for {@code invoke}. */
  static final class Increment implements EntryProcessor<String, Long, Long>, Serializable {
    private static final long serialVersionUID = 1L;
    static final Increment INSTANCE = new Increment();

    @Override
    public Long process(MutableEntry<String, Long> entry, Object... arguments) {
      long next = entry.exists() ? entry.getValue() + 1 : 1;
      entry.setValue(next);
      return next;
    }
  }

  /** A JCache system: a String cache and a Long counter cache from one cache manager. */
  abstract static class JCacheSubject implements Subject {
    private final String name;
    private final CacheManager manager;
    /* Created by fill(), before any worker thread starts. */
    private Cache<String, String> cache;
    private Cache<String, Long> counterCache;

    JCacheSubject(String name, CacheManager manager) {
      this.name = name;
      this.manager = manager;
    }

    /** The system's cache configuration around the plain JCache one. */
    <V> Configuration<String, V> configure(MutableConfiguration<String, V> configuration) {
      return configuration;
    }

    private <V> Cache<String, V> create(String cacheName, Class<V> valueType) {
      // Leftovers of an earlier run against the same Redis are removed first.
      try {
        manager.destroyCache(cacheName);
      } catch (RuntimeException e) {
        // not there: fine
      }
      return manager.createCache(cacheName,
          configure(new MutableConfiguration<String, V>().setTypes(String.class, valueType)));
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public void fill(String[] keys, String[] values, String[] counters) {
      cache = create("bench-" + name, String.class);
      counterCache = create("bench-" + name + "-counters", Long.class);
      for (int from = 0; from < keys.length; from += FILL_CHUNK) {
        Map<String, String> entries = new HashMap<>();
        Map<String, Long> zeros = new HashMap<>();
        for (int i = from; i < Math.min(keys.length, from + FILL_CHUNK); i++) {
          entries.put(keys[i], values[i % values.length]);
          zeros.put(counters[i], 0L);
        }
        retry(() -> cache.putAll(entries));
        retry(() -> counterCache.putAll(zeros));
      }
    }

    @Override
    public int get(String key) {
      String value = cache.get(key);
      return value == null || value.isEmpty() ? 0 : 1;
    }

    @Override
    public void put(String key, String value) {
      cache.put(key, value);
    }

    @Override
    public int getAll(Set<String> keys) {
      return cache.getAll(keys).size();
    }

    @Override
    public void increment(String key) {
      counterCache.invoke(key, Increment.INSTANCE);
    }

    @Override
    public void close() throws Exception {
      for (Cache<?, ?> created : Arrays.asList(cache, counterCache)) {
        if (created != null) {
          try {
            manager.destroyCache(created.getName());
          } catch (RuntimeException e) {
            // best effort: a private redis-server takes its data with it anyway
          }
        }
      }
      manager.close();
    }
  }

  /** Aside, selected by class name among the JCache providers on the class path. */
  static final class AsideSubject extends JCacheSubject {
    AsideSubject(String redisUri) {
      super("aside", Caching.getCachingProvider(ASIDE_PROVIDER)
          .getCacheManager(URI.create(redisUri), ThroughputScenario.class.getClassLoader()));
    }
  }

  /** Caffeine's JCache: local, in memory; the ceiling no remote cache reaches. */
  static final class CaffeineSubject extends JCacheSubject {
    CaffeineSubject() {
      super("caffeine", Caching.getCachingProvider(CAFFEINE_PROVIDER)
          .getCacheManager(URI.create("bench-caffeine"), ThroughputScenario.class.getClassLoader()));
    }
  }

  /** Redisson's JCache with Redisson's defaults, on a Redisson client this subject owns. */
  static final class RedissonSubject extends JCacheSubject {
    private final RedissonClient redisson;

    RedissonSubject(String redisUri) {
      // The default URI finds no redisson-jcache.yaml: the manager has no client of its own, and the
      // caches get this subject's client through their configuration.
      super("redisson", Caching.getCachingProvider(REDISSON_PROVIDER)
          .getCacheManager(null, ThroughputScenario.class.getClassLoader()));
      this.redisson = Redisson.create(redissonConfig(redisUri));
    }

    @Override
    <V> Configuration<String, V> configure(MutableConfiguration<String, V> configuration) {
      return RedissonConfiguration.fromInstance(redisson, configuration);
    }

    @Override
    public void close() throws Exception {
      try {
        super.close();
      } finally {
        redisson.shutdown(0, 2, TimeUnit.SECONDS);
      }
    }

    private static Config redissonConfig(String redisUri) {
      Config config = new Config();
      if (ClusterUri.isCluster(redisUri)) {
        ClusterUri cluster = ClusterUri.parse(redisUri);
        ClusterServersConfig servers = config.useClusterServers()
            .addNodeAddress(cluster.redissonAddresses().toArray(new String[0]));
        credentials(servers, cluster.username(), cluster.password());
        return config;
      }
      URI uri = URI.create(redisUri);
      SingleServerConfig server = config.useSingleServer()
          .setAddress(uri.getScheme() + "://" + uri.getHost() + ":" + (uri.getPort() < 0 ? 6379 : uri.getPort()));
      String userInfo = uri.getUserInfo();
      if (userInfo != null && !userInfo.isEmpty()) {
        int colon = userInfo.indexOf(':');
        if (colon < 0) {
          server.setPassword(userInfo);
        } else {
          if (colon > 0) {
            server.setUsername(userInfo.substring(0, colon));
          }
          server.setPassword(userInfo.substring(colon + 1));
        }
      }
      String path = uri.getPath();
      if (path != null && path.length() > 1) {
        server.setDatabase(Integer.parseInt(path.substring(1)));
      }
      return config;
    }

    private static void credentials(BaseConfig<?> servers, String username, String password) {
      if (username != null) {
        servers.setUsername(username);
      }
      if (password != null) {
        servers.setPassword(password);
      }
    }
  }

  /**
   * Raw Lettuce, connected the way Aside's manager connects: one shared connection, ByteArrayCodec,
   * async commands awaited by the calling thread, two I/O threads, the same client options and
   * timeouts (the handshake bounded by the connect timeout, commands by the command timeout).
   */
  static final class LettuceSubject implements Subject {
    private static final String NAMESPACE = "bench:lettuce:";
    /* On a cluster, both refreshes on, as Aside's defaults have them. */
    private static final Duration TOPOLOGY_REFRESH = Duration.ofSeconds(30);

    private final ClientResources resources;
    private final AbstractRedisClient client;
    private final StatefulConnection<byte[], byte[]> connection;
    /* One async API object seen through two of its interfaces; on a cluster, its MGET and UNLINK split by slot. */
    private final RedisStringAsyncCommands<byte[], byte[]> redis;
    private final RedisKeyAsyncCommands<byte[], byte[]> redisKeys;
    private final List<byte[]> written = new ArrayList<>();

    LettuceSubject(String redisUri) {
      resources = ClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
      if (ClusterUri.isCluster(redisUri)) {
        List<RedisURI> seeds = ClusterUri.parse(redisUri).lettuceSeeds();
        seeds.forEach(seed -> seed.setTimeout(CONNECT_TIMEOUT));
        RedisClusterClient cluster = RedisClusterClient.create(resources, seeds);
        cluster.setOptions(aside(ClusterClientOptions.builder())
            .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                .enablePeriodicRefresh(TOPOLOGY_REFRESH)
                .enableAllAdaptiveRefreshTriggers()
                .build())
            .build());
        StatefulRedisClusterConnection<byte[], byte[]> clusterConnection = cluster.connect(ByteArrayCodec.INSTANCE);
        connectToEveryMaster(clusterConnection);
        client = cluster;
        connection = clusterConnection;
        redis = clusterConnection.async();
        redisKeys = clusterConnection.async();
      } else {
        RedisURI uri = RedisURI.create(redisUri);
        uri.setTimeout(CONNECT_TIMEOUT);
        RedisClient standalone = RedisClient.create(resources, uri);
        standalone.setOptions(aside(ClientOptions.builder()).build());
        StatefulRedisConnection<byte[], byte[]> standaloneConnection = standalone.connect(ByteArrayCodec.INSTANCE);
        client = standalone;
        connection = standaloneConnection;
        redis = standaloneConnection.async();
        redisKeys = standaloneConnection.async();
      }
    }

    /**
     * Opens the connection to every master now, as Aside's manager does: Lettuce opens a node's connection on
     * its first command, and with commands rejected while disconnected, the commands sent meanwhile would fail.
     */
    private static void connectToEveryMaster(StatefulRedisClusterConnection<byte[], byte[]> connection) {
      for (RedisClusterNode node : connection.getPartitions()) {
        if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
          retry(() -> connection.getConnection(node.getNodeId()).sync().ping());
        }
      }
    }

    /** Aside's client options on a standalone or a cluster client's builder. */
    private static <B extends ClientOptions.Builder> B aside(B builder) {
      builder.autoReconnect(true)
          .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
          .requestQueueSize(100_000)
          .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
          .socketOptions(SocketOptions.builder()
              .connectTimeout(CONNECT_TIMEOUT)
              .keepAlive(true)
              .tcpNoDelay(true)
              .build());
      return builder;
    }

    @Override
    public String name() {
      return "lettuce";
    }

    private static byte[] key(String key) {
      return (NAMESPACE + "{" + key + "}").getBytes(StandardCharsets.UTF_8);
    }

    private static <T> T await(RedisFuture<T> future) {
      try {
        return future.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      } catch (ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      }
    }

    @Override
    public void fill(String[] keys, String[] values, String[] counters) {
      for (int from = 0; from < keys.length; from += FILL_CHUNK) {
        int start = from;
        retry(() -> {
          List<RedisFuture<String>> writes = new ArrayList<>();
          for (int i = start; i < Math.min(keys.length, start + FILL_CHUNK); i++) {
            writes.add(redis.set(key(keys[i]), values[i % values.length].getBytes(StandardCharsets.UTF_8)));
            writes.add(redis.set(key(counters[i]), "0".getBytes(StandardCharsets.US_ASCII)));
          }
          writes.forEach(LettuceSubject::await);
        });
      }
      for (int i = 0; i < keys.length; i++) {
        written.add(key(keys[i]));
        written.add(key(counters[i]));
      }
    }

    @Override
    public int get(String key) {
      byte[] bytes = await(redis.get(key(key)));
      return bytes == null || new String(bytes, StandardCharsets.UTF_8).isEmpty() ? 0 : 1;
    }

    @Override
    public void put(String key, String value) {
      await(redis.set(key(key), value.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public int getAll(Set<String> keys) {
      byte[][] redisKeys = new byte[keys.size()][];
      int i = 0;
      for (String key : keys) {
        redisKeys[i++] = key(key);
      }
      Map<String, String> found = new HashMap<>();
      Iterator<String> names = keys.iterator();
      for (KeyValue<byte[], byte[]> kv : await(redis.mget(redisKeys))) {
        String name = names.next();
        if (kv.hasValue()) {
          found.put(name, new String(kv.getValue(), StandardCharsets.UTF_8));
        }
      }
      return found.size();
    }

    @Override
    public void increment(String key) {
      await(redis.incr(key(key)));
    }

    @Override
    public void close() {
      try {
        for (int from = 0; from < written.size(); from += 500) {
          List<byte[]> chunk = written.subList(from, Math.min(written.size(), from + 500));
          await(redisKeys.unlink(chunk.toArray(new byte[0][])));
        }
      } catch (RuntimeException e) {
        // best effort: a private redis-server takes its data with it anyway
      }
      connection.close();
      client.shutdown(0, 2, TimeUnit.SECONDS);
      resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }

  // ------------------------------------------------------------------------------------------ helpers

  /** Runs a set-up step, trying again if it fails (a busy machine can time out a cold client). */
  static void retry(Runnable step) {
    retry(() -> {
      step.run();
      return null;
    });
  }

  /** Runs a set-up step, trying again after a pause (100 ms, then 200 ms, ...) if it fails, and returns its result. */
  static <T> T retry(Supplier<T> step) {
    for (int attempt = 1; ; attempt++) {
      try {
        return step.get();
      } catch (RuntimeException e) {
        if (attempt == FILL_ATTEMPTS) {
          throw e;
        }
        try {
          Thread.sleep(100L * attempt);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  private static double spread(double[] values) {
    double min = Arrays.stream(values).min().orElse(0);
    double max = Arrays.stream(values).max().orElse(0);
    double median = Stats.median(values);
    return median == 0 ? 0 : (max - min) / median;
  }

  private static double round3(double value) {
    return Math.round(value * 1000) / 1000.0;
  }

  private static String trim(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }
}
