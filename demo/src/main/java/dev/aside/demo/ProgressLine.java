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
        String line = String.format(Locale.ROOT,
                "%-18s %3d/%d s%s | %,6d req/s | DB %,5d q/s | p99 %8.1f ms | failed %,d | stale %,d%s",
                run, second.second(), totalSeconds, second.second() > totalSeconds ? " (catching up)" : "",
                second.requests(), second.dbQueries(), second.p99Millis(),
                failures, stale, redisDown ? " | REDIS DOWN" : "");
        if (terminal) {
            out.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
            width = line.length();
        } else if (second.second() % PLAIN_EVERY_SECONDS == 0) {
            out.println(line);
        }
        out.flush();
    }

    /** Ends the line of a finished run. */
    synchronized void finish() {
        if (terminal && width > 0) {
            out.println();
        }
        width = 0;
    }
}
