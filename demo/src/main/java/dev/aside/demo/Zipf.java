package dev.aside.demo;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Zipf-distributed ranks 1..n: rank k is drawn with probability proportional to 1 / k^exponent. */
final class Zipf {

    private final double[] cumulative;

    Zipf(int n, double exponent) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be at least 1, was " + n);
        }
        cumulative = new double[n];
        double sum = 0;
        for (int k = 1; k <= n; k++) {
            sum += 1 / Math.pow(k, exponent);
            cumulative[k - 1] = sum;
        }
        for (int i = 0; i < n; i++) {
            cumulative[i] /= sum;
        }
    }

    /** Draws a rank in 1..n. */
    int sample(SplittableRandom random) {
        int index = Arrays.binarySearch(cumulative, random.nextDouble());
        int rank = (index >= 0 ? index : -index - 1) + 1;
        return Math.min(rank, cumulative.length);
    }

    /** The probability of rank 1. */
    double topShare() {
        return cumulative[0];
    }
}
