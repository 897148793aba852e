package dev.aside.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RetriesTest {
  /** A clock that only moves when slept on, or when the test says so, and remembers the pauses. */
  private static final class FakeClock implements Retries.Clock {
    long nanos;
    final List<Long> pauses = new ArrayList<>();

    @Override
    public long nanoTime() {
      return nanos;
    }

    @Override
    public void sleep(long millis) {
      pauses.add(millis);
      nanos += TimeUnit.MILLISECONDS.toNanos(millis);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TRYAGAIN Multiple keys request during rehashing of slot",
      "CLUSTERDOWN The cluster is down", "CLUSTERDOWN Hash slot not served", "MOVED 3999 127.0.0.1:6381",
      "ASK 3999 127.0.0.1:6381"})
  void repliesThatMeanNotAppliedAreRetriedThreeTimesInAll(String reply) {
    FakeClock clock = new FakeClock();
    Retries retries = new Retries(500, clock);

    assertThat(retries.pauseBeforeRetry(new RedisCommandExecutionException(reply))).isTrue();
    assertThat(retries.pauseBeforeRetry(new RedisCommandExecutionException(reply))).isTrue();
    assertThat(retries.pauseBeforeRetry(new RedisCommandExecutionException(reply))).as("a fourth try").isFalse();
    assertThat(clock.pauses).as("an eighth of the timeout, then three eighths").containsExactly(62L, 187L);
  }

  @Test
  void otherFailuresAreNotRetried() {
    FakeClock clock = new FakeClock();
    Retries retries = new Retries(500, clock);

    assertThat(retries.pauseBeforeRetry(new RedisCommandExecutionException("WRONGTYPE Operation against a key"))).isFalse();
    assertThat(retries.pauseBeforeRetry(new RedisCommandExecutionException("NOSCRIPT No matching script"))).isFalse();
    assertThat(retries.pauseBeforeRetry(new RedisCommandTimeoutException("Command timed out"))).isFalse();
    assertThat(retries.pauseBeforeRetry(new RedisException("Currently not connected"))).isFalse();
    assertThat(retries.pauseBeforeRetry(null)).isFalse();
    assertThat(clock.pauses).isEmpty();
  }

  @Test
  void noPauseEndsPastTheCommandTimeout() {
    FakeClock clock = new FakeClock();
    Retries retries = new Retries(500, clock);

    assertThat(retries.pauseBeforeRetry(new RedisCommandExecutionException("TRYAGAIN"))).isTrue();
    clock.nanos += TimeUnit.MILLISECONDS.toNanos(300);    // the second try took 300 ms to be refused
    assertThat(retries.pauseBeforeRetry(new RedisCommandExecutionException("TRYAGAIN")))
        .as("62 + 300 + 187 ms would end past 500 ms").isFalse();
    assertThat(clock.pauses).containsExactly(62L);
  }

  @Test
  void aShortTimeoutStillPausesAtLeastFiveMilliseconds() {
    FakeClock clock = new FakeClock();
    Retries retries = new Retries(16, clock);

    assertThat(retries.pauseBeforeRetry(new RedisCommandExecutionException("CLUSTERDOWN"))).isTrue();
    assertThat(retries.pauseBeforeRetry(new RedisCommandExecutionException("CLUSTERDOWN"))).isTrue();
    assertThat(clock.pauses).containsExactly(5L, 6L);
  }

  @Test
  void realPausesAreSlept() {
    long start = System.nanoTime();

    assertThat(new Retries(80).pauseBeforeRetry(new RedisCommandExecutionException("TRYAGAIN"))).isTrue();
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("paused, ms").isGreaterThanOrEqualTo(10);
  }

  @Test
  void onlyClusterDownCountsAsAHealthFailure() {
    assertThat(Retries.isClusterDown(new RedisCommandExecutionException("CLUSTERDOWN The cluster is down"))).isTrue();
    assertThat(Retries.isClusterDown(new RedisCommandExecutionException("TRYAGAIN"))).isFalse();
    assertThat(Retries.isClusterDown(new RedisCommandExecutionException("MOVED 1 h:1"))).isFalse();
  }
}
