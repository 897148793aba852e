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
}
