package dev.aside.demo;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.HdrHistogram.Histogram;

/**
 * The outcome of one run, as compared in the table and the HTML report.
 *
 * <p>Hit ratio is 1 - database lookups / reads served; negative hits are reads of missing ids answered without a
 * database lookup; failed requests include requests still unserved when the run gave up waiting.
 */
record RunReport(String name, double seconds, long requests, long reads, long missingReads, long updates,
                 long failedReads, long failedUpdates, long unserved, long staleReads, long dbQueries,
                 long dbLookups, double dbMeanPerSecond, long dbPeakPerSecond, double hitRatio,
                 OptionalLong coalescedLoads, long negativeHits, Latency latency, List<RunMetrics.Second> timeline,
                 List<RunMetrics.Event> events, Map<String, Long> failureReasons) {

    /** Request latency percentiles, in milliseconds. */
    record Latency(double p50, double p90, double p99, double p999, double max) {

        static Latency of(Histogram micros) {
            if (micros.getTotalCount() == 0) {
                return new Latency(0, 0, 0, 0, 0);
            }
            return new Latency(millis(micros, 50), millis(micros, 90), millis(micros, 99), millis(micros, 99.9),
                    micros.getMaxValue() / 1000.0);
        }

        private static double millis(Histogram micros, double percentile) {
            return micros.getValueAtPercentile(percentile) / 1000.0;
        }
    }

    /** Summarizes a finished run. */
    static RunReport of(String name, RunMetrics metrics, UserDatabase database,
                        OptionalLong coalescedLoads, double seconds) {
        List<RunMetrics.Second> timeline = metrics.seconds();
        long peak = timeline.stream().mapToLong(RunMetrics.Second::dbQueries).max().orElse(0);
        long served = metrics.reads() + metrics.missingReads();
        double hitRatio = served == 0 ? 0 : Math.max(0, 1 - (double) database.lookups() / served);
        long negativeHits = Math.max(0, metrics.missingReads() - database.emptyLookups());
        return new RunReport(name, seconds, metrics.requests() + metrics.unserved(), metrics.reads(),
                metrics.missingReads(), metrics.updates(), metrics.failedReads(), metrics.failedUpdates(),
                metrics.unserved(), metrics.staleReads(), database.queries(), database.lookups(),
                database.queries() / seconds, peak, hitRatio, coalescedLoads, negativeHits,
                Latency.of(metrics.latencies()), timeline, metrics.events(), metrics.failureReasons());
    }

    /**
     * Database queries in the whole seconds before Redis was killed: the part of the run where both contenders
     * face the same, healthy system. Empty when the run had no outage (a Redis that is not the demo's own).
     */
    OptionalLong dbQueriesBeforeOutage() {
        OptionalDouble killedAt = events.stream()
                .filter(event -> event.what().equals(WorkloadRun.REDIS_KILLED))
                .mapToDouble(RunMetrics.Event::atSeconds)
                .findFirst();
        if (killedAt.isEmpty()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(timeline.stream()
                .filter(second -> second.second() <= killedAt.getAsDouble())
                .mapToLong(RunMetrics.Second::dbQueries)
                .sum());
    }

    /** Failed requests: reads and updates that threw, plus requests never started. */
    long failedRequests() {
        return failedReads + failedUpdates + unserved;
    }
}
