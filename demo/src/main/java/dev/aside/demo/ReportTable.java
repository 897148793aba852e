package dev.aside.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.function.Function;

/** The side-by-side comparison of the runs as a plain-text table, with failure causes below it. */
final class ReportTable {

    /** One row: its label and how to show a run's value. */
    record Row(String label, Function<RunReport, String> value) {
    }

    static final List<Row> ROWS = List.of(
            new Row("requests", r -> count(r.requests())),
            new Row("DB queries/s, mean", r -> String.format(Locale.ROOT, "%,.1f", r.dbMeanPerSecond())),
            new Row("DB queries/s, peak", r -> count(r.timeline().peakDbQueriesPerSecond())),
            new Row("DB queries/s just before the outage", r -> phase(r.timeline(), Timeline.Phase.BEFORE)),
            new Row("DB queries/s during the outage", r -> phase(r.timeline(), Timeline.Phase.DURING)),
            new Row("DB queries/s after the outage, once answering", r -> phase(r.timeline(), Timeline.Phase.AFTER)),
            new Row("DB queries, total", r -> count(r.dbQueries())),
            new Row("DB queries before the outage", r -> r.timeline().dbQueriesBeforeOutage().isPresent()
                    ? count(r.timeline().dbQueriesBeforeOutage().getAsLong()) : "n/a"),
            new Row("hit ratio", r -> String.format(Locale.ROOT, "%.1f %%", r.hitRatio() * 100)),
            new Row("coalesced loads", r -> optional(r.coalescedLoads())),
            new Row("negative hits", r -> count(r.negativeHits())),
            new Row("gutter hits", r -> optional(r.gutterHits())),
            new Row("latency p50", r -> millis(r.latency().p50())),
            new Row("latency p99", r -> millis(r.latency().p99())),
            new Row("latency max", r -> millis(r.latency().max())),
            new Row("seconds stalled", r -> count(r.timeline().stalledSeconds())),
            new Row("failed requests", r -> count(r.failedRequests())),
            new Row("stale reads", r -> count(r.staleReads())));

    private ReportTable() {
    }

    /** Renders the runs as columns. */
    static String render(List<RunReport> runs) {
        List<String> header = new ArrayList<>();
        header.add("");
        runs.forEach(run -> header.add(run.name()));
        List<List<String>> lines = new ArrayList<>();
        lines.add(header);
        for (Row row : ROWS) {
            List<String> line = new ArrayList<>();
            line.add(row.label());
            runs.forEach(run -> line.add(row.value().apply(run)));
            lines.add(line);
        }
        int[] widths = new int[header.size()];
        for (List<String> line : lines) {
            for (int i = 0; i < line.size(); i++) {
                widths[i] = Math.max(widths[i], line.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (int n = 0; n < lines.size(); n++) {
            List<String> line = lines.get(n);
            out.append(pad(line.get(0), widths[0], false));
            for (int i = 1; i < line.size(); i++) {
                out.append("   ").append(pad(line.get(i), widths[i], true));
            }
            out.append('\n');
            if (n == 0) {
                out.append("-".repeat(out.length() - 1)).append('\n');
            }
        }
        for (RunReport run : runs) {
            out.append(failures(run));
        }
        return out.toString();
    }

    private static String failures(RunReport run) {
        if (run.failedRequests() == 0) {
            return "";
        }
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%n%s failed: %s%n", run.name(),
                failureCounts(run)));
        int shown = 0;
        for (Map.Entry<String, Long> reason : run.failureReasons().entrySet()) {
            if (shown++ == 5) {
                break;
            }
            out.append(String.format(Locale.ROOT, "  %,8d  %s%n", reason.getValue(), reason.getKey()));
        }
        return out.toString();
    }

    /**
     * A phase's database load in queries per second, with the seconds of it in which the service was stalled (a
     * stalled service sends the database nothing, and answers nobody either).
     */
    static String phase(Timeline timeline, Timeline.Phase phase) {
        OptionalDouble rate = timeline.dbQueriesPerSecond(phase);
        if (rate.isEmpty()) {
            return "n/a";
        }
        long stalled = timeline.stalledSeconds(phase);
        return String.format(Locale.ROOT, "%,.0f", rate.getAsDouble())
                + (stalled == 0 ? "" : String.format(Locale.ROOT, " (%d s stalled)", stalled));
    }

    private static String optional(OptionalLong value) {
        return value.isPresent() ? count(value.getAsLong()) : "n/a";
    }

    /** "1 read, 0 updates, 2 never started": a run's failed requests by kind. */
    static String failureCounts(RunReport run) {
        return counted(run.failedReads(), "read") + ", " + counted(run.failedUpdates(), "update") + ", "
                + count(run.unserved()) + " never started";
    }

    private static String counted(long value, String noun) {
        return count(value) + " " + noun + (value == 1 ? "" : "s");
    }

    static String count(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    static String millis(double value) {
        return String.format(Locale.ROOT, value < 10 ? "%,.2f ms" : "%,.0f ms", value);
    }

    private static String pad(String text, int width, boolean right) {
        String padding = " ".repeat(width - text.length());
        return right ? padding + text : text + padding;
    }
}
