package dev.aside.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Summary statistics shared by the scenarios.
 *
 * <p>A comparison of two systems is the median of per-round ratios, never the ratio of two medians:
 * each round measures both systems side by side, so a round in which the machine was busy moves both
 * figures of that round alike, and the ratio of that round stays meaningful.
 */
final class Stats {
  private Stats() {}

  /** The median; the mean of the middle two for an even count. */
  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** Each round's {@code numerators[r] / denominators[r]}; 0 for a round whose denominator is 0. */
  static double[] ratios(double[] numerators, double[] denominators) {
    if (numerators.length != denominators.length) {
      throw new IllegalArgumentException(numerators.length + " rounds against " + denominators.length);
    }
    double[] ratios = new double[numerators.length];
    for (int r = 0; r < ratios.length; r++) {
      ratios[r] = denominators[r] == 0 ? 0 : numerators[r] / denominators[r];
    }
    return ratios;
  }

  /** The median of the per-round ratios. */
  static double medianRatio(double[] numerators, double[] denominators) {
    return median(ratios(numerators, denominators));
  }

  /** {@code items} in the order round {@code round} (from 0) visits them: rotated left by {@code round}. */
  static <T> List<T> rotation(List<T> items, int round) {
    List<T> rotated = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      rotated.add(items.get((i + round) % items.size()));
    }
    return rotated;
  }
}
