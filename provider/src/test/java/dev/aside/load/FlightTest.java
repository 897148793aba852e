package dev.aside.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.integration.CacheLoaderException;
import org.junit.jupiter.api.Test;

/** The flight protocol without Redis: who may join, when the owner must read again, and what joiners get. */
class FlightTest {
  private final AtomicInteger unregistered = new AtomicInteger();
  private final Flight<String> flight = new Flight<>(unregistered::incrementAndGet);

  @Test
  void joinersGetTheOwnersAnswer() {
    assertThat(flight.tryJoin()).isTrue();
    flight.complete("v");
    assertThat(flight.await()).isEqualTo("v");
    assertThat(unregistered).as("a completed flight leaves the registry").hasPositiveValue();
  }

  @Test
  void aClosedFlightTakesNoJoiners() {
    flight.close();
    assertThat(flight.tryJoin()).isFalse();
    assertThat(unregistered).hasValue(1);
  }

  @Test
  void aJoinDuringTheOwnersReadMakesTheOwnerReadAgain() {
    long mark = flight.mark();
    assertThat(flight.tryJoin()).isTrue();
    assertThat(flight.closeIfNoJoinsSince(mark)).as("someone joined while the read was on its way").isFalse();
    assertThat(flight.tryJoin()).as("still open").isTrue();

    long quiet = flight.mark();
    assertThat(flight.closeIfNoJoinsSince(quiet)).isTrue();
    assertThat(flight.tryJoin()).isFalse();
  }

  @Test
  void aLoaderFailureReachesEveryJoinerAsACacheLoaderException() {
    assertThat(flight.tryJoin()).isTrue();
    flight.fail(new IllegalStateException("source down"));
    assertThatThrownBy(flight::await).isInstanceOf(CacheLoaderException.class).hasRootCauseMessage("source down");
    Flight<String> wrapped = new Flight<>(() -> {});
    wrapped.fail(new CacheLoaderException("loader said no"));
    assertThatThrownBy(wrapped::await).isInstanceOf(CacheLoaderException.class).hasMessageContaining("loader said no");
  }
}
