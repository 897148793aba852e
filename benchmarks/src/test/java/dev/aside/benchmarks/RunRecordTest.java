package dev.aside.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RunRecordTest {

  @Test
  void theFileIsNamedAfterTheScenarioAndTheOptionsGiven() {
    assertThat(RunRecord.fileName("outage", List.of())).isEqualTo("outage.json");
    assertThat(RunRecord.fileName("stampede", List.of("--processes", "1", "--threads=200")))
        .isEqualTo("stampede_processes-1_threads-200.json");
    assertThat(RunRecord.fileName("throughput", List.of("--systems", "aside,lettuce", "--results-dir", "/tmp/x")))
        .isEqualTo("throughput_systems-aside+lettuce.json");
  }

  @Test
  void theUriIsNeitherInTheNameNorInTheCommandKept() {
    List<String> options = List.of("--uri", "redis://:s3cret@10.0.0.1:6379", "--rounds=3");

    assertThat(RunRecord.fileName("near", options)).isEqualTo("near_rounds-3.json");
    assertThat(RunRecord.command("near", options))
        .isEqualTo("java -jar benchmarks/target/benchmarks.jar near --rounds 3");
  }

  @Test
  void aFlagIsItsNameAndAClusterUriNamesTheFileAsTheFlagDoes() {
    assertThat(RunRecord.fileName("throughput", List.of("--cluster", "--rounds", "3")))
        .isEqualTo("throughput_cluster_rounds-3.json");
    assertThat(RunRecord.fileName("throughput", List.of("--uri", "redis-cluster://:pw@h:1,h:2", "--rounds", "3")))
        .isEqualTo("throughput_rounds-3_cluster.json");
    assertThat(RunRecord.fileName("throughput", List.of("--cluster=false"))).isEqualTo("throughput.json");
    assertThat(RunRecord.command("throughput", List.of("--cluster", "--uri", "redis-cluster://:pw@h:1", "--rounds=3")))
        .isEqualTo("java -jar benchmarks/target/benchmarks.jar throughput --cluster --rounds 3");
  }
}
