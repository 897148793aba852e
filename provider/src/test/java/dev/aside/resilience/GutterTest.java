package dev.aside.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aside.management.ReadPathMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The gutter's rules on a fake clock: the TTL bound from the load's start, own writes, clears, the size bound. */
class GutterTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final ReadPathMetrics metrics = new ReadPathMetrics();
  private final Gutter gutter = new Gutter(new GutterSettings(Duration.ofSeconds(2), 100, 1L << 20), now::get, metrics);

  private static byte[] key(String name) {
    return name.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] value(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String read(Gutter from, String key) {
    byte[] bytes = from.get(key(key));
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }

  private void advanceMillis(long millis) {
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
  }

  private void load(String key, String value) {
    try (Gutter.Ticket ticket = gutter.startLoad()) {
      gutter.keep(key(key), ticket, value(value));
    }
  }

  @Test
  void aValueIsServedUntilTheTtlHasPassedSinceItsLoadBegan() {
    try (Gutter.Ticket ticket = gutter.startLoad()) {
      advanceMillis(500);   // the loader takes 500 ms
      gutter.keep(key("a"), ticket, value("v1"));
    }
    assertThat(read(gutter, "a")).isEqualTo("v1");
    advanceMillis(1_499);
    assertThat(read(gutter, "a")).as("1.999 s after the load began").isEqualTo("v1");
    advanceMillis(1);
    assertThat(read(gutter, "a")).as("2 s after the load began").isNull();
    // Reads are exact; the memory goes with Caffeine's timer wheel, whose finest tick is about 1.07 s.
    advanceMillis(1_100);
    assertThat(gutter.size()).isZero();
  }

  @Test
  void aLoadLongerThanTheTtlIsNotKept() {
    try (Gutter.Ticket ticket = gutter.startLoad()) {
      advanceMillis(2_000);
      gutter.keep(key("a"), ticket, value("v1"));
    }
    assertThat(read(gutter, "a")).isNull();
  }

  @Test
  void aDropForgetsTheValueAndRefusesALoadThatBeganBeforeIt() {
    load("a", "v1");
    Gutter.Ticket racing = gutter.startLoad();   // began before the write: may have read the old row
    gutter.drop(key("a"));
    assertThat(read(gutter, "a")).isNull();
    gutter.keep(key("a"), racing, value("v1"));
    racing.close();
    assertThat(read(gutter, "a")).as("the racing load's old value").isNull();
    load("a", "v2");
    assertThat(read(gutter, "a")).as("a load that began after the write").isEqualTo("v2");
  }

  @Test
  void aDropOfAnotherKeyDoesNotRefuseALoad() {
    Gutter.Ticket ticket = gutter.startLoad();
    gutter.drop(key("b"));
    gutter.keep(key("a"), ticket, value("v1"));
    ticket.close();
    assertThat(read(gutter, "a")).isEqualTo("v1");
  }

  @Test
  void aClearForgetsEverythingAndRefusesLoadsThatBeganBeforeIt() {
    load("a", "v1");
    Gutter.Ticket racing = gutter.startLoad();
    gutter.clear();
    gutter.keep(key("b"), racing, value("v1"));
    racing.close();
    assertThat(read(gutter, "a")).isNull();
    assertThat(read(gutter, "b")).isNull();
    assertThat(gutter.size()).isZero();
  }

  @Test
  void aDropMarkerEvictedByTheSizeBoundStillRefusesTheRacingLoad() {
    Gutter small = new Gutter(new GutterSettings(Duration.ofSeconds(2), 2, 1L << 20), now::get, metrics);
    Gutter.Ticket racing = small.startLoad();
    small.drop(key("a"));
    for (int i = 0; i < 50; i++) {
      try (Gutter.Ticket ticket = small.startLoad()) {
        small.keep(key("k" + i), ticket, value("x"));
      }
    }
    small.keep(key("a"), racing, value("old"));
    racing.close();
    assertThat(read(small, "a")).isNull();
    assertThat(small.size()).isLessThanOrEqualTo(2);
  }

  @Test
  void theByteBoundEvictsByWeight() {
    Gutter bytes = new Gutter(new GutterSettings(Duration.ofSeconds(2), 0, 64 << 10), now::get, metrics);
    int valueBytes = 4 << 10;   // 1/16 of the bound is exactly 4 KiB: with key and overhead each weighs a bit more
    for (int i = 0; i < 50; i++) {
      try (Gutter.Ticket ticket = bytes.startLoad()) {
        bytes.keep(key("k" + i), ticket, new byte[valueBytes - 512]);
      }
    }
    assertThat(bytes.weightedSize()).as("weight after evictions").isLessThanOrEqualTo(64 << 10);
    long kept = bytes.size();
    assertThat(kept).as("values kept: about 64 KiB of them").isBetween(12L, 17L);
    assertThat(metrics.getOutageEvictions()).isEqualTo(50 - kept);
    assertThat(metrics.getOutageEvictedBytes()).isGreaterThan(metrics.getOutageEvictions() * (valueBytes - 512));
  }

  @Test
  void aValueAboveOneSixteenthOfTheByteBoundIsNotKeptAndForgetsTheOlderOne() {
    Gutter bytes = new Gutter(new GutterSettings(Duration.ofSeconds(2), 0, 64 << 10), now::get, metrics);
    try (Gutter.Ticket ticket = bytes.startLoad()) {
      bytes.keep(key("a"), ticket, value("small"));
    }
    advanceMillis(10);
    try (Gutter.Ticket ticket = bytes.startLoad()) {
      bytes.keep(key("a"), ticket, new byte[5 << 10]);   // 1/16 of 64 KiB is 4 KiB
    }
    assertThat(read(bytes, "a")).as("neither the heavy value nor the older one").isNull();
    assertThat(metrics.getOutageTooLargeNotKept()).isEqualTo(1);
    assertThat(bytes.size()).isZero();
  }

  @Test
  void withACountBoundTooEachEntryWeighsAtLeastItsShareOfTheBytes() {
    Gutter both = new Gutter(new GutterSettings(Duration.ofSeconds(2), 10, 1L << 20), now::get, metrics);
    for (int i = 0; i < 50; i++) {
      try (Gutter.Ticket ticket = both.startLoad()) {
        both.keep(key("k" + i), ticket, value("x"));
      }
    }
    assertThat(both.size()).isEqualTo(10);
    assertThat(both.weightedSize()).isEqualTo(10 * ((1L << 20) / 10));
    assertThat(metrics.getOutageEvictions()).isEqualTo(40);
  }

  @Test
  void theDisabledGutterKeepsNothing() {
    Gutter off = Gutter.disabled();
    try (Gutter.Ticket ticket = off.startLoad()) {
      off.keep(key("a"), ticket, value("v1"));
    }
    assertThat(read(off, "a")).isNull();
    assertThat(off.isEnabled()).isFalse();
  }
}
