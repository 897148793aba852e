package dev.aside.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The figures a run report derives from its time series. */
class RunReportTest {

    private static RunReport report(List<RunMetrics.Event> events) {
        List<RunMetrics.Second> timeline = List.of(second(1, 100), second(2, 50), second(3, 40), second(4, 900),
                second(5, 800));
        return new RunReport("run", 5, 0, 0, 0, 0, 0, 0, 0, 0, 1_890, 0, 378, 900, 0, OptionalLong.empty(), 0,
                new RunReport.Latency(0, 0, 0, 0, 0), timeline, events, Map.of());
    }

    private static RunMetrics.Second second(int n, long dbQueries) {
        return new RunMetrics.Second(n, 0, dbQueries, 0, 0, 0, 0);
    }

    @Test
    void queriesBeforeTheOutageCountTheWholeSecondsBeforeRedisWasKilled() {
        RunReport run = report(List.of(new RunMetrics.Event(1.2, "hot user 1 evicted"),
                new RunMetrics.Event(3.4, WorkloadRun.REDIS_KILLED), new RunMetrics.Event(4.5, "Redis restarted (empty)")));

        assertThat(run.dbQueriesBeforeOutage()).hasValue(190);
    }

    @Test
    void aRunWithoutAnOutageHasNoSuchFigure() {
        assertThat(report(List.of(new RunMetrics.Event(1.2, "hot user 1 evicted"))).dbQueriesBeforeOutage()).isEmpty();
    }
}
