package dev.aside.demo;

import java.util.Map;
import java.util.OptionalLong;
import org.HdrHistogram.Histogram;

/**
 * The outcome of one run, as compared in the table and the HTML report.
 *
 * <p>Hit ratio is 1 - database lookups / reads served; negative hits are reads of missing ids answered without a
 * database lookup; gutter hits are reads answered from the JVM while Redis was down (Aside's {@code outage-ttl});
 * failed requests include requests still unserved when the run gave up waiting.
 */
record RunReport(String name, String description, double seconds, long requests, long reads, long missingReads,
                 long updates, long failedReads, long failedUpdates, long unserved, long staleReads, long dbQueries,
                 long dbLookups, double dbMeanPerSecond, double hitRatio, OptionalLong coalescedLoads,
                 long negativeHits, OptionalLong gutterHits, Latency latency, Timeline timeline,
                 Map<String, Long> failureReasons) {

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

    /** Summarizes a finished run of {@code service}. */
    static RunReport of(UserService service, RunMetrics metrics, UserDatabase database, double seconds) {
        long served = metrics.reads() + metrics.missingReads();
        double hitRatio = served == 0 ? 0 : Math.max(0, 1 - (double) database.lookups() / served);
        long negativeHits = Math.max(0, metrics.missingReads() - database.emptyLookups());
        return new RunReport(service.name(), service.description(), seconds,
                metrics.requests() + metrics.unserved(), metrics.reads(), metrics.missingReads(), metrics.updates(),
                metrics.failedReads(), metrics.failedUpdates(), metrics.unserved(), metrics.staleReads(),
                database.queries(), database.lookups(), database.queries() / seconds, hitRatio,
                service.coalescedLoads(), negativeHits, service.gutterHits(), Latency.of(metrics.latencies()),
                new Timeline(metrics.seconds(), metrics.events()), metrics.failureReasons());
    }

    /** Failed requests: reads and updates that threw, plus requests never started. */
    long failedRequests() {
        return failedReads + failedUpdates + unserved;
    }
}
