package dev.aside.benchmarks;

import java.util.Arrays;

/** Summary statistics shared by the scenarios. */
final class Stats {
  private Stats() {}

  /** The median; the mean of the middle two for an even count. */
  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
