package dev.aside.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the whole demo for a few seconds: both runs reported, the HTML written, and Aside's run clean. */
class DemoSmokeTest {

    @Test
    void runsBothContendersAndWritesTheReport(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("demo-report.html");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        DemoOptions options = DemoOptions.parse("--duration", "3", "--threads", "4", "--report", report.toString());

        AsideDemo.Result result;
        try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
            result = AsideDemo.run(options, out, false);
        }
        String output = printed.toString(StandardCharsets.UTF_8);
        System.out.println(output);

        assertThat(report).isRegularFile();
        String html = Files.readString(report);
        assertThat(html).contains("Chart.js v4", "<canvas id=\"db\"", "<canvas id=\"phases\"", "Aside",
                "naive cache-aside", "Gutter on (outage-ttl 5 s)", "Lettuce's default client options");
        assertThat(result.table()).contains("Aside", "naive cache-aside", "stale reads", "failed requests",
                "DB queries before the outage", "DB queries/s during the outage", "gutter hits", "seconds stalled");
        assertThat(result.runs()).allSatisfy(run -> {
            assertThat(run.timeline().dbQueriesBeforeOutage()).isPresent();
            assertThat(run.timeline().dbQueriesPerSecond(Timeline.Phase.DURING)).isPresent();
        });
        assertThat(output).contains(result.table());
        assertThat(output.replace(System.lineSeparator(), " ").replace('\n', ' '))
                .as("the conclusion, word-wrapped below the table").contains("Over the whole run: Aside, ");
        assertThat(result.runs()).extracting(RunReport::name).containsExactly("Aside", "naive cache-aside");
        assertThat(result.runs()).allSatisfy(run -> assertThat(run.requests()).isPositive());

        RunReport aside = result.runs().get(0);
        SoftAssertions.assertSoftly(softly -> {
            softly.assertThat(aside.failedRequests())
                    .as("Aside's failed requests (reads %d, updates %d, never started %d; causes %s)",
                            aside.failedReads(), aside.failedUpdates(), aside.unserved(), aside.failureReasons())
                    .isZero();
            softly.assertThat(aside.staleReads()).as("Aside's stale reads").isZero();
        });
    }
}
