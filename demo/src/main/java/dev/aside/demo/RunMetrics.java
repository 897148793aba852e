package dev.aside.demo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/** What one run measures while it goes: request outcomes, latencies, and a per-second time series. */
final class RunMetrics {

    /**
     * One sample of the time series: normally one second of the run, from {@code startSeconds} to
     * {@code endSeconds} after the run's start; the last one, taken when the run ends, is usually shorter.
     * Counts are of requests that completed (served or failed) and of queries made within the sample.
     */
    record Second(int second, double startSeconds, double endSeconds, long requests, long dbQueries, long failures,
                  double p50Millis, double p99Millis, double maxMillis) {

        double lengthSeconds() {
            return endSeconds - startSeconds;
        }

        /** Mid-sample, where a chart plots it. */
        double midSeconds() {
            return (startSeconds + endSeconds) / 2;
        }

        /** No request completed in this sample: the service was stuck (its percentiles are then 0, not measured). */
        boolean stalled() {
            return requests == 0;
        }

        /** A count of this sample as a rate per second of its real length. */
        double perSecond(long count) {
            return count / lengthSeconds();
        }
    }

    /** Something the run did to the system at a point in time. */
    record Event(double atSeconds, String what) {
    }

    private static final int MAX_REASON_LENGTH = 160;

    private final UserDatabase database;
    private final long startNanos;
    private final Recorder latencyMicros = new Recorder(3);
    private final Histogram total = new Histogram(3);
    private final LongAdder reads = new LongAdder();
    private final LongAdder missingReads = new LongAdder();
    private final LongAdder updates = new LongAdder();
    private final LongAdder failedReads = new LongAdder();
    private final LongAdder failedUpdates = new LongAdder();
    private final LongAdder unserved = new LongAdder();
    private final LongAdder stale = new LongAdder();
    private final Map<String, LongAdder> failureReasons = new ConcurrentHashMap<>();
    private final List<Second> seconds = new ArrayList<>();
    private final List<Event> events = new ArrayList<>();
    private Histogram interval;
    private long lastQueries;
    private long lastRequests;
    private long lastFailures;
    private long lastSampleNanos;

    /** Metrics of a run whose schedule starts at {@code startNanos} ({@link System#nanoTime()}). */
    RunMetrics(UserDatabase database, long startNanos) {
        this.database = database;
        this.startNanos = startNanos;
        this.lastQueries = database.queries();
        this.lastSampleNanos = startNanos;
    }

    /** A read that returned; {@code missing} when it was for an id that does not exist. */
    void readServed(boolean missing, long latencyNanos) {
        (missing ? missingReads : reads).increment();
        record(latencyNanos);
    }

    void updateServed(long latencyNanos) {
        updates.increment();
        record(latencyNanos);
    }

    void readFailed(Exception cause, long latencyNanos) {
        failedReads.increment();
        reason("read", cause);
        record(latencyNanos);
    }

    void updateFailed(Exception cause, long latencyNanos) {
        failedUpdates.increment();
        reason("update", cause);
        record(latencyNanos);
    }

    /** Requests still scheduled when the run had to stop. */
    void unserved(long count) {
        unserved.add(count);
    }

    void staleRead() {
        stale.increment();
    }

    synchronized void event(double atSeconds, String what) {
        events.add(new Event(atSeconds, what));
    }

    /** Closes the current sample of the time series (normally a second) and returns it. */
    synchronized Second sample() {
        long now = System.nanoTime();
        interval = latencyMicros.getIntervalHistogram(interval);
        total.add(interval);
        long queries = database.queries();
        long requests = requests();
        long failures = failures();
        boolean empty = interval.getTotalCount() == 0;
        Second second = new Second(seconds.size() + 1, (lastSampleNanos - startNanos) / 1e9,
                (now - startNanos) / 1e9, requests - lastRequests, queries - lastQueries, failures - lastFailures,
                empty ? 0 : interval.getValueAtPercentile(50) / 1000.0,
                empty ? 0 : interval.getValueAtPercentile(99) / 1000.0, empty ? 0 : interval.getMaxValue() / 1000.0);
        lastQueries = queries;
        lastRequests = requests;
        lastFailures = failures;
        lastSampleNanos = now;
        seconds.add(second);
        return second;
    }

    synchronized List<Second> seconds() {
        return List.copyOf(seconds);
    }

    synchronized List<Event> events() {
        return List.copyOf(events);
    }

    /** All latencies recorded up to the last {@link #sample()}, in microseconds. */
    synchronized Histogram latencies() {
        return total.copy();
    }

    long requests() {
        return reads.sum() + missingReads.sum() + updates.sum() + failedReads.sum() + failedUpdates.sum();
    }

    long reads() {
        return reads.sum();
    }

    long missingReads() {
        return missingReads.sum();
    }

    long updates() {
        return updates.sum();
    }

    long failedReads() {
        return failedReads.sum();
    }

    long failedUpdates() {
        return failedUpdates.sum();
    }

    long unserved() {
        return unserved.sum();
    }

    long failures() {
        return failedReads.sum() + failedUpdates.sum();
    }

    long staleReads() {
        return stale.sum();
    }

    /** Failure causes, most frequent first. */
    Map<String, Long> failureReasons() {
        Map<String, Long> sorted = new LinkedHashMap<>();
        failureReasons.entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue().sum(), a.getValue().sum()))
                .forEach(entry -> sorted.put(entry.getKey(), entry.getValue().sum()));
        return sorted;
    }

    private void record(long latencyNanos) {
        latencyMicros.recordValue(Math.max(1, latencyNanos / 1000));
    }

    private void reason(String operation, Exception cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = operation + ": " + cause.getClass().getSimpleName()
                + (root != cause ? " <- " + root.getClass().getSimpleName() : "")
                + (root.getMessage() == null ? "" : ": " + root.getMessage());
        if (text.length() > MAX_REASON_LENGTH) {
            text = text.substring(0, MAX_REASON_LENGTH) + "…";
        }
        failureReasons.computeIfAbsent(text, key -> new LongAdder()).increment();
    }
}
