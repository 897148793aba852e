package dev.aside.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The gutter's rules on a fake clock: the TTL bound from the load's start, own writes, clears, the size bound. */
class GutterTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final Gutter gutter = new Gutter(Duration.ofSeconds(2), 100, now::get);

  private static byte[] key(String name) {
    return name.getBytes(StandardCharsets.UTF_8);
  }

  private void advanceMillis(long millis) {
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
  }

  private void load(String key, Object value) {
    try (Gutter.Ticket ticket = gutter.startLoad()) {
      gutter.keep(key(key), ticket, value);
    }
  }

  @Test
  void aValueIsServedUntilTheTtlHasPassedSinceItsLoadBegan() {
    try (Gutter.Ticket ticket = gutter.startLoad()) {
      advanceMillis(500);   // the loader takes 500 ms
      gutter.keep(key("a"), ticket, "v1");
    }
    assertThat((Object) gutter.get(key("a"))).isEqualTo("v1");
    advanceMillis(1_499);
    assertThat((Object) gutter.get(key("a"))).as("1.999 s after the load began").isEqualTo("v1");
    advanceMillis(1);
    assertThat((Object) gutter.get(key("a"))).as("2 s after the load began").isNull();
    assertThat(gutter.size()).isZero();
  }

  @Test
  void aLoadLongerThanTheTtlIsNotKept() {
    try (Gutter.Ticket ticket = gutter.startLoad()) {
      advanceMillis(2_000);
      gutter.keep(key("a"), ticket, "v1");
    }
    assertThat((Object) gutter.get(key("a"))).isNull();
  }

  @Test
  void aDropForgetsTheValueAndRefusesALoadThatBeganBeforeIt() {
    load("a", "v1");
    Gutter.Ticket racing = gutter.startLoad();   // began before the write: may have read the old row
    gutter.drop(key("a"));
    assertThat((Object) gutter.get(key("a"))).isNull();
    gutter.keep(key("a"), racing, "v1");
    racing.close();
    assertThat((Object) gutter.get(key("a"))).as("the racing load's old value").isNull();
    load("a", "v2");
    assertThat((Object) gutter.get(key("a"))).as("a load that began after the write").isEqualTo("v2");
  }

  @Test
  void aDropOfAnotherKeyDoesNotRefuseALoad() {
    Gutter.Ticket ticket = gutter.startLoad();
    gutter.drop(key("b"));
    gutter.keep(key("a"), ticket, "v1");
    ticket.close();
    assertThat((Object) gutter.get(key("a"))).isEqualTo("v1");
  }

  @Test
  void aClearForgetsEverythingAndRefusesLoadsThatBeganBeforeIt() {
    load("a", "v1");
    Gutter.Ticket racing = gutter.startLoad();
    gutter.clear();
    gutter.keep(key("b"), racing, "v1");
    racing.close();
    assertThat((Object) gutter.get(key("a"))).isNull();
    assertThat((Object) gutter.get(key("b"))).isNull();
    assertThat(gutter.size()).isZero();
  }

  @Test
  void aDropMarkerEvictedByTheSizeBoundStillRefusesTheRacingLoad() {
    Gutter small = new Gutter(Duration.ofSeconds(2), 2, now::get);
    Gutter.Ticket racing = small.startLoad();
    small.drop(key("a"));
    for (int i = 0; i < 50; i++) {
      try (Gutter.Ticket ticket = small.startLoad()) {
        small.keep(key("k" + i), ticket, "x");
      }
    }
    small.keep(key("a"), racing, "old");
    racing.close();
    assertThat((Object) small.get(key("a"))).isNull();
    assertThat(small.size()).isLessThanOrEqualTo(2);
  }

  @Test
  void theDisabledGutterKeepsNothing() {
    Gutter off = Gutter.disabled();
    try (Gutter.Ticket ticket = off.startLoad()) {
      off.keep(key("a"), ticket, "v1");
    }
    assertThat((Object) off.get(key("a"))).isNull();
    assertThat(off.isEnabled()).isFalse();
  }
}
