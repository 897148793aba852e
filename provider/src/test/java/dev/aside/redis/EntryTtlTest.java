package dev.aside.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** What a write does to a TTL is its own type, which the scripts receive as their headers describe. */
class EntryTtlTest {
  @Test
  void theScriptsReceiveTheNumbersTheirHeadersDescribe() {
    assertThat(EntryTtl.ofMillis(1500).scriptArgument()).isEqualTo("1500");
    assertThat(EntryTtl.ETERNAL.scriptArgument()).isEqualTo("-1");
    assertThat(EntryTtl.KEEP.scriptArgument()).isEqualTo("-2");
    assertThat(EntryTtl.EXPIRED.scriptArgument()).isEqualTo("0");
  }

  @Test
  void onlyAFiniteTtlHasMilliseconds() {
    assertThat(EntryTtl.ofMillis(5).isFinite()).isTrue();
    assertThat(EntryTtl.ofMillis(5).millis()).isEqualTo(5);
    assertThatThrownBy(EntryTtl.KEEP::millis).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> EntryTtl.ofMillis(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EntryTtl.ofMillis(Ttl.ABSENT)).as("PTTL's 'absent' is no TTL to write")
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void equalByValue() {
    assertThat(EntryTtl.ofMillis(7)).isEqualTo(EntryTtl.ofMillis(7)).hasSameHashCodeAs(EntryTtl.ofMillis(7));
    assertThat(EntryTtl.ofMillis(7)).isNotEqualTo(EntryTtl.ofMillis(8));
    assertThat(EntryTtl.KEEP).isNotEqualTo(EntryTtl.ETERNAL);
    assertThat(EntryTtl.KEEP.isKeep()).isTrue();
    assertThat(EntryTtl.EXPIRED.isExpired()).isTrue();
  }
}
