package dev.aside.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aside.config.RedactedUri;
import dev.aside.testkit.RedisCluster;
import dev.aside.testkit.RedisServer;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code java -jar benchmarks.jar <scenario> [options]}: runs one scenario and prints its table, then
 * its figures as one JSON object on the last line of standard output.
 *
 * <p>A scenario runs on a private redis-server it starts, on {@code --uri}, or, for the scenarios that run on a
 * cluster, on a private 3-master Redis Cluster ({@code --cluster}) or a {@code redis-cluster://} {@code --uri}.
 *
 * <p>A run that succeeds is also kept, with everything it printed and where it ran, as a {@link RunRecord} in
 * {@code --results-dir} ({@code benchmarks/results} by default, {@code off} for none).
 *
 * <p>Exit codes: 0 done, 1 the scenario failed, 2 bad command line (usage on standard error).
 * {@code jmh} is not a scenario: it hands the remaining arguments to JMH's own command line.
 */
public final class Main {

  /** Every scenario, in the order of the usage message. A new scenario is one more line here. */
  static final List<Supplier<Scenario>> SCENARIOS = List.of(
      ThroughputScenario::new,
      StampedeScenario::new,
      OutageScenario::new,
      FailoverScenario::new,
      NearScenario::new,
      MemoryScenario::new);

  private static final String JMH = "jmh";
  private static final String RESULTS_DIR = "benchmarks/results";
  private static final String NO_RESULTS = "off";
  /* The private cluster of --cluster: 3 masters, as the figures are measured on. */
  private static final int CLUSTER_MASTERS = 3;

  private Main() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals(JMH)) {
      org.openjdk.jmh.Main.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    int code = run(args, System.out, System.err);
    System.out.flush();
    System.err.flush();
    // Client libraries may leave non-daemon threads behind; the run is over either way.
    System.exit(code);
  }

  /** Runs the command line and returns the exit code; never exits the JVM. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0) {
      err.print(usage());
      return 2;
    }
    if (List.of("help", "-h", "--help").contains(args[0])) {
      out.print(usage());
      return 0;
    }
    Scenario scenario;
    String uri;
    String resultsDir;
    boolean cluster;
    RedisCluster.Builder ownCluster;
    try {
      scenario = find(args[0]).orElseThrow(() -> new UsageException("unknown scenario '" + args[0] + "'"));
      Options options = Options.parse(Arrays.asList(args).subList(1, args.length));
      uri = options.string("uri", null);
      if (uri != null) {
        checkUri(uri);
      }
      cluster = options.flag("cluster");
      if (cluster && uri != null && !ClusterUri.isCluster(uri)) {
        throw new UsageException("--cluster with a standalone --uri: give a redis-cluster:// URI, or drop --cluster");
      }
      cluster |= uri != null && ClusterUri.isCluster(uri);
      resultsDir = options.string("results-dir", RESULTS_DIR);
      scenario.parse(options);
      ownCluster = scenario.ownCluster();
      if (ownCluster != null && uri != null) {
        throw new UsageException(scenario.name() + " starts the cluster it runs on (it kills a node of it): drop --uri");
      }
      if (ownCluster == null && cluster && !scenario.runsOnCluster()) {
        throw new UsageException(scenario.name() + " does not run on a Redis Cluster (--cluster, redis-cluster://)");
      }
      List<String> unread = options.unread();
      if (!unread.isEmpty()) {
        throw new UsageException("unknown option --" + unread.get(0) + " for scenario " + scenario.name());
      }
    } catch (UsageException e) {
      err.println("error: " + e.getMessage());
      err.println();
      err.print(usage());
      return 2;
    }

    RunRecord record = new RunRecord(scenario.name(), Arrays.asList(args).subList(1, args.length));
    PrintStream recordedOut = new PrintStream(record.output(out), true, StandardCharsets.UTF_8);
    PrintStream recordedErr = new PrintStream(record.progress(err), true, StandardCharsets.UTF_8);
    RedisCluster.Builder clusterToStart = ownCluster != null ? ownCluster
        : cluster && uri == null ? RedisCluster.builder().masters(CLUSTER_MASTERS) : null;
    boolean standalone = uri == null && clusterToStart == null;
    try (RedisServer server = standalone ? RedisServer.start() : null;
         RedisCluster redisCluster = clusterToStart != null ? startCluster(clusterToStart, recordedErr) : null) {
      String redisUri = server != null ? server.uri() : redisCluster != null ? redisCluster.uri() : uri;
      Map<String, Object> figures = scenario.run(
          new Scenario.Environment(redisUri, server, redisCluster, recordedOut, recordedErr));
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("scenario", scenario.name());
      json.putAll(figures);
      if (!resultsDir.equals(NO_RESULTS)) {
        err.println("raw output kept in " + record.write(Path.of(resultsDir), redisUri, json));
      }
      out.println(new ObjectMapper().writeValueAsString(json));
      out.flush();
      return 0;
    } catch (Exception e) {
      err.println("Scenario " + scenario.name() + " failed:");
      e.printStackTrace(err);
      return 1;
    }
  }

  private static RedisCluster startCluster(RedisCluster.Builder builder, PrintStream err) {
    long start = System.nanoTime();
    RedisCluster started = builder.start();
    err.printf(Locale.ROOT, "started a private Redis Cluster: %d nodes, %d masters, in %.1f s%n",
        started.nodes().size(), started.masters().size(), (System.nanoTime() - start) / 1e9);
    return started;
  }

  private static Optional<Scenario> find(String name) {
    return SCENARIOS.stream().map(Supplier::get).filter(s -> s.name().equals(name)).findFirst();
  }

  private static void checkUri(String uri) {
    try {
      if (ClusterUri.isCluster(uri)) {
        ClusterUri.parse(uri);
        return;
      }
      String scheme = URI.create(uri).getScheme();
      if (!"redis".equals(scheme) && !"rediss".equals(scheme)) {
        throw new UsageException("--uri must be redis://host:port, rediss://host:port or "
            + "redis-cluster://host:port[,host:port...], was " + RedactedUri.of(uri));
      }
    } catch (IllegalArgumentException e) {
      throw new UsageException("--uri is not a valid URI: " + RedactedUri.of(uri));
    }
  }

  static String usage() {
    StringBuilder text = new StringBuilder()
        .append("Usage: java -jar benchmarks.jar <scenario> [options]\n")
        .append("       java -jar benchmarks.jar jmh [JMH options]    JMH microbenchmarks (jmh -h: JMH's help)\n")
        .append("\nCommon options:\n")
        .append("  --uri redis://host:port   use this Redis instead of starting a private redis-server\n")
        .append("                            (redis-cluster://host:port,host:port...: a Redis Cluster)\n")
        .append("  --cluster                 run on a private 3-master Redis Cluster (scenarios marked [cluster])\n")
        .append("  --results-dir DIR         keep the run's raw output in DIR/<scenario>[_<option>-<value>...].json\n")
        .append("                            (default " + RESULTS_DIR + "; off: keep nothing)\n")
        .append("\nScenarios:\n");
    for (Supplier<Scenario> supplier : SCENARIOS) {
      Scenario scenario = supplier.get();
      String onCluster = scenario.ownCluster() != null ? " [own cluster]" : scenario.runsOnCluster() ? " [cluster]" : "";
      text.append(String.format("  %-12s %s%s%n", scenario.name(), scenario.summary(), onCluster));
      scenario.optionsHelp().lines().forEach(line -> text.append("      ").append(line).append('\n'));
    }
    text.append("\nThe last line of standard output is one JSON object with the scenario's figures.\n");
    return text.toString();
  }
}
