package dev.aside.demo;

import static dev.aside.demo.TestRuns.concat;
import static dev.aside.demo.TestRuns.outage;
import static dev.aside.demo.TestRuns.sample;
import static dev.aside.demo.TestRuns.seconds;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the HTML report's charts are given, and what the page says about the contenders. */
class HtmlReportTest {

    @Test
    void theSeriesEndWithoutADropToZeroInThePartialLastSecond() {
        Timeline timeline = new Timeline(concat(seconds(1, 4, 2_000, 400), List.of(sample(5, 4.0, 4.02, 30, 3))),
                List.of());
        Map<String, Object> data = HtmlReport.data(List.of(TestRuns.run("Aside", timeline, 1_603, 0,
                OptionalLong.of(0), 10))).get(0);

        assertThat(data.get("from")).isEqualTo(List.of(0.0, 1.0, 2.0, 3.0));
        assertThat(data.get("to")).isEqualTo(List.of(1.0, 2.0, 3.0, 4.0));
        assertThat(data.get("dbQueries")).isEqualTo(List.of(400.0, 400.0, 400.0, 400.0));
        assertThat(data.get("served")).isEqualTo(List.of(2_000.0, 2_000.0, 2_000.0, 2_000.0));
    }

    @Test
    void stalledSecondsHaveNoP99AndAreGivenAsStretches() {
        Timeline timeline = new Timeline(concat(seconds(1, 2, 2_000, 400), seconds(3, 3, 0, 0),
                seconds(6, 1, 6_000, 2_000)), outage(2.5, 4.5));
        Map<String, Object> data = HtmlReport.data(List.of(TestRuns.run("naive", timeline, 2_800, 0,
                OptionalLong.empty(), 9_000))).get(0);

        assertThat(data.get("p99")).isEqualTo(Arrays.asList(10.0, 10.0, null, null, null, 10.0));
        assertThat(data.get("stalled")).isEqualTo(List.of(List.of(2.0, 5.0)));
        assertThat(data.get("outage")).isEqualTo(List.of(2.5, 4.5));
        assertThat(data.get("phases")).isEqualTo(List.of(400.0, 0.0, 2_000.0));
        assertThat(data.get("phasesStalled")).isEqualTo(List.of(0L, 2L, 0L));
    }

    @Test
    void thePageDefinesBothContendersAndSaysWhatToConclude(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("report.html");
        HtmlReport.write(file, ReportTableTest.outageRuns(), "Two runs of 14 s each.");
        String html = Files.readString(file);

        assertThat(html).contains("<dt>Aside</dt><dd>Aside does things.</dd>",
                "<dt>naive cache-aside</dt><dd>naive cache-aside does things.</dd>",
                Conclusion.of(ReportTableTest.outageRuns()), "DB queries/s during the outage",
                "<canvas id=\"phases\"");
    }
}
