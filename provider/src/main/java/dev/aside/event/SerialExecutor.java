package dev.aside.event;

import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs tasks one at a time, in submission order, on threads borrowed from a shared executor. */
final class SerialExecutor implements Executor {

  private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);

  /** Tasks run per turn before the thread is handed back, so one busy queue cannot hog the pool. */
  private static final int TASKS_PER_TURN = 64;

  /*
   * Invariant: at most one drain of this queue is scheduled or running at any time, guarded by
   * `scheduled`; only that drain polls the queue, so tasks run serially and in FIFO order. The
   * concurrent queue makes each submission happen-before the run of its task. A drain that ends
   * with tasks left re-schedules itself, and a submitter that finds no drain scheduled schedules
   * one, so no task is stranded.
   */
  private final Executor pool;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private volatile Thread runner;

  SerialExecutor(Executor pool) {
    this.pool = Objects.requireNonNull(pool, "pool");
  }

  @Override
  public void execute(Runnable task) {
    tasks.add(Objects.requireNonNull(task, "task"));
    schedule();
  }

  /** Tells whether the calling thread is the one currently running this executor's tasks. */
  boolean isRunningOnCurrentThread() {
    return runner == Thread.currentThread();
  }

  private void schedule() {
    if (scheduled.compareAndSet(false, true)) {
      try {
        pool.execute(this::drain);
      } catch (RejectedExecutionException e) {
        scheduled.set(false);
        LOG.error("Listener thread pool rejected work; {} queued events are dropped", tasks.size(),
            e);
        tasks.clear();
      }
    }
  }

  private void drain() {
    runner = Thread.currentThread();
    try {
      for (int i = 0; i < TASKS_PER_TURN; i++) {
        Runnable task = tasks.poll();
        if (task == null) {
          break;
        }
        task.run();
      }
    } finally {
      runner = null;
      scheduled.set(false);
      if (!tasks.isEmpty()) {
        schedule();
      }
    }
  }
}
