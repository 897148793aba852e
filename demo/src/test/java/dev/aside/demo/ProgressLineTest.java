package dev.aside.demo;

import static dev.aside.demo.TestRuns.second;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The live status line: what a user watching a run sees each second. */
class ProgressLineTest {

    @Test
    void aSecondInWhichNothingCompletedSaysStalledNotAZeroP99() {
        String line = ProgressLine.line("naive cache-aside", second(38, 0, 0), 60, 1, 6, true);

        assertThat(line).contains("p99     stalled |").doesNotContain("0.0 ms").contains("REDIS DOWN");
    }

    @Test
    void aSecondThatServedShowsItsRatesAndP99() {
        String line = ProgressLine.line("Aside", second(5, 2_000, 400), 60, 0, 0, false);

        assertThat(line).contains("5/60 s", "2,000 req/s", "DB   400 q/s", "p99     10.0 ms").doesNotContain("stalled");
    }

    @Test
    void ratesAreOverTheSamplesRealLength() {
        String line = ProgressLine.line("Aside", TestRuns.sample(7, 6.0, 7.25, 2_500, 500), 60, 0, 0, false);

        assertThat(line).contains("2,000 req/s", "DB   400 q/s");
    }
}
