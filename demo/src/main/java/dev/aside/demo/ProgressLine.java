package dev.aside.demo;

import java.io.PrintStream;
import java.util.Locale;

/** The live status line of a run: rewritten in place with a carriage return on a terminal, a plain line every 5 s otherwise. */
final class ProgressLine {

    private static final int PLAIN_EVERY_SECONDS = 5;

    private final PrintStream out;
    private final boolean terminal;
    private int width;

    ProgressLine(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** Shows the state after one more second of a run. */
    synchronized void show(String run, RunMetrics.Second second, long totalSeconds, long failures, long stale,
                           boolean redisDown) {
        String line = line(run, second, totalSeconds, failures, stale, redisDown);
        if (terminal) {
            out.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
            width = line.length();
        } else if (second.second() % PLAIN_EVERY_SECONDS == 0) {
            out.println(line);
        }
        out.flush();
    }

    /** The status after {@code second}: rates per second, and "stalled" instead of a p99 when no request completed. */
    static String line(String run, RunMetrics.Second second, long totalSeconds, long failures, long stale,
                       boolean redisDown) {
        String p99 = second.stalled() ? "    stalled"
                : String.format(Locale.ROOT, "%,8.1f ms", second.p99Millis());
        /* a sample the sampler took right after a late one is too short for a rate; show its counts */
        boolean rate = second.lengthSeconds() >= Timeline.MIN_SAMPLE_SECONDS;
        return String.format(Locale.ROOT,
                "%-18s %3d/%d s%s | %,6.0f req/s | DB %,5.0f q/s | p99 %s | failed %,d | stale %,d%s",
                run, second.second(), totalSeconds, second.second() > totalSeconds ? " (catching up)" : "",
                rate ? second.perSecond(second.requests()) : second.requests(),
                rate ? second.perSecond(second.dbQueries()) : second.dbQueries(), p99,
                failures, stale, redisDown ? " | REDIS DOWN" : "");
    }

    /** Ends the line of a finished run. */
    synchronized void finish() {
        if (terminal && width > 0) {
            out.println();
        }
        width = 0;
    }
}
