package dev.aside.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * What a reader should conclude from the two runs (Aside first, the baseline second), in a paragraph built from
 * their figures: every sentence states what this run measured, and a claim that did not hold is left out.
 */
final class Conclusion {

    private Conclusion() {
    }

    /** The paragraph for Aside's run and the baseline's run; empty for any other number of runs. */
    static String of(List<RunReport> runs) {
        if (runs.size() != 2) {
            return "";
        }
        RunReport aside = runs.get(0);
        RunReport naive = runs.get(1);
        Timeline ours = aside.timeline();
        Timeline theirs = naive.timeline();
        OptionalDouble asideBefore = ours.dbQueriesPerSecond(Timeline.Phase.BEFORE);
        OptionalDouble naiveBefore = theirs.dbQueriesPerSecond(Timeline.Phase.BEFORE);
        OptionalDouble asideDuring = ours.dbQueriesPerSecond(Timeline.Phase.DURING);
        OptionalDouble naiveDuring = theirs.dbQueriesPerSecond(Timeline.Phase.DURING);
        OptionalDouble asideAfter = ours.dbQueriesPerSecond(Timeline.Phase.AFTER);
        OptionalDouble naiveAfter = theirs.dbQueriesPerSecond(Timeline.Phase.AFTER);
        boolean outage = asideBefore.isPresent() && asideDuring.isPresent();
        boolean gutter = aside.gutterHits().isPresent() && aside.gutterHits().getAsLong() > 0;
        long naiveStalled = theirs.stalledSeconds();
        List<String> sentences = new ArrayList<>();

        if (outage && aside.failedRequests() == 0 && ours.stalledSeconds() == 0 && naiveStalled > 0) {
            sentences.add(String.format(Locale.ROOT, "What to conclude: %s keeps answering through a Redis outage"
                            + " and pays for it with database load (%.1f× while Redis is down)%s; %s spares the"
                            + " database only by answering nobody, then sends it the backlog.",
                    aside.name(), asideDuring.getAsDouble() / asideBefore.getAsDouble(),
                    gutter ? " and with reads that may lag another JVM's writes by up to the gutter's TTL" : "",
                    naive.name()));
        }
        if (asideBefore.isPresent() && naiveBefore.isPresent()) {
            sentences.add(String.format(Locale.ROOT, "Just before Redis is killed both face the same healthy system:"
                            + " the database gets %s queries/s from %s and %s from %s%s.",
                    rate(asideBefore), aside.name(), rate(naiveBefore), naive.name(),
                    asideBefore.getAsDouble() < naiveBefore.getAsDouble()
                            ? " (negative caching and coalescing spare it repeated misses)" : ""));
        }
        if (outage) {
            long stalled = ours.stalledSeconds(Timeline.Phase.DURING);
            sentences.add(String.format(Locale.ROOT, "While Redis is down, %s %s: its reads fall back to the"
                            + " database%s, and its database load goes from %s to %s queries/s.",
                    aside.name(), stalled == 0 ? "keeps answering" : "stalls for " + stalled + " s",
                    gutter ? String.format(Locale.ROOT, " or to the gutter, values kept in the JVM (%s reads answered"
                            + " there)", ReportTable.count(aside.gutterHits().getAsLong())) : "",
                    rate(asideBefore), rate(asideDuring)));
        }
        if (naiveDuring.isPresent() && naiveStalled > 0) {
            sentences.add(String.format(Locale.ROOT, "%s stalls instead (%d s in which no request"
                            + " completed: Lettuce queues commands while disconnected and waits up to 60 s for an"
                            + " answer), so its database sees %s queries/s while Redis is down, and its users see no"
                            + " answers.",
                    capitalized(naive.name()), naiveStalled, rate(naiveDuring)));
        }
        if (asideAfter.isPresent() && naiveAfter.isPresent()) {
            sentences.add(String.format(Locale.ROOT, "Once each answers again after the restart (Redis empty), the"
                            + " database gets %s queries/s from %s and %s from %s; the peaks over the run are %s and"
                            + " %s.",
                    rate(asideAfter), aside.name(), rate(naiveAfter), naive.name(),
                    ReportTable.count(ours.peakDbQueriesPerSecond()), ReportTable.count(theirs.peakDbQueriesPerSecond())));
        }
        sentences.add(String.format(Locale.ROOT, "Over the whole run: %s, %s; %s, %s.",
                aside.name(), outcome(aside), naive.name(), outcome(naive)));
        boolean wholeRunFavoursNaive = aside.dbMeanPerSecond() > naive.dbMeanPerSecond()
                || aside.dbQueries() > naive.dbQueries() || aside.hitRatio() < naive.hitRatio();
        if (wholeRunFavoursNaive && naiveStalled > 0) {
            sentences.add(String.format(Locale.ROOT, "Where a whole-run row (mean or total queries, hit ratio) favours"
                            + " %s, that is the outage: %s served its requests while Redis was down, without it, and"
                            + " %s served its own only after Redis was back to cache them%s.",
                    naive.name(), aside.name(), naive.name(),
                    naive.seconds() - aside.seconds() >= 1 ? String.format(Locale.ROOT, ", in a run that lasted"
                            + " %.0f s longer (which lowers its mean)", naive.seconds() - aside.seconds()) : ""));
        }
        return String.join(" ", sentences);
    }

    private static String outcome(RunReport run) {
        return String.format(Locale.ROOT, "%s, p99 latency %s, %s",
                counted(run.failedRequests(), "failed request"), ReportTable.millis(run.latency().p99()),
                counted(run.staleReads(), "stale read"));
    }

    private static String counted(long count, String what) {
        return ReportTable.count(count) + " " + what + (count == 1 ? "" : "s");
    }

    private static String rate(OptionalDouble rate) {
        return String.format(Locale.ROOT, "%,.0f", rate.getAsDouble());
    }

    private static String capitalized(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
