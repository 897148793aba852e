package dev.aside.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/** Hand-made samples and runs for the report's unit tests. */
final class TestRuns {

    private TestRuns() {
    }

    /** Second {@code n} of a run (from n - 1 to n s), with a p99 of 10 ms unless nothing completed. */
    static RunMetrics.Second second(int n, long requests, long dbQueries) {
        return sample(n, n - 1, n, requests, dbQueries);
    }

    /** A sample of any length. */
    static RunMetrics.Second sample(int n, double from, double to, long requests, long dbQueries) {
        double p99 = requests == 0 ? 0 : 10;
        return new RunMetrics.Second(n, from, to, requests, dbQueries, 0, requests == 0 ? 0 : 2, p99, p99);
    }

    /** {@code count} seconds from second {@code first} on, each with these counts. */
    static List<RunMetrics.Second> seconds(int first, int count, long requests, long dbQueries) {
        List<RunMetrics.Second> seconds = new ArrayList<>();
        for (int n = first; n < first + count; n++) {
            seconds.add(second(n, requests, dbQueries));
        }
        return seconds;
    }

    /** Redis killed and restarted at these times. */
    static List<RunMetrics.Event> outage(double killedAt, double restartedAt) {
        return List.of(new RunMetrics.Event(killedAt - 2, "hot user 1 evicted"),
                new RunMetrics.Event(killedAt, WorkloadRun.REDIS_KILLED),
                new RunMetrics.Event(restartedAt, WorkloadRun.REDIS_RESTARTED));
    }

    /** A run with this timeline and these whole-run figures. */
    static RunReport run(String name, Timeline timeline, long dbQueries, long failed, OptionalLong gutterHits,
                         double p99Millis) {
        long requests = timeline.samples().stream().mapToLong(RunMetrics.Second::requests).sum();
        double seconds = timeline.samples().isEmpty() ? 1
                : timeline.samples().get(timeline.samples().size() - 1).endSeconds();
        return new RunReport(name, name + " does things.", seconds, requests, requests, 0, 0, failed, 0, 0, 0,
                dbQueries, dbQueries, dbQueries / seconds, 0.9, OptionalLong.of(0), 0, gutterHits,
                new RunReport.Latency(2, 5, p99Millis, p99Millis, p99Millis), timeline, Map.of());
    }

    /** The list of several lists, joined. */
    @SafeVarargs
    static <T> List<T> concat(List<T>... parts) {
        List<T> all = new ArrayList<>();
        for (List<T> part : parts) {
            all.addAll(part);
        }
        return all;
    }
}
