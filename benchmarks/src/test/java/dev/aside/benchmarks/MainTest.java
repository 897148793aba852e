package dev.aside.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MainTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @TempDir
  Path results;

  private int run(String... args) {
    return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  @Timeout(120)
  void throughputRunsAndEndsWithItsFiguresAsJson() throws Exception {
    int code = run("throughput", "--seconds", "0.2", "--rounds", "2", "--threads", "2",
        "--results-dir", results.toString());

    JsonNode json = lastLine(code);
    assertThat(out.toString(StandardCharsets.UTF_8).lines()).anySatisfy(line -> assertThat(line).startsWith("get "));
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
    // A run with an error or an empty read fails instead of printing figures.
    assertThat(json.path("errors").asLong()).isZero();
    assertThat(json.path("empty_reads").asLong()).isZero();

    JsonNode record = new ObjectMapper().readTree(Files.readString(
        results.resolve("throughput_seconds-0.2_rounds-2_threads-2.json")));
    assertThat(record.path("command").asText()).isEqualTo("java -jar benchmarks/target/benchmarks.jar throughput "
        + "--seconds 0.2 --rounds 2 --threads 2 --results-dir " + results);
    assertThat(record.path("load_average_1_5_15_min_at_start").isArray()).isTrue();
    assertThat(record.path("java").asText()).isNotBlank();
    assertThat(record.path("redis").asText()).matches("\\d+\\.\\d+\\.\\d+");
    assertThat(record.path("versions").path("lettuce").asText()).isNotBlank();
    assertThat(record.path("output").toString()).contains("aside/lettuce");
    assertThat(record.path("figures")).isEqualTo(json);
  }

  @ParameterizedTest
  @ValueSource(strings = {"loader", "function"})
  @Timeout(120)
  void stampedeReportsWhenEachProcessStartedAndHowItWaited(String via) throws Exception {
    int code = run("stampede", "--via", via, "--processes", "2", "--threads", "5", "--loader-ms", "400",
        "--results-dir", "off");

    JsonNode json = lastLine(code);
    assertThat(json.path("via").asText()).isEqualTo(via);
    assertThat(json.path("loader_calls").asLong()).isEqualTo(1);
    assertThat(json.path("start_offsets_ms")).hasSize(2);
    assertThat(json.path("start_spread_ms").asDouble()).isLessThanOrEqualTo(100);
    for (String field : List.of("in_jvm_waits", "cross_jvm_waits", "loader_calls_per_process")) {
      assertThat(json.path(field)).as(field).hasSize(2);
    }
    // Every process met the load in flight: the one that loaded waited in the JVM, the other across JVMs.
    assertThat(json.path("in_jvm_waits").get(0).asLong() + json.path("cross_jvm_waits").get(0).asLong()).isPositive();
    assertThat(json.path("in_jvm_waits").get(1).asLong() + json.path("cross_jvm_waits").get(1).asLong()).isPositive();
  }

  @Test
  @Timeout(120)
  void outageFindsStaleValuesInARevivedRedisAndServesNone() throws Exception {
    int code = run("outage", "--fault-at", "2", "--recover-at", "6", "--duration", "11", "--results-dir", "off");

    JsonNode json = lastLine(code);
    assertThat(json.path("fault").asText()).isEqualTo("pause");
    assertThat(json.path("stale_keys_in_redis_at_recovery").asLong())
        .as("Redis comes back with values the writers invalidated meanwhile").isPositive();
    assertThat(json.path("stale_reads_after_recovery").asLong()).isZero();
    assertThat(json.path("failed_reads").asLong()).isZero();
    assertThat(json.path("circuit_opens").asLong()).isPositive();
  }

  private JsonNode lastLine(int code) throws Exception {
    assertThat(code).as("exit code; stderr:%n%s", err.toString(StandardCharsets.UTF_8)).isZero();
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    return new ObjectMapper().readTree(lines.get(lines.size() - 1));
  }

  @Test
  @Timeout(120)
  void throughputRunsOnAPrivateClusterWithLettucesAndRedissonsClusterClients() throws Exception {
    int code = run("throughput", "--cluster", "--systems", "lettuce,redisson", "--ops", "get,getall",
        "--seconds", "0.2", "--warmup", "0.2", "--rounds", "1", "--threads", "2", "--results-dir", results.toString());

    JsonNode json = lastLine(code);
    assertThat(json.path("cluster").asBoolean()).isTrue();
    for (String system : List.of("lettuce", "redisson")) {
      for (String op : List.of("get", "getall")) {
        assertThat(json.path(system + "_" + op + "_ops").asLong()).as(system + " " + op).isPositive();
      }
    }
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("started a private Redis Cluster: 3 nodes, 3 masters");
    JsonNode record = new ObjectMapper().readTree(Files.readString(
        results.resolve("throughput_cluster_systems-lettuce+redisson_ops-get+getall_seconds-0.2_warmup-0.2_rounds-1"
            + "_threads-2.json")));
    assertThat(record.path("redis").asText()).matches("\\d+\\.\\d+\\.\\d+");
    assertThat(record.path("command").asText()).startsWith("java -jar benchmarks/target/benchmarks.jar throughput "
        + "--cluster --systems");
  }

  @Test
  void aClusterIsOnlyForTheScenariosThatRunOnOne() {
    assertThat(run("outage", "--cluster")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("outage does not run on a Redis Cluster");
    assertThat(run("near", "--uri", "redis-cluster://127.0.0.1:1,127.0.0.1:2")).isEqualTo(2);
    assertThat(run("throughput", "--cluster", "--uri", "redis://127.0.0.1:1")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--cluster with a standalone --uri");
    assertThat(run("failover", "--uri", "redis-cluster://:s3cret@127.0.0.1:1")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("failover starts the cluster it runs on")
        .doesNotContain("s3cret");
    assertThat(run("throughput", "--cluster=maybe")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--cluster takes no value");
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
    assertThat(run("stampede", "--via", "callable")).isEqualTo(2);
    assertThat(run("throughput", "--seconds")).isEqualTo(2);
    assertThat(run()).isEqualTo(2);
  }
}
