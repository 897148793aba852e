package dev.aside.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The one max-value-size rule: a written value above it is refused, a loaded one is not cached. */
class MaxValueSizeTest {
  private final MaxValueSize limit = new MaxValueSize(4, "orders");

  @Test
  void aWrittenValueAboveTheLimitIsRefusedNamingTheCacheAndTheSetting() {
    assertThat(limit.checkWritten(new byte[4])).hasSize(4);
    assertThatThrownBy(() -> limit.checkWritten(new byte[5])).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("5 bytes").hasMessageContaining("max-value-size").hasMessageContaining("orders");
  }

  @Test
  void aLoadedValueAboveTheLimitIsNotAdmitted() {
    assertThat(limit.admitsLoaded(new byte[4])).isTrue();
    assertThat(limit.admitsLoaded(new byte[5])).isFalse();
  }
}
