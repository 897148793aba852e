package dev.aside.spring.boot;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition, polling, with a generous bound. */
public final class Await {
  private Await() {}

  /** Returns once {@code condition} holds; fails after {@code bound}. */
  public static void until(String what, Duration bound, BooleanSupplier condition) {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("Waited " + bound + " for: " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("Interrupted waiting for: " + what, e);
      }
    }
  }
}
