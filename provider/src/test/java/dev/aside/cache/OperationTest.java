package dev.aside.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aside.cache.Operation.Counting;
import dev.aside.cache.Operation.Route;
import dev.aside.management.CacheStatistics;
import org.junit.jupiter.api.Test;

/** The rules the mutation pipeline applies per operation: when one command serves, and what the statistics count. */
class OperationTest {
  @Test
  void conditionalOperationsTakeOneCommandOnlyWithoutAWriter() {
    assertThat(Operation.PUT_IF_ABSENT.route.isOneCommand(true, false)).isTrue();
    assertThat(Operation.PUT_IF_ABSENT.route.isOneCommand(true, true))
        .as("the writer is called only if the entry is absent, which needs a read").isFalse();
    assertThat(Operation.REPLACE.route.isOneCommand(true, true)).isFalse();
    assertThat(Operation.PUT.route.isOneCommand(true, true)).as("put calls the writer first").isTrue();
  }

  @Test
  void anUnpredictableExpiryPolicyMakesWritesReadFirst() {
    for (Operation operation : new Operation[] {Operation.PUT, Operation.GET_AND_PUT, Operation.PUT_IF_ABSENT,
        Operation.REPLACE, Operation.STORE_LOADED, Operation.PUT_OF_BATCH}) {
      assertThat(operation.route.isOneCommand(false, false)).as(operation.name()).isFalse();
    }
    assertThat(Operation.REMOVE.route.isOneCommand(false, true)).as("a removal needs no TTL").isTrue();
  }

  @Test
  void comparingOperationsAndInvokeAlwaysCompareAndSet() {
    for (Operation operation : new Operation[] {Operation.REPLACE_IF_EQUALS, Operation.REMOVE_IF_EQUALS,
        Operation.INVOKE}) {
      assertThat(operation.route).as(operation.name()).isEqualTo(Route.COMPARE_AND_SET);
    }
  }

  @Test
  void unconditionalOperationsCallTheWriterBeforeRedis() {
    assertThat(Operation.PUT.writerFirst).isEqualTo(Operation.WriterCall.WRITE);
    assertThat(Operation.GET_AND_REMOVE.writerFirst).isEqualTo(Operation.WriterCall.DELETE);
    assertThat(Operation.PUT_IF_ABSENT.writerFirst).isEqualTo(Operation.WriterCall.NONE);
    assertThat(Operation.STORE_LOADED.writerFirst).as("a load is not a write").isEqualTo(Operation.WriterCall.NONE);
  }

  @Test
  void aFailedRemovalIsQueuedWhileAFailedConditionalRemovalIsAWrite() {
    assertThat(Operation.REMOVE.failure).isEqualTo(Operation.Failure.REMOVAL);
    assertThat(Operation.REMOVE_IF_EQUALS.failure).isEqualTo(Operation.Failure.WRITE);
  }

  @Test
  void putIfAbsentCountsAMissAndAPutOrAHit() {
    CacheStatistics stored = record(Counting.PUT_IF_ABSENT, false, true);
    assertThat(stored.getCacheMisses()).isOne();
    assertThat(stored.getCachePuts()).isOne();
    assertThat(stored.getCacheHits()).isZero();
    CacheStatistics present = record(Counting.PUT_IF_ABSENT, true, false);
    assertThat(present.getCacheHits()).isOne();
    assertThat(present.getCachePuts()).isZero();
  }

  @Test
  void readThenWriteOperationsCountTheReadAndTheWriteIfOneHappened() {
    CacheStatistics replaced = record(Counting.READ_THEN_PUT, true, true);
    assertThat(replaced.getCacheHits()).isOne();
    assertThat(replaced.getCachePuts()).isOne();
    CacheStatistics missed = record(Counting.READ_THEN_REMOVAL, false, false);
    assertThat(missed.getCacheMisses()).isOne();
    assertThat(missed.getCacheRemovals()).isZero();
    CacheStatistics removed = record(Counting.READ_THEN_REMOVAL, true, true);
    assertThat(removed.getCacheRemovals()).isOne();
  }

  @Test
  void aWriteThatChangedNothingCountsNothing() {
    CacheStatistics statistics = record(Counting.PUT, false, false);
    assertThat(statistics.getCachePuts()).isZero();
    assertThat(statistics.getCacheGets()).isZero();
    assertThat(record(Counting.NONE, true, true).getCachePuts()).isZero();
  }

  private static CacheStatistics record(Counting counting, boolean found, boolean changed) {
    CacheStatistics statistics = new CacheStatistics();
    counting.record(statistics, found, changed, System.nanoTime());
    return statistics;
  }
}
