package dev.aside.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Tests the statistics counters and the values derived from them. */
class CacheStatisticsTest {

  private final CacheStatistics statistics = new CacheStatistics();

  @Test
  void startsAtZero() {
    assertAllZero();
  }

  @Test
  void countsAndDerivesGets() {
    statistics.recordHits(2);
    statistics.recordMisses(1);
    statistics.recordPuts(4);
    statistics.recordRemovals(3);
    statistics.recordEvictions(5);

    assertThat(statistics.getCacheHits()).isEqualTo(2);
    assertThat(statistics.getCacheMisses()).isEqualTo(1);
    assertThat(statistics.getCacheGets()).isEqualTo(3);
    assertThat(statistics.getCachePuts()).isEqualTo(4);
    assertThat(statistics.getCacheRemovals()).isEqualTo(3);
    assertThat(statistics.getCacheEvictions()).isEqualTo(5);
  }

  @Test
  void percentagesAreOutOfHundred() {
    statistics.recordHits(3);
    statistics.recordMisses(3);
    assertThat(statistics.getCacheHitPercentage()).isEqualTo(50.0f);
    assertThat(statistics.getCacheMissPercentage()).isEqualTo(50.0f);

    statistics.recordHits(3);
    assertThat(statistics.getCacheHitPercentage()).isCloseTo(66.67f, within(0.01f));
    assertThat(statistics.getCacheMissPercentage()).isCloseTo(33.33f, within(0.01f));
  }

  @Test
  void averageTimesAreMicrosecondsPerOperation() {
    statistics.recordHits(1);
    statistics.recordMisses(1);
    statistics.recordGetTimeNanos(3_000);
    statistics.recordPuts(4);
    statistics.recordPutTimeNanos(10_000);
    statistics.recordRemovals(2);
    statistics.recordRemoveTimeNanos(500);

    assertThat(statistics.getAverageGetTime()).isEqualTo(1.5f);
    assertThat(statistics.getAveragePutTime()).isEqualTo(2.5f);
    assertThat(statistics.getAverageRemoveTime()).isEqualTo(0.25f);
  }

  @Test
  void averageIsZeroWithoutOperations() {
    statistics.recordGetTimeNanos(1_000);
    statistics.recordPutTimeNanos(1_000);
    statistics.recordRemoveTimeNanos(1_000);
    assertThat(statistics.getAverageGetTime()).isZero();
    assertThat(statistics.getAveragePutTime()).isZero();
    assertThat(statistics.getAverageRemoveTime()).isZero();
  }

  @Test
  void clearResetsEverything() {
    statistics.recordHits(1);
    statistics.recordMisses(1);
    statistics.recordPuts(1);
    statistics.recordRemovals(1);
    statistics.recordEvictions(1);
    statistics.recordGetTimeNanos(1);
    statistics.recordPutTimeNanos(1);
    statistics.recordRemoveTimeNanos(1);

    statistics.clear();

    assertAllZero();
  }

  @Test
  void rejectsNegativeCounts() {
    assertThatThrownBy(() -> statistics.recordHits(-1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> statistics.recordPutTimeNanos(-1))
        .isInstanceOf(IllegalArgumentException.class);
    assertAllZero();
  }

  @Test
  void countsConcurrentRecordings() throws InterruptedException {
    int threads = 8;
    int perThread = 10_000;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Thread worker = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        for (int j = 0; j < perThread; j++) {
          statistics.recordHits(1);
          statistics.recordPuts(1);
        }
      });
      worker.start();
      workers.add(worker);
    }
    start.countDown();
    for (Thread worker : workers) {
      worker.join();
    }
    assertThat(statistics.getCacheHits()).isEqualTo((long) threads * perThread);
    assertThat(statistics.getCachePuts()).isEqualTo((long) threads * perThread);
  }

  private void assertAllZero() {
    assertThat(statistics.getCacheHits()).isZero();
    assertThat(statistics.getCacheMisses()).isZero();
    assertThat(statistics.getCacheGets()).isZero();
    assertThat(statistics.getCachePuts()).isZero();
    assertThat(statistics.getCacheRemovals()).isZero();
    assertThat(statistics.getCacheEvictions()).isZero();
    assertThat(statistics.getCacheHitPercentage()).isZero();
    assertThat(statistics.getCacheMissPercentage()).isZero();
    assertThat(statistics.getAverageGetTime()).isZero();
    assertThat(statistics.getAveragePutTime()).isZero();
    assertThat(statistics.getAverageRemoveTime()).isZero();
  }
}
