package dev.aside.benchmarks;

import dev.aside.testkit.RedisCluster;
import dev.aside.testkit.RedisServer;
import java.io.PrintStream;
import java.util.Map;

/**
 * One benchmark scenario of {@code benchmarks.jar}: {@code java -jar benchmarks.jar <name> [options]}.
 *
 * <p>{@link Main} creates a fresh instance per run, hands it the command-line options to
 * {@link #parse}, rejects whatever it left unread, provides a Redis, calls {@link #run} and prints
 * the returned figures as the last line of standard output, one JSON object. A new scenario is one
 * class implementing this interface plus one line in {@link Main#SCENARIOS}.
 */
public interface Scenario {

  /** The name on the command line, e.g. {@code throughput}. */
  String name();

  /** One line saying what the scenario measures, for the usage message. */
  String summary();

  /** The scenario's options for the usage message, one per line ({@code --threads N   ... (default 8)}). */
  String optionsHelp();

  /**
   * Reads the scenario's options; called before any Redis is started.
   *
   * @throws UsageException if an option has a bad value (exit code 2)
   */
  void parse(Options options);

  /** Whether the scenario also runs on a Redis Cluster: {@code --cluster}, or a {@code redis-cluster://} URI. */
  default boolean runsOnCluster() {
    return false;
  }

  /**
   * The private cluster this scenario always runs on, started by {@link Main} after {@link #parse} (so
   * {@code --uri} is refused), or null (the default) for a scenario that runs on what the command line names.
   */
  default RedisCluster.Builder ownCluster() {
    return null;
  }

  /**
   * Runs the scenario: prints a human-readable table on {@link Environment#out()} (progress, if any,
   * on {@link Environment#err()}) and returns its figures, in the order they should appear in JSON.
   * Values must be what Jackson writes as-is: numbers, strings, booleans, lists and maps of them.
   */
  Map<String, Object> run(Environment environment) throws Exception;

  /**
   * What a scenario runs against.
   *
   * @param redisUri the Redis to use, e.g. {@code redis://127.0.0.1:6379} or
   *     {@code redis-cluster://127.0.0.1:7000,127.0.0.1:7001}
   * @param server the private redis-server started for this run, or null when {@code --uri} named an
   *     existing one or the run is on a cluster (scenarios that kill or pause Redis need the former)
   * @param cluster the private Redis Cluster started for this run, or null
   * @param out where the table goes
   * @param err where progress and warnings go
   */
  record Environment(String redisUri, RedisServer server, RedisCluster cluster, PrintStream out, PrintStream err) {

    /** A run on a standalone Redis. */
    public Environment(String redisUri, RedisServer server, PrintStream out, PrintStream err) {
      this(redisUri, server, null, out, err);
    }

    /** Whether the run is on a Redis Cluster (a private one or a {@code redis-cluster://} URI). */
    public boolean onCluster() {
      return ClusterUri.isCluster(redisUri);
    }
  }
}
