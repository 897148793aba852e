package dev.aside.benchmarks;

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

  /**
   * Runs the scenario: prints a human-readable table on {@link Environment#out()} (progress, if any,
   * on {@link Environment#err()}) and returns its figures, in the order they should appear in JSON.
   * Values must be what Jackson writes as-is: numbers, strings, booleans, lists and maps of them.
   */
  Map<String, Object> run(Environment environment) throws Exception;

  /**
   * What a scenario runs against.
   *
   * @param redisUri the Redis to use, e.g. {@code redis://127.0.0.1:6379}
   * @param server the private redis-server started for this run, or null when {@code --uri} named an
   *     existing one (scenarios that kill or pause Redis need the former)
   * @param out where the table goes
   * @param err where progress and warnings go
   */
  record Environment(String redisUri, RedisServer server, PrintStream out, PrintStream err) {}
}
