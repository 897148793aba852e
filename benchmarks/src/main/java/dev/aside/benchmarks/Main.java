package dev.aside.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aside.testkit.RedisServer;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code java -jar benchmarks.jar <scenario> [options]}: runs one scenario and prints its table, then
 * its figures as one JSON object on the last line of standard output.
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
      NearScenario::new,
      MemoryScenario::new);

  private static final String JMH = "jmh";
  private static final String RESULTS_DIR = "benchmarks/results";
  private static final String NO_RESULTS = "off";

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
    try {
      scenario = find(args[0]).orElseThrow(() -> new UsageException("unknown scenario '" + args[0] + "'"));
      Options options = Options.parse(Arrays.asList(args).subList(1, args.length));
      uri = options.string("uri", null);
      if (uri != null) {
        checkUri(uri);
      }
      resultsDir = options.string("results-dir", RESULTS_DIR);
      scenario.parse(options);
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
    try (RedisServer server = uri == null ? RedisServer.start() : null) {
      String redisUri = server != null ? server.uri() : uri;
      Map<String, Object> figures = scenario.run(new Scenario.Environment(redisUri, server, recordedOut, recordedErr));
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

  private static Optional<Scenario> find(String name) {
    return SCENARIOS.stream().map(Supplier::get).filter(s -> s.name().equals(name)).findFirst();
  }

  private static void checkUri(String uri) {
    try {
      String scheme = URI.create(uri).getScheme();
      if (!"redis".equals(scheme) && !"rediss".equals(scheme)) {
        throw new UsageException("--uri must be redis://host:port or rediss://host:port, was " + uri);
      }
    } catch (IllegalArgumentException e) {
      throw new UsageException("--uri is not a valid URI: " + uri);
    }
  }

  static String usage() {
    StringBuilder text = new StringBuilder()
        .append("Usage: java -jar benchmarks.jar <scenario> [options]\n")
        .append("       java -jar benchmarks.jar jmh [JMH options]    JMH microbenchmarks (jmh -h: JMH's help)\n")
        .append("\nCommon options:\n")
        .append("  --uri redis://host:port   use this Redis instead of starting a private redis-server\n")
        .append("  --results-dir DIR         keep the run's raw output in DIR/<scenario>[_<option>-<value>...].json\n")
        .append("                            (default " + RESULTS_DIR + "; off: keep nothing)\n")
        .append("\nScenarios:\n");
    for (Supplier<Scenario> supplier : SCENARIOS) {
      Scenario scenario = supplier.get();
      text.append(String.format("  %-12s %s%n", scenario.name(), scenario.summary()));
      scenario.optionsHelp().lines().forEach(line -> text.append("      ").append(line).append('\n'));
    }
    text.append("\nThe last line of standard output is one JSON object with the scenario's figures.\n");
    return text.toString();
  }
}
