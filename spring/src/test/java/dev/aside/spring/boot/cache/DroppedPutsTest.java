package dev.aside.spring.boot.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aside.redis.RedisOperationException;
import dev.aside.spring.boot.LogLines;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Dropped puts are all counted, and logged once per interval whatever their number; time is a fake clock. */
class DroppedPutsTest {
  private static final RedisOperationException UNAVAILABLE =
      new RedisOperationException("put.lua not sent: Redis is unavailable (circuit breaker open)", null);

  private final AtomicLong nanos = new AtomicLong(1_000);
  private final DroppedPuts dropped = new DroppedPuts(Duration.ofMinutes(1), nanos::get);

  @Test
  void aThousandFailuresInOneIntervalAreOneLine() {
    try (LogLines log = new LogLines()) {
      for (int i = 0; i < 1000; i++) {
        dropped.record("products", UNAVAILABLE);
        nanos.addAndGet(Duration.ofMillis(50).toNanos());
      }

      assertThat(log.warnings(DroppedPuts.class.getName())).singleElement().asString()
          .contains("1 cache put(s)", "'products'", "circuit breaker open", "once per 1m");
    }
    assertThat(dropped.total()).isEqualTo(1000);
  }

  @Test
  void theNextIntervalsLineCountsThePutsDroppedSinceTheLastLine() {
    try (LogLines log = new LogLines()) {
      dropped.record("products", UNAVAILABLE);
      for (int i = 0; i < 99; i++) {
        dropped.record("users", UNAVAILABLE);
      }
      nanos.addAndGet(Duration.ofMinutes(1).toNanos());
      dropped.record("users", UNAVAILABLE);

      assertThat(log.warnings(DroppedPuts.class.getName())).hasSize(2).last().asString()
          .contains("100 cache put(s)", "'users'");
    }
  }

  @Test
  void aZeroIntervalLogsEveryOne() {
    DroppedPuts everyOne = new DroppedPuts(Duration.ZERO, nanos::get);
    try (LogLines log = new LogLines()) {
      for (int i = 0; i < 3; i++) {
        everyOne.record("products", UNAVAILABLE);
      }

      assertThat(log.warnings(DroppedPuts.class.getName())).hasSize(3);
    }
  }
}
