package dev.aside.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aside.benchmarks.StampedeCheck.Report;
import java.util.List;
import org.junit.jupiter.api.Test;

class StampedeCheckTest {

  private static Report started(double offsetMillis, long inJvm, long crossJvm, long loaderCalls) {
    return new Report(0, 150, offsetMillis, offsetMillis + 1, inJvm, crossJvm, loaderCalls);
  }

  @Test
  void processesThatStartedTogetherAndAllWaitedPass() {
    List<Report> reports = List.of(started(0.4, 49, 0, 1), started(3.0, 49, 1, 0), started(12.0, 49, 1, 0));

    assertThat(StampedeCheck.startSpreadMillis(reports)).isEqualTo(11.6);
    assertThat(StampedeCheck.problems(reports, 50, 100)).isEmpty();
  }

  @Test
  void startsSpreadOverMoreThanAQuarterOfTheLoaderTimeFail() {
    List<Report> reports = List.of(started(0, 49, 0, 1), started(25.5, 49, 1, 0));

    assertThat(StampedeCheck.problems(reports, 50, 100)).singleElement().asString()
        .contains("25.5 ms apart").contains("quarter of the loader's 100 ms");
    assertThat(StampedeCheck.problems(List.of(started(0, 49, 0, 1), started(25.0, 49, 1, 0)), 50, 100)).isEmpty();
  }

  @Test
  void aProcessThatRecordedNoWaitFails() {
    // It found the value filled: it started too late to meet the load, whatever its clock said.
    List<Report> reports = List.of(started(0, 49, 0, 1), started(1, 0, 0, 0));

    assertThat(StampedeCheck.problems(reports, 50, 100)).singleElement().asString()
        .startsWith("process 2 recorded no wait");
  }

  @Test
  void aSingleThreadedProcessThatLoadedHasNobodyToWaitFor() {
    List<Report> reports = List.of(started(0, 0, 0, 1), started(1, 0, 1, 0));

    assertThat(StampedeCheck.problems(reports, 1, 100)).isEmpty();
    assertThat(StampedeCheck.problems(List.of(started(0, 0, 0, 1), started(1, 0, 0, 0)), 1, 100))
        .singleElement().asString().startsWith("process 2 recorded no wait");
  }

  @Test
  void aReportSurvivesItsLine() {
    Report report = new Report(2, 345, 0.125, 3.5, 48, 1, 1);

    assertThat(Report.parse(report.line())).isEqualTo(report);
    assertThatThrownBy(() -> Report.parse("done 0 12")).hasMessageContaining("not 7");
    assertThatThrownBy(() -> Report.parse(null)).hasMessageContaining("did not report");
  }
}
