package dev.aside.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How throughput counts calls, with in-memory stand-ins for the systems (no Redis needed to decide this). */
class ThroughputScenarioTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private ThroughputScenario scenario(String... options) {
    ThroughputScenario scenario = new ThroughputScenario();
    scenario.parse(Options.parse(List.of(options)));
    scenario.makeData();
    return scenario;
  }

  private Scenario.Environment environment() {
    return new Scenario.Environment("redis://127.0.0.1:1", null, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void aFastMissIsNotThroughputButFailsTheRun() {
    ThroughputScenario scenario = scenario("--threads", "2", "--seconds", "0.05", "--rounds", "2", "--warmup", "0",
        "--ops", "get,getall");

    // Like a read that failed open: it returns at once and finds nothing.
    assertThatThrownBy(() -> scenario.measureAll(List.of(new Stand("aside", 0), new Stand("lettuce", 1)),
        environment()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("aside get: 0 errors")
        .hasMessageContaining("empty reads")
        .hasMessageContaining("no ratios");
    assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("aside/lettuce");
  }

  @Test
  void anErrorFailsTheRunForEverySystem() {
    ThroughputScenario scenario = scenario("--threads", "2", "--seconds", "0.05", "--rounds", "1", "--warmup", "0",
        "--ops", "put");

    assertThatThrownBy(() -> scenario.measureAll(List.of(new Stand("aside", 1), new Failing("lettuce")),
        environment()))
        .hasMessageContaining("lettuce put: ")
        .hasMessageContaining("first error: java.lang.IllegalStateException: down");
  }

  @Test
  void completeReadsAreComparedAsTheMedianOfPerRoundRatios() throws Exception {
    ThroughputScenario scenario = scenario("--threads", "1", "--seconds", "0.05", "--rounds", "3", "--warmup", "0",
        "--ops", "get");

    Map<String, Object> figures = scenario.measureAll(List.of(new Stand("aside", 1), new Stand("lettuce", 1)),
        environment());

    assertThat((Double) figures.get("get_vs_lettuce")).isPositive();
    assertThat(figures.get("ratio")).isEqualTo("median of per-round ratios");
    // Round 2 starts with Lettuce.
    assertThat(err.toString(StandardCharsets.UTF_8)).containsPattern("round 2/3: get \\[ lettuce=\\d+ aside=\\d+ ]");
  }

  /** Answers every read with {@code found} items per key asked for (0: a miss), at once. */
  private record Stand(String name, int found) implements ThroughputScenario.Subject {
    @Override
    public void fill(String[] keys, String[] values, String[] counters) {}

    @Override
    public int get(String key) {
      return found;
    }

    @Override
    public void put(String key, String value) {}

    @Override
    public int getAll(Set<String> keys) {
      return found * keys.size();
    }

    @Override
    public void increment(String key) {}

    @Override
    public void close() {}
  }

  /** Throws on every call. */
  private record Failing(String name) implements ThroughputScenario.Subject {
    @Override
    public void fill(String[] keys, String[] values, String[] counters) {}

    @Override
    public int get(String key) {
      throw new IllegalStateException("down");
    }

    @Override
    public void put(String key, String value) {
      throw new IllegalStateException("down");
    }

    @Override
    public int getAll(Set<String> keys) {
      throw new IllegalStateException("down");
    }

    @Override
    public void increment(String key) {
      throw new IllegalStateException("down");
    }

    @Override
    public void close() {}
  }
}
