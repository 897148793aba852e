package dev.aside.expiry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aside.redis.EntryTtl;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;
import javax.cache.expiry.TouchedExpiryPolicy;
import org.junit.jupiter.api.Test;

/** Expiry arithmetic without Redis: which TTL each policy asks for, and when one command can serve a write. */
class ExpiryTimesTest {
  @Test
  void durationsBecomeMillisecondsAndZeroMeansExpiredAtOnce() {
    assertThat(ExpiryTimes.toTtl(new Duration(TimeUnit.MILLISECONDS, 1))).isEqualTo(EntryTtl.ofMillis(1));
    assertThat(ExpiryTimes.toTtl(new Duration(TimeUnit.SECONDS, 3))).isEqualTo(EntryTtl.ofMillis(3_000));
    assertThat(ExpiryTimes.toTtl(Duration.ZERO)).isEqualTo(EntryTtl.EXPIRED);
    assertThat(ExpiryTimes.toTtl(Duration.ETERNAL)).isEqualTo(EntryTtl.ETERNAL);
  }

  @Test
  void standardPoliciesAreReadOnceAndKeepTheTtlWhereTheyAnswerNull() {
    ExpiryTimes created = new ExpiryTimes(CreatedExpiryPolicy.factoryOf(Duration.ONE_MINUTE).create());
    assertThat(created.isPredictable()).isTrue();
    assertThat(created.creation()).isEqualTo(EntryTtl.ofMillis(60_000));
    assertThat(created.update()).isEqualTo(EntryTtl.KEEP);
    assertThat(created.access()).isEqualTo(EntryTtl.KEEP);
    assertThat(created.touchesOnAccess()).isFalse();
    assertThat(new ExpiryTimes(TouchedExpiryPolicy.factoryOf(Duration.ONE_MINUTE).create()).touchesOnAccess()).isTrue();
  }

  @Test
  void oneTtlServesAWriteOnlyWhenCreationAndUpdateAgree() {
    ExpiryTimes modified = new ExpiryTimes(ModifiedExpiryPolicy.factoryOf(Duration.ONE_MINUTE).create());
    assertThat(modified.writesOneTtl()).isTrue();
    assertThat(modified.anyWrite()).isEqualTo(EntryTtl.ofMillis(60_000));

    ExpiryTimes eternal = new ExpiryTimes(EternalExpiryPolicy.factoryOf().create());
    assertThat(eternal.writesOneTtl()).as("KEEPTTL gives a new entry no TTL: eternal either way").isTrue();
    assertThat(eternal.anyWrite()).isEqualTo(EntryTtl.KEEP);

    ExpiryTimes created = new ExpiryTimes(CreatedExpiryPolicy.factoryOf(Duration.ONE_MINUTE).create());
    assertThat(created.writesOneTtl()).as("an update keeps the TTL, a creation sets one").isFalse();
    assertThatThrownBy(created::anyWrite).isInstanceOf(IllegalStateException.class);

    ExpiryTimes accessed = new ExpiryTimes(AccessedExpiryPolicy.factoryOf(Duration.ZERO).create());
    assertThat(accessed.writesOneTtl()).as("a creation that expires at once is not a write").isFalse();
  }

  @Test
  void aCustomPolicyIsAskedAtEachWriteAndAFailureMeansEternalOrUnchanged() {
    AtomicInteger asked = new AtomicInteger();
    ExpiryPolicy failing = new ExpiryPolicy() {
      @Override
      public Duration getExpiryForCreation() {
        asked.incrementAndGet();
        throw new IllegalStateException("boom");
      }

      @Override
      public Duration getExpiryForAccess() {
        throw new IllegalStateException("boom");
      }

      @Override
      public Duration getExpiryForUpdate() {
        throw new IllegalStateException("boom");
      }
    };
    ExpiryTimes times = new ExpiryTimes(failing);
    assertThat(times.isPredictable()).isFalse();
    assertThat(times.writesOneTtl()).isFalse();
    assertThat(asked).as("not asked up front").hasValue(0);
    assertThat(times.creation()).isEqualTo(EntryTtl.ETERNAL);
    assertThat(times.creation()).isEqualTo(EntryTtl.ETERNAL);
    assertThat(asked).hasValue(2);
    assertThat(times.update()).isEqualTo(EntryTtl.KEEP);
    assertThat(times.access()).isEqualTo(EntryTtl.KEEP);
    assertThat(times.touchesOnAccess()).as("assumed for a custom policy").isTrue();
  }

  @Test
  void jitterLengthensFiniteWriteTtlsWithinItsFractionAndLeavesTheOthers() {
    ExpiryTimes jittered = new ExpiryTimes(
        new JitteredExpiryPolicy(ModifiedExpiryPolicy.factoryOf(new Duration(TimeUnit.SECONDS, 10)).create(), 0.1));
    assertThat(jittered.isPredictable()).isTrue();
    long longest = 0;
    for (int i = 0; i < 1_000; i++) {
      long millis = jittered.creation().millis();
      assertThat(millis).isBetween(10_000L, 11_000L);
      longest = Math.max(longest, millis);
    }
    assertThat(longest).as("jitter applied at all").isGreaterThan(10_000L);
    ExpiryTimes eternal = new ExpiryTimes(new JitteredExpiryPolicy(EternalExpiryPolicy.factoryOf().create(), 0.1));
    assertThat(eternal.creation()).isEqualTo(EntryTtl.ETERNAL);
    assertThat(eternal.update()).isEqualTo(EntryTtl.KEEP);
  }
}
