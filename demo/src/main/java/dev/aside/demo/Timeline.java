package dev.aside.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * A run's time series as the table and the charts read it: rates over each sample's real length, stalled seconds
 * marked, and the database load before, during and after the Redis outage.
 *
 * <p>Samples are normally one second long. The last one, taken when the run ends, holds whatever was left, often
 * a few milliseconds: as a rate it would be noise, or a drop to 0 that never happened. Samples shorter than
 * {@link #MIN_SAMPLE_SECONDS} are therefore left out of the charted series, the peak and the phase rates (their
 * queries still count in the run's totals); longer ones are divided by their real length, so a sample the
 * sampler took late is not a spike.
 *
 * <p>A sample in which no request completed is <em>stalled</em>: its latency percentiles are not measurements (no
 * request to measure), and a chart must say "stalled" there rather than draw a 0.
 *
 * <p>Phases: the outage runs from the {@link WorkloadRun#REDIS_KILLED} event to the
 * {@link WorkloadRun#REDIS_RESTARTED} one (or the run's end); "before" is a window of the same length just before
 * it, and "after" one of the same length from the moment the service answers again after the restart: right at
 * the restart for a service that kept answering, at the end of its stall for one that stalled, so that the load
 * a stalled service sends when it resumes (its backlog) is not hidden behind its stall. The three rates compare
 * like with like. A sample belongs to the phase its middle falls in.
 */
record Timeline(List<RunMetrics.Second> samples, List<RunMetrics.Event> events) {

    /** Samples shorter than this are too short for a per-second rate. */
    static final double MIN_SAMPLE_SECONDS = 0.5;

    /** A part of the run around the outage. */
    enum Phase {
        BEFORE("before"), DURING("during"), AFTER("after");

        private final String label;

        Phase(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }
    }

    /** A stretch of the run, in seconds from its start: {@code from} inclusive, {@code to} exclusive. */
    record Span(double from, double to) {

        boolean contains(double at) {
            return at >= from && at < to;
        }
    }

    Timeline {
        samples = List.copyOf(samples);
        events = List.copyOf(events);
    }

    /** The samples long enough to show as per-second rates, in order. */
    List<RunMetrics.Second> charted() {
        return samples.stream().filter(second -> second.lengthSeconds() >= MIN_SAMPLE_SECONDS).toList();
    }

    /** The highest database load of a charted sample, in queries per second. */
    long peakDbQueriesPerSecond() {
        return Math.round(charted().stream().mapToDouble(second -> second.perSecond(second.dbQueries()))
                .max().orElse(0));
    }

    /** Charted samples (normally seconds) in which no request completed. */
    long stalledSeconds() {
        return charted().stream().filter(RunMetrics.Second::stalled).count();
    }

    /** Charted samples of a phase in which no request completed; 0 when the run had no outage. */
    long stalledSeconds(Phase phase) {
        return in(phase).stream().filter(RunMetrics.Second::stalled).count();
    }

    /** The stretches of consecutive stalled samples, for a chart to mark. */
    List<Span> stalledSpans() {
        List<Span> spans = new ArrayList<>();
        boolean previousStalled = false;
        for (RunMetrics.Second second : charted()) {
            if (second.stalled() && previousStalled) {
                Span last = spans.remove(spans.size() - 1);
                spans.add(new Span(last.from(), second.endSeconds()));
            } else if (second.stalled()) {
                spans.add(new Span(second.startSeconds(), second.endSeconds()));
            }
            previousStalled = second.stalled();
        }
        return spans;
    }

    /** From Redis's kill to its restart (or the end of the run); empty when the run had no outage. */
    Optional<Span> outage() {
        OptionalDouble killed = at(WorkloadRun.REDIS_KILLED);
        if (killed.isEmpty()) {
            return Optional.empty();
        }
        OptionalDouble restarted = at(WorkloadRun.REDIS_RESTARTED);
        double end = restarted.isPresent() ? restarted.getAsDouble()
                : samples.isEmpty() ? killed.getAsDouble() : samples.get(samples.size() - 1).endSeconds();
        return Optional.of(new Span(killed.getAsDouble(), Math.max(killed.getAsDouble(), end)));
    }

    /** The window of a phase; empty when the run had no outage, or (after) never answered again after it. */
    Optional<Span> phase(Phase phase) {
        return outage().flatMap(outage -> {
            double length = outage.to() - outage.from();
            return switch (phase) {
                case BEFORE -> Optional.of(new Span(outage.from() - length, outage.from()));
                case DURING -> Optional.of(outage);
                case AFTER -> {
                    OptionalDouble from = answeringAgain(outage);
                    yield from.isEmpty() ? Optional.<Span>empty()
                            : Optional.of(new Span(from.getAsDouble(), from.getAsDouble() + length));
                }
            };
        });
    }

    /** When the service answered again after the outage: the start of its first charted sample that is not stalled. */
    private OptionalDouble answeringAgain(Span outage) {
        return charted().stream()
                .filter(second -> second.midSeconds() >= outage.to() && !second.stalled())
                .mapToDouble(second -> Math.max(outage.to(), second.startSeconds()))
                .findFirst();
    }

    /** Database queries per second in a phase, over the charted samples whose middle falls in it; empty if none does. */
    OptionalDouble dbQueriesPerSecond(Phase phase) {
        List<RunMetrics.Second> seconds = in(phase);
        long queries = seconds.stream().mapToLong(RunMetrics.Second::dbQueries).sum();
        double length = seconds.stream().mapToDouble(RunMetrics.Second::lengthSeconds).sum();
        return seconds.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(queries / length);
    }

    /** The charted samples whose middle falls in a phase; none when the run had no outage. */
    private List<RunMetrics.Second> in(Phase phase) {
        return phase(phase).map(window -> charted().stream()
                .filter(second -> window.contains(second.midSeconds()))
                .toList()).orElse(List.of());
    }

    /**
     * Database queries in the samples before Redis was killed: the part of the run where both contenders face the
     * same, healthy system. Empty when the run had no outage (a Redis that is not the demo's own).
     */
    OptionalLong dbQueriesBeforeOutage() {
        OptionalDouble killed = at(WorkloadRun.REDIS_KILLED);
        if (killed.isEmpty()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(samples.stream()
                .filter(second -> second.midSeconds() < killed.getAsDouble())
                .mapToLong(RunMetrics.Second::dbQueries)
                .sum());
    }

    private OptionalDouble at(String event) {
        return events.stream()
                .filter(candidate -> candidate.what().equals(event))
                .mapToDouble(RunMetrics.Event::atSeconds)
                .findFirst();
    }
}
