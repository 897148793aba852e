package dev.aside.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HitRateTimelineTest {
  private static final long T0 = 1_000_000_000L;

  /** {@code reads} reads and {@code loads} loads in the 100 ms bucket starting {@code ms} after T0. */
  private static void fill(HitRateTimeline timeline, long ms, int reads, int loads) {
    long at = T0 + TimeUnit.MILLISECONDS.toNanos(ms) + 1;
    for (int i = 0; i < reads; i++) {
      timeline.read(at);
    }
    for (int i = 0; i < loads; i++) {
      timeline.load(at);
    }
  }

  @Test
  void theRecoveryStartsAtTheFirstBucketFromWhichTheHitRateHolds() {
    HitRateTimeline timeline = new HitRateTimeline(T0, 5);
    for (long ms = 0; ms < 5_000; ms += 100) {
      boolean dip = ms >= 1_000 && ms < 2_300;
      boolean blip = ms == 2_600;
      fill(timeline, ms, 100, dip ? 40 : blip ? 10 : 1);
    }
    long kill = T0 + TimeUnit.MILLISECONDS.toNanos(1_000);

    // 2.3-2.5 s hold at 99 %, 2.6 s dips to 90 %: the hit rate holds for a second only from 2.7 s on.
    assertThat(timeline.secondsToRecover(kill, 0.95, 1.0)).isCloseTo(1.7, within(1e-9));
    assertThat(timeline.secondsToRecover(kill, 0.95, 0.3)).as("a 300 ms hold").isCloseTo(1.3, within(1e-9));
    assertThat(timeline.secondsToRecover(kill, 0.98, 1.0)).isCloseTo(1.7, within(1e-9));
    assertThat(timeline.secondsToRecover(kill, 0.999, 1.0)).as("never that high").isEqualTo(-1);
  }

  @Test
  void aHitRateThatNeverFellHasRecoveredAtOnce() {
    HitRateTimeline timeline = new HitRateTimeline(T0, 3);
    for (long ms = 0; ms < 3_000; ms += 100) {
      fill(timeline, ms, 100, 0);
    }

    assertThat(timeline.secondsToRecover(T0 + TimeUnit.MILLISECONDS.toNanos(1_050), 0.95, 1.0))
        .as("from the next bucket, 50 ms later").isCloseTo(0.05, within(1e-9));
  }

  @Test
  void aSecondCountsItsReadsAndLoadsAndABucketWithoutReadsServedNothing() {
    HitRateTimeline timeline = new HitRateTimeline(T0, 3);
    fill(timeline, 0, 100, 5);
    for (long ms = 1_000; ms < 3_000; ms += 100) {
      fill(timeline, ms, ms == 1_200 ? 0 : 100, 0);
    }

    assertThat(timeline.hitRatePerSecond()).containsExactly(0.95, 1.0, 1.0);
    assertThat(timeline.readsPerSecond()).containsExactly(100, 900, 1_000);
    assertThat(timeline.loadsPerSecond()).containsExactly(5, 0, 0);
    assertThat(timeline.secondsToRecover(T0 + TimeUnit.MILLISECONDS.toNanos(1_000), 0.95, 1.0))
        .as("the reads stopped at 1.2 s").isCloseTo(0.3, within(1e-9));
  }

  @Test
  void theHitRateBetweenTwoInstantsCountsTheirBuckets() {
    HitRateTimeline timeline = new HitRateTimeline(T0, 3);
    for (long ms = 0; ms < 3_000; ms += 100) {
      fill(timeline, ms, 100, ms >= 1_000 && ms < 1_500 ? 50 : 0);
    }

    assertThat(timeline.hitRateBetween(T0, T0 + TimeUnit.MILLISECONDS.toNanos(1_000))).isEqualTo(1.0);
    assertThat(timeline.hitRateBetween(T0 + TimeUnit.MILLISECONDS.toNanos(1_000),
        T0 + TimeUnit.MILLISECONDS.toNanos(2_000))).isCloseTo(0.75, within(1e-9));
    assertThat(timeline.hitRateBetween(T0 + TimeUnit.MILLISECONDS.toNanos(1_020),
        T0 + TimeUnit.MILLISECONDS.toNanos(1_050))).as("within one bucket: that bucket").isCloseTo(0.5, within(1e-9));
  }
}
