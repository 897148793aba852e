package dev.aside.demo;

import static dev.aside.demo.TestRuns.concat;
import static dev.aside.demo.TestRuns.outage;
import static dev.aside.demo.TestRuns.sample;
import static dev.aside.demo.TestRuns.second;
import static dev.aside.demo.TestRuns.seconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The figures a run derives from its time series: rates, the partial last sample, stalls, the outage's phases. */
class TimelineTest {

    @Test
    void queriesBeforeTheOutageCountTheSecondsBeforeRedisWasKilled() {
        Timeline timeline = new Timeline(List.of(second(1, 10, 100), second(2, 10, 50), second(3, 10, 40),
                second(4, 10, 900), second(5, 10, 800)), outage(3.4, 4.5));

        assertThat(timeline.dbQueriesBeforeOutage()).hasValue(190);
    }

    @Test
    void aRunWithoutAnOutageHasNoOutageFigures() {
        Timeline timeline = new Timeline(seconds(1, 5, 10, 100),
                List.of(new RunMetrics.Event(1.2, "hot user 1 evicted")));

        assertThat(timeline.dbQueriesBeforeOutage()).isEmpty();
        assertThat(timeline.outage()).isEmpty();
        for (Timeline.Phase phase : Timeline.Phase.values()) {
            assertThat(timeline.dbQueriesPerSecond(phase)).as(phase.label()).isEmpty();
            assertThat(timeline.stalledSeconds(phase)).as(phase.label()).isZero();
        }
    }

    @Test
    void theLastPartialSecondIsScaledToARateOrLeftOutWhenTooShort() {
        List<RunMetrics.Second> samples = concat(seconds(1, 3, 2_000, 400),
                List.of(sample(4, 3.0, 3.8, 1_600, 320), sample(5, 3.8, 3.83, 12, 2)));
        Timeline timeline = new Timeline(samples, List.of());

        assertThat(timeline.charted()).extracting(RunMetrics.Second::second).containsExactly(1, 2, 3, 4);
        assertThat(timeline.charted()).allSatisfy(second ->
                assertThat(second.perSecond(second.dbQueries())).isCloseTo(400, within(0.001)));
        assertThat(timeline.peakDbQueriesPerSecond()).isEqualTo(400);
    }

    @Test
    void aLateSampleIsAsLongAsItReallyWasNotASpike() {
        Timeline timeline = new Timeline(List.of(second(1, 1_000, 400), sample(2, 1.0, 2.3, 1_300, 520),
                sample(3, 2.3, 3.0, 700, 280)), List.of());

        assertThat(timeline.peakDbQueriesPerSecond()).isEqualTo(400);
    }

    @Test
    void secondsInWhichNothingCompletedAreStalledAndJoinedIntoStretches() {
        Timeline timeline = new Timeline(concat(seconds(1, 3, 2_000, 400), seconds(4, 4, 0, 0),
                seconds(8, 2, 4_000, 2_000), seconds(10, 1, 0, 0), List.of(sample(11, 10.0, 10.1, 0, 0))),
                List.of());

        assertThat(timeline.stalledSeconds()).isEqualTo(5);
        assertThat(timeline.stalledSpans()).containsExactly(new Timeline.Span(3, 7), new Timeline.Span(9, 10));
    }

    @Test
    void beforeDuringAndAfterAreWindowsAsLongAsTheOutage() {
        Timeline timeline = new Timeline(concat(seconds(1, 5, 2_000, 100), seconds(6, 3, 2_000, 1_000),
                seconds(9, 3, 2_000, 300), seconds(12, 3, 2_000, 50)), outage(5.02, 8.02));

        assertThat(timeline.phase(Timeline.Phase.BEFORE)).hasValueSatisfying(before -> {
            assertThat(before.from()).isCloseTo(2.02, within(1e-9));
            assertThat(before.to()).isEqualTo(5.02);
        });
        assertThat(timeline.dbQueriesPerSecond(Timeline.Phase.BEFORE)).hasValue(100);
        assertThat(timeline.dbQueriesPerSecond(Timeline.Phase.DURING)).hasValue(1_000);
        assertThat(timeline.dbQueriesPerSecond(Timeline.Phase.AFTER)).hasValue(300);
    }

    @Test
    void aStalledOutageIsCountedPerPhase() {
        Timeline timeline = new Timeline(concat(seconds(1, 5, 2_000, 100), seconds(6, 3, 0, 0),
                seconds(9, 1, 0, 0), seconds(10, 2, 6_000, 2_400)), outage(5.02, 8.02));

        assertThat(timeline.dbQueriesPerSecond(Timeline.Phase.DURING)).hasValue(0);
        assertThat(timeline.stalledSeconds(Timeline.Phase.DURING)).isEqualTo(3);
    }

    @Test
    void afterAStallTheAfterWindowStartsWhenTheServiceAnswersAgainSoItsBacklogShows() {
        Timeline timeline = new Timeline(concat(seconds(1, 5, 2_000, 100), seconds(6, 5, 0, 0),
                seconds(11, 2, 6_000, 2_400), seconds(13, 5, 2_000, 100)), outage(5.02, 8.02));

        assertThat(timeline.phase(Timeline.Phase.AFTER)).hasValue(new Timeline.Span(10, 13));
        assertThat(timeline.dbQueriesPerSecond(Timeline.Phase.AFTER)).hasValue((2_400 + 2_400 + 100) / 3.0);
        assertThat(timeline.stalledSeconds(Timeline.Phase.AFTER)).isZero();
    }

    @Test
    void aServiceThatNeverAnswersAgainHasNoAfterFigure() {
        Timeline timeline = new Timeline(concat(seconds(1, 5, 2_000, 100), seconds(6, 8, 0, 0)),
                outage(5.02, 8.02));

        assertThat(timeline.phase(Timeline.Phase.AFTER)).isEmpty();
        assertThat(timeline.dbQueriesPerSecond(Timeline.Phase.AFTER)).isEmpty();
    }

    @Test
    void anOutageWithoutRestartLastsToTheRunsEnd() {
        Timeline timeline = new Timeline(seconds(1, 10, 2_000, 100),
                List.of(new RunMetrics.Event(6.0, WorkloadRun.REDIS_KILLED)));

        assertThat(timeline.outage()).hasValue(new Timeline.Span(6.0, 10.0));
        assertThat(timeline.dbQueriesPerSecond(Timeline.Phase.AFTER)).isEmpty();
    }
}
