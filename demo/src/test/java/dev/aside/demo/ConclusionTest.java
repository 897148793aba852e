package dev.aside.demo;

import static dev.aside.demo.TestRuns.seconds;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The page's "what this run shows" paragraph: built from the figures, and silent on what did not happen. */
class ConclusionTest {

    @Test
    void saysWhatEachContenderDidAroundTheOutageWithTheRunsFigures() {
        String text = Conclusion.of(ReportTableTest.outageRuns());

        assertThat(text)
                .contains("the database gets 100 queries/s from Aside and 120 from naive cache-aside")
                .contains("Aside keeps answering: its reads fall back to the database or to the gutter")
                .contains("5,000 reads answered there")
                .contains("from 100 to 250 queries/s.")
                .contains("Naive cache-aside stalls instead (4 s in which no request completed")
                .contains("Once each answers again after the restart (Redis empty), the database gets 180 queries/s"
                        + " from Aside and 1,437 from naive cache-aside")
                .contains("peaks over the run are 250 and 2,100")
                .contains("Over the whole run: Aside, 0 failed requests, p99 latency 40 ms, 0 stale reads;"
                        + " naive cache-aside, 1 failed request, p99 latency 9,000 ms, 0 stale reads.")
                .startsWith("What to conclude: Aside keeps answering through a Redis outage and pays for it with"
                        + " database load (2.5× while Redis is down) and with reads that may lag")
                .doesNotContain("favours");
    }

    @Test
    void explainsWhyWholeRunTotalsFavourAServiceThatStalled() {
        List<RunReport> runs = ReportTableTest.outageRuns();
        RunReport aside = runs.get(0);
        RunReport heavier = TestRuns.run("Aside", aside.timeline(), 9_000, 0, OptionalLong.of(10), 40);

        assertThat(Conclusion.of(List.of(heavier, runs.get(1))))
                .contains("Where a whole-run row (mean or total queries, hit ratio) favours naive cache-aside, that is"
                        + " the outage")
                .doesNotContain("lasted");
    }

    @Test
    void namesALongerRunOnlyWhenItLastedAtLeastASecondLonger() {
        List<RunReport> runs = ReportTableTest.outageRuns();
        RunReport heavier = TestRuns.run("Aside", runs.get(0).timeline(), 9_000, 0, OptionalLong.of(10), 40);
        Timeline longer = new Timeline(TestRuns.concat(runs.get(1).timeline().samples(),
                TestRuns.seconds(15, 3, 2_000, 110)), runs.get(1).timeline().events());
        RunReport naive = TestRuns.run("naive cache-aside", longer, 6_000, 1, OptionalLong.empty(), 9_000);

        assertThat(Conclusion.of(List.of(heavier, naive))).contains("in a run that lasted 3 s longer");
    }

    @Test
    void withoutAnOutageItClaimsNothingAboutOne() {
        Timeline quiet = new Timeline(seconds(1, 5, 2_000, 100), List.of());
        String text = Conclusion.of(List.of(TestRuns.run("Aside", quiet, 500, 0, OptionalLong.of(0), 4),
                TestRuns.run("naive cache-aside", quiet, 600, 0, OptionalLong.empty(), 5)));

        assertThat(text).startsWith("Over the whole run: Aside, 0 failed requests")
                .doesNotContain("Redis is down", "stalls", "What to conclude");
    }
}
