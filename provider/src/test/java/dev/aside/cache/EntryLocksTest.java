package dev.aside.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One caller per entry at a time, any number of entries at once, and no lock left behind. */
class EntryLocksTest {
  private final EntryLocks locks = new EntryLocks();

  private static byte[] key(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void callersOfOneEntryTakeTurnsAndNothingIsLeftBehind() throws Exception {
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> calls = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        calls.add(pool.submit(() -> {
          start.await();
          for (int n = 0; n < 200; n++) {
            locks.withLock(key("aside:c:{k}"), () -> {      // a fresh array each time: locked by content
              most.accumulateAndGet(inside.incrementAndGet(), Math::max);
              Thread.yield();
              inside.decrementAndGet();
              return null;
            });
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> call : calls) {
        call.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(most).as("callers inside at once").hasValue(1);
    assertThat(locks.size()).as("locks left behind").isZero();
  }

  @Test
  void differentEntriesDoNotWaitForEachOther() throws Exception {
    CountDownLatch bothInside = new CountDownLatch(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<Boolean> first = pool.submit(() -> locks.withLock(key("a"), () -> await(bothInside)));
      Future<Boolean> second = pool.submit(() -> locks.withLock(key("b"), () -> await(bothInside)));
      assertThat(first.get(10, TimeUnit.SECONDS)).isTrue();
      assertThat(second.get(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aCallerMayLockItsEntryAgain() {
    String inner = locks.withLock(key("k"), () -> locks.withLock(key("k"), () -> "nested"));
    assertThat(inner).isEqualTo("nested");
    assertThat(locks.size()).isZero();
  }

  private static boolean await(CountDownLatch latch) {
    latch.countDown();
    try {
      return latch.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
