package dev.aside.demo;

import static dev.aside.demo.TestRuns.concat;
import static dev.aside.demo.TestRuns.outage;
import static dev.aside.demo.TestRuns.seconds;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The console table: the database load around the outage, stalls and gutter hits, side by side. */
class ReportTableTest {

    /**
     * Aside keeps serving through a 3 s outage (from 5 s to 8 s) at a higher load; the naive service stalls from
     * 5 s to 9 s, then floods the database with its backlog.
     */
    static List<RunReport> outageRuns() {
        Timeline aside = new Timeline(concat(seconds(1, 5, 2_000, 100), seconds(6, 3, 2_000, 250),
                seconds(9, 3, 2_000, 180), seconds(12, 3, 2_000, 100)), outage(5.02, 8.02));
        Timeline naive = new Timeline(concat(seconds(1, 5, 2_000, 120), seconds(6, 4, 0, 0),
                seconds(10, 2, 5_000, 2_100), seconds(12, 3, 2_000, 110)), outage(5.02, 8.02));
        return List.of(TestRuns.run("Aside", aside, 2_700, 0, OptionalLong.of(5_000), 40),
                TestRuns.run("naive cache-aside", naive, 5_700, 1, OptionalLong.empty(), 9_000));
    }

    @Test
    void showsTheDatabaseLoadBeforeDuringAndAfterTheOutageForBoth() {
        String table = ReportTable.render(outageRuns());

        assertThat(table).containsPattern("DB queries/s just before the outage +100 +120\n")
                .containsPattern("DB queries/s during the outage +250 +0 \\(3 s stalled\\)\n")
                .containsPattern("DB queries/s after the outage, once answering +180 +1,437\n")
                .containsPattern("DB queries/s, peak +250 +2,100\n")
                .containsPattern("gutter hits +5,000 +n/a\n")
                .containsPattern("seconds stalled +0 +4\n");
    }

    @Test
    void aRunWithoutAnOutageHasNoPhaseFigures() {
        Timeline timeline = new Timeline(seconds(1, 5, 2_000, 100), List.of());
        String table = ReportTable.render(List.of(TestRuns.run("Aside", timeline, 500, 0, OptionalLong.of(0), 4)));

        assertThat(table).containsPattern("DB queries/s during the outage +n/a\n");
    }
}
