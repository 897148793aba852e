package dev.aside.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;

/**
 * {@code stampede}: N JVM processes × T threads read one missing key at the same instant through an
 * Aside cache in front of a repository that sleeps (100 ms by default) and counts its calls in Redis:
 * a read-through cache's loader, the per-call loader or a Spring {@code @Cacheable(sync = true)} method
 * ({@code --via}, see {@link StampedeReadPath}). A stampede-proof cache calls the repository once. Each process reports when its reads actually started
 * and how many of them waited; {@link StampedeCheck} fails a run in which they did not all meet the
 * load in flight.
 */
final class StampedeScenario implements Scenario {
  private int processes;
  private int threads;
  private int loaderMillis;
  private StampedeReadPath.Via via;

  @Override
  public String name() {
    return "stampede";
  }

  @Override
  public String summary() {
    return "N processes x T threads miss one key at once; counts loader calls (goal: 1)";
  }

  @Override
  public String optionsHelp() {
    return "--processes N   JVM processes (default 4)\n"
        + "--threads T     threads per process (default 50)\n"
        + "--loader-ms M   how long the loader takes (default 100)\n"
        + "--via V         loader: read-through CacheLoader (default); function: AsideCache.get(key, loader);\n"
        + "                spring: a Spring Boot @Cacheable(sync = true) method on aside-spring-boot";
  }

  @Override
  public void parse(Options options) {
    processes = options.integer("processes", 4, 1);
    threads = options.integer("threads", 50, 1);
    loaderMillis = options.integer("loader-ms", 100, 1);
    via = StampedeReadPath.Via.of(options.string("via", StampedeReadPath.Via.LOADER.option));
  }

  @Override
  public Map<String, Object> run(Environment environment) throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String prefix = "stampede-" + run;
    String counterKey = "aside-bench:stampede:" + run + ":loads";
    String java = ProcessHandle.current().info().command().orElse("java");
    String classPath = System.getProperty("java.class.path");
    List<Process> workers = new ArrayList<>();
    List<BufferedReader> outputs = new ArrayList<>();
    for (int p = 0; p < processes; p++) {
      Process worker = new ProcessBuilder(java, "-cp", classPath, StampedeWorker.class.getName(),
          environment.redisUri(), prefix, "user-42", counterKey, Integer.toString(threads),
          Integer.toString(loaderMillis), via.option)
          .redirectError(ProcessBuilder.Redirect.INHERIT)
          .start();
      workers.add(worker);
      outputs.add(new BufferedReader(new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8)));
    }
    environment.err().printf("started %d worker processes, waiting until all are ready%n", processes);
    for (BufferedReader output : outputs) {
      String line = output.readLine();
      if (!"ready".equals(line)) {
        throw new IllegalStateException("A worker did not start: " + line);
      }
    }
    long startAt = System.currentTimeMillis() + 500;
    for (Process worker : workers) {
      PrintWriter in = new PrintWriter(worker.getOutputStream(), true, StandardCharsets.UTF_8);
      in.println(startAt);
    }
    List<StampedeCheck.Report> reports = new ArrayList<>();
    for (int p = 0; p < processes; p++) {
      reports.add(StampedeCheck.Report.parse(outputs.get(p).readLine()));
      workers.get(p).waitFor();
    }
    long slowestMillis = reports.stream().mapToLong(StampedeCheck.Report::slowestGetMillis).max().orElse(0);
    long wrongValues = reports.stream().mapToLong(StampedeCheck.Report::wrongValues).sum();
    long loaderCalls;
    RedisClient client = RedisClient.create(environment.redisUri());
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      String count = connection.sync().get(counterKey);
      loaderCalls = count == null ? 0 : Long.parseLong(count);
      connection.sync().del(counterKey);
      // The run's own keys, whatever the read path stored: SCAN, not KEYS, in case --uri is a busy server.
      ScanIterator.scan(connection.sync(), ScanArgs.Builder.matches(prefix + ":*"))
          .forEachRemaining(k -> connection.sync().del(k));
    } finally {
      client.shutdown();
    }
    environment.out().printf("%-28s %10s%n", "stampede", "Aside");
    environment.out().printf("%-28s %10s%n", "via", via.option);
    environment.out().printf("%-28s %10d%n", "processes", processes);
    environment.out().printf("%-28s %10d%n", "threads per process", threads);
    environment.out().printf("%-28s %10d%n", "concurrent misses", processes * threads);
    environment.out().printf("%-28s %10d%n", "loader calls", loaderCalls);
    environment.out().printf("%-28s %10d%n", "wrong or missing values", wrongValues);
    environment.out().printf("%-28s %10d%n", "slowest get (ms)", slowestMillis);
    double spread = StampedeCheck.startSpreadMillis(reports);
    environment.out().printf("%-28s %10.1f   (allowed: %.1f, a quarter of the loader's time)%n",
        "spread of starts (ms)", spread, loaderMillis / 4.0);
    environment.out().printf("%nprocess  first/last get started (ms after the start time)  in-JVM waits  cross-JVM waits"
        + "  loader calls%n");
    for (int p = 0; p < processes; p++) {
      StampedeCheck.Report r = reports.get(p);
      environment.out().printf(Locale.ROOT, "%7d  %21.1f / %-27.1f %12d  %15d  %12d%n", p + 1,
          r.startOffsetMillis(), r.lastStartOffsetMillis(), r.inJvmWaits(), r.crossJvmWaits(), r.loaderCalls());
    }
    List<String> problems = StampedeCheck.problems(reports, threads, loaderMillis);
    if (!problems.isEmpty()) {
      throw new IllegalStateException("the run does not test a stampede, so its loader count means nothing:\n  "
          + String.join("\n  ", problems));
    }
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("scenario", name());
    figures.put("via", via.option);
    figures.put("processes", processes);
    figures.put("threads", threads);
    figures.put("loader_ms", loaderMillis);
    figures.put("loader_calls", loaderCalls);
    figures.put("wrong_values", wrongValues);
    figures.put("slowest_get_ms", slowestMillis);
    figures.put("start_spread_ms", Math.round(spread * 1000) / 1000.0);
    figures.put("start_offsets_ms", reports.stream().map(r -> r.startOffsetMillis()).toList());
    figures.put("last_start_offsets_ms", reports.stream().map(r -> r.lastStartOffsetMillis()).toList());
    figures.put("in_jvm_waits", reports.stream().map(r -> r.inJvmWaits()).toList());
    figures.put("cross_jvm_waits", reports.stream().map(r -> r.crossJvmWaits()).toList());
    figures.put("loader_calls_per_process", reports.stream().map(r -> r.loaderCalls()).toList());
    return figures;
  }
}
