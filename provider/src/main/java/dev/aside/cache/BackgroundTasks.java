package dev.aside.cache;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/** One cache's background work ({@code loadAll}, refresh-ahead) on the manager's threads, awaited when the cache closes. */
public final class BackgroundTasks implements Executor {
  /*
   * Invariant: a task is counted from before its submission to its end, and none is accepted once
   * close() began (a submission counts itself, then checks `closed`; close() sets `closed`, then reads
   * the count). So when close() sees the count at zero, no task of the cache can call its loader any
   * more, and the cache may close the loader.
   */
  private final Executor threads;
  private final AtomicInteger unfinished = new AtomicInteger();
  private final Object lock = new Object();
  private volatile boolean closed;

  /** Tasks of one cache, run on {@code threads} (the cache manager's pool). */
  public BackgroundTasks(Executor threads) {
    this.threads = Objects.requireNonNull(threads, "threads");
  }

  /** Runs {@code task} in the background; after {@link #close} it is refused with a {@link RejectedExecutionException}. */
  @Override
  public void execute(Runnable task) {
    Objects.requireNonNull(task, "task");
    unfinished.incrementAndGet();
    if (closed) {
      finished();
      throw new RejectedExecutionException("the cache is closed");
    }
    try {
      threads.execute(() -> {
        try {
          task.run();
        } finally {
          finished();
        }
      });
    } catch (RuntimeException e) {
      finished();
      throw e;
    }
  }

  /**
   * Refuses further tasks and waits up to {@code timeout} for those submitted to end.
   *
   * @return the number of tasks still running when the wait ended (0 if all ended)
   */
  public int close(Duration timeout) {
    closed = true;
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      long left;
      while (unfinished.get() > 0 && (left = deadline - System.nanoTime()) > 0) {
        try {
          lock.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    return unfinished.get();
  }

  private void finished() {
    if (unfinished.decrementAndGet() == 0) {
      synchronized (lock) {
        lock.notifyAll();
      }
    }
  }
}
