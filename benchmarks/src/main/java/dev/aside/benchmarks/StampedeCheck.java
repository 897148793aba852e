package dev.aside.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether a {@code stampede} run tested what it claims: that every process missed the key while the one
 * load was still running. The loader count alone cannot say so — a process that starts more than the
 * loader's time late finds the value filled and calls nothing, which makes "1 loader call" easy.
 *
 * <p>So the run fails if the processes' first reads started further apart than a quarter of the loader's
 * time, or if a process recorded no wait at all (in-JVM or cross-JVM): it then never met the load in
 * flight. The one exception is a process with a single thread that made the load itself, which has
 * nobody to wait for.
 */
final class StampedeCheck {
  private StampedeCheck() {}

  /** One worker process's account of its part: its {@code done} line. */
  record Report(long wrongValues, long slowestGetMillis, double startOffsetMillis, double lastStartOffsetMillis,
      long inJvmWaits, long crossJvmWaits, long loaderCalls) {

    static final String PREFIX = "done ";

    /** Parses {@link #line()}. */
    static Report parse(String line) {
      if (line == null || !line.startsWith(PREFIX)) {
        throw new IllegalStateException("A worker did not report: " + line);
      }
      String[] f = line.substring(PREFIX.length()).trim().split(" ");
      if (f.length != 7) {
        throw new IllegalStateException("A worker's report has " + f.length + " fields, not 7: " + line);
      }
      return new Report(Long.parseLong(f[0]), Long.parseLong(f[1]), Double.parseDouble(f[2]),
          Double.parseDouble(f[3]), Long.parseLong(f[4]), Long.parseLong(f[5]), Long.parseLong(f[6]));
    }

    /** {@code done <wrong> <slowest ms> <first start ms> <last start ms> <in-JVM> <cross-JVM> <loader calls>}. */
    String line() {
      return String.format(Locale.ROOT, "%s%d %d %.3f %.3f %d %d %d", PREFIX, wrongValues, slowestGetMillis,
          startOffsetMillis, lastStartOffsetMillis, inJvmWaits, crossJvmWaits, loaderCalls);
    }

    long waits() {
      return inJvmWaits + crossJvmWaits;
    }
  }

  /** The spread of the processes' first reads, in ms: the latest start offset minus the earliest. */
  static double startSpreadMillis(List<Report> reports) {
    double min = reports.stream().mapToDouble(Report::startOffsetMillis).min().orElse(0);
    double max = reports.stream().mapToDouble(Report::startOffsetMillis).max().orElse(0);
    return max - min;
  }

  /** Why the run does not count, one reason per line; empty when it does. */
  static List<String> problems(List<Report> reports, int threadsPerProcess, int loaderMillis) {
    List<String> problems = new ArrayList<>();
    double spread = startSpreadMillis(reports);
    if (spread > loaderMillis / 4.0) {
      problems.add(String.format(Locale.ROOT, "the processes started %.1f ms apart, more than a quarter of the "
          + "loader's %d ms: a late process can find the value already filled", spread, loaderMillis));
    }
    for (int p = 0; p < reports.size(); p++) {
      Report report = reports.get(p);
      boolean aloneWithTheLoad = threadsPerProcess == 1 && report.loaderCalls() > 0;
      if (report.waits() == 0 && !aloneWithTheLoad) {
        problems.add("process " + (p + 1) + " recorded no wait (in-JVM or cross-JVM): it never met the load"
            + " in flight");
      }
    }
    return problems;
  }
}
