package dev.aside.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.CacheException;
import javax.cache.integration.CacheLoaderException;
import org.junit.jupiter.api.Test;

/** When a load in flight takes joiners, and what they get: the protocol of {@link Flight}, without Redis. */
class FlightTest {
  private final AtomicInteger unregistered = new AtomicInteger();
  private final Flight<String> flight = new Flight<>(unregistered::incrementAndGet);

  @Test
  void anOpenFlightTakesJoinersAndAClosedOneNone() {
    assertThat(flight.tryJoin()).isTrue();
    assertThat(flight.tryJoin()).isTrue();
    assertThat(unregistered).hasValue(0);

    flight.close();

    assertThat(flight.tryJoin()).as("after close").isFalse();
    assertThat(unregistered).hasValue(1);
  }

  @Test
  void closingTellsWhetherAnyoneJoined() {
    assertThat(flight.close()).as("nobody joined").isFalse();

    Flight<String> joined = new Flight<>(() -> {});
    assertThat(joined.tryJoin()).isTrue();
    assertThat(joined.close()).as("one joined").isTrue();
    assertThat(joined.close()).as("closed already").isFalse();
  }

  @Test
  void anOwnWriteMarksTheFlightOvertaken() {
    assertThat(flight.wasOvertaken()).isFalse();

    flight.overtake();
    flight.close();

    assertThat(flight.wasOvertaken()).isTrue();
  }

  @Test
  void aReadNobodyJoinedDuringClosesTheFlight() {
    long mark = flight.mark();

    assertThat(flight.closeIfNoJoinsSince(mark)).isTrue();

    assertThat(flight.tryJoin()).isFalse();
    assertThat(unregistered).hasValue(1);
  }

  @Test
  void aJoinDuringTheReadKeepsTheFlightOpen() {
    long mark = flight.mark();
    assertThat(flight.tryJoin()).isTrue();

    assertThat(flight.closeIfNoJoinsSince(mark)).as("someone joined: read again for them").isFalse();

    assertThat(flight.tryJoin()).as("still open").isTrue();
    assertThat(unregistered).hasValue(0);
    assertThat(flight.closeIfNoJoinsSince(flight.mark())).isTrue();
    assertThat(flight.tryJoin()).isFalse();
  }

  @Test
  void aClosedFlightStaysClosedForAnOldMark() {
    long mark = flight.mark();
    flight.close();
    assertThat(flight.closeIfNoJoinsSince(mark)).isFalse();
    assertThat(flight.tryJoin()).isFalse();
  }

  @Test
  void joinersGetTheAnswerAndCompletionClosesTheFlight() throws Exception {
    assertThat(flight.tryJoin()).isTrue();
    CompletableFuture<String> joiner = CompletableFuture.supplyAsync(flight::await);

    flight.complete("v");

    assertThat(joiner.get(10, TimeUnit.SECONDS)).isEqualTo("v");
    assertThat(flight.tryJoin()).as("after completion").isFalse();
    assertThat(unregistered).hasValue(1);
  }

  @Test
  void aFailureReachesJoinersAsACacheLoaderExceptionAndClosesTheFlight() {
    flight.fail(new IllegalStateException("database down"));

    assertThat(flight.tryJoin()).isFalse();
    assertThat(unregistered).hasValue(1);
    assertThatThrownBy(flight::await).isInstanceOf(CacheLoaderException.class)
        .hasCauseInstanceOf(IllegalStateException.class);
  }

  @Test
  void cacheExceptionsReachJoinersAsThemselves() {
    CacheException failure = new CacheException("closed");
    flight.fail(failure);
    assertThatThrownBy(flight::await).isSameAs(failure);

    Flight<String> other = new Flight<>(() -> { });
    other.fail(new CacheLoaderException("loader says no"));
    assertThatThrownBy(other::await).isInstanceOf(CacheLoaderException.class).hasMessage("loader says no");
  }

  @Test
  void anInterruptedJoinerStillGetsTheAnswerAndKeepsItsInterrupt() throws Exception {
    CompletableFuture<Boolean> interruptKept = new CompletableFuture<>();
    Thread joiner = new Thread(() -> {
      Thread.currentThread().interrupt();
      String value = flight.await();
      interruptKept.complete("v".equals(value) && Thread.currentThread().isInterrupted());
    });
    joiner.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (joiner.getState() != Thread.State.WAITING) {   // blocked in await, its interrupt consumed
      assertThat(System.nanoTime() - deadline).as("waited 10 s for the joiner to block").isNegative();
      Thread.sleep(1);
    }
    flight.complete("v");
    assertThat(interruptKept.get(10, TimeUnit.SECONDS)).isTrue();
  }
}
