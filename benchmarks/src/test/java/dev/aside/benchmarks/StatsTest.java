package dev.aside.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {

  @Test
  void aComparisonIsTheMedianOfPerRoundRatiosNotTheRatioOfMedians() {
    // The machine's speed changed from round to round; each round measured both systems side by side.
    double[] aside = {10, 20, 30};
    double[] lettuce = {30, 10, 20};

    assertThat(Stats.ratios(aside, lettuce)).containsExactly(1.0 / 3, 2.0, 1.5);
    assertThat(Stats.medianRatio(aside, lettuce)).isEqualTo(1.5);
    assertThat(Stats.median(aside) / Stats.median(lettuce)).isEqualTo(1.0);
  }

  @Test
  void aRoundWithNothingToCompareAgainstIsZero() {
    assertThat(Stats.ratios(new double[] {5, 5}, new double[] {0, 5})).containsExactly(0.0, 1.0);
  }

  @Test
  void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
    assertThat(Stats.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
  }

  @Test
  void eachRoundStartsWithTheNextSystem() {
    List<String> systems = List.of("aside", "lettuce", "redisson");

    assertThat(Stats.rotation(systems, 0)).containsExactly("aside", "lettuce", "redisson");
    assertThat(Stats.rotation(systems, 1)).containsExactly("lettuce", "redisson", "aside");
    assertThat(Stats.rotation(systems, 2)).containsExactly("redisson", "aside", "lettuce");
    assertThat(Stats.rotation(systems, 3)).containsExactly("aside", "lettuce", "redisson");
  }
}
