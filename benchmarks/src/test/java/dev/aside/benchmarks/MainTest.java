package dev.aside.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class MainTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  @Timeout(120)
  void throughputRunsAndEndsWithItsFiguresAsJson() throws Exception {
    int code = run("throughput", "--seconds", "0.2", "--rounds", "1", "--threads", "2");

    String stdout = out.toString(StandardCharsets.UTF_8);
    assertThat(code).as("exit code; stderr:%n%s", err.toString(StandardCharsets.UTF_8)).isZero();
    List<String> lines = stdout.lines().toList();
    assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("get "));
    JsonNode json = new ObjectMapper().readTree(lines.get(lines.size() - 1));
    assertThat(json.path("scenario").asText()).isEqualTo("throughput");
    for (String field : List.of("get_vs_lettuce", "put_vs_lettuce", "getall_vs_lettuce", "invoke_vs_lettuce",
        "get_vs_redisson", "put_vs_redisson", "getall_vs_redisson", "invoke_vs_redisson")) {
      assertThat(json.path(field).asDouble()).as(field).isGreaterThan(0);
    }
    for (String system : List.of("aside", "lettuce", "redisson", "caffeine")) {
      for (String op : List.of("get", "put", "getall", "invoke")) {
        assertThat(json.path(system + "_" + op + "_ops").asLong()).as(system + " " + op).isPositive();
      }
    }
    // Errors (e.g. command timeouts on a machine busy with other builds) are counted, not asserted.
    assertThat(json.has("errors")).isTrue();
  }

  @Test
  void unknownScenarioIsAUsageError() {
    assertThat(run("no-such-scenario")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown scenario").contains("Usage:");
  }

  @Test
  void unknownOptionIsAUsageError() {
    assertThat(run("throughput", "--thraeds", "2")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option --thraeds").contains("Usage:");
  }

  @Test
  void badOptionValueIsAUsageError() {
    assertThat(run("throughput", "--threads", "many")).isEqualTo(2);
    assertThat(run("throughput", "--seconds")).isEqualTo(2);
    assertThat(run()).isEqualTo(2);
  }
}
