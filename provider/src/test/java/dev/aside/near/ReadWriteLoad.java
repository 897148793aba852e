package dev.aside.near;

import static dev.aside.near.ClusterCaches.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import javax.cache.Cache;

/**
 * Readers of a near-cached cache and two writers, for as long as a cluster change takes.
 *
 * <p>The readers and one writer ("own") share the near cache's manager, so a read that starts after an own
 * write returned must see that write or a later one (the write drops the near entry and voids fills begun
 * before it): a read of an older version is counted. The other writer ("foreign") is another manager, whose
 * writes reach the near cache as invalidations a moment later; their keys must only be present throughout,
 * and show the last write once writing stops. The "still" keys are only read. Values are versions: "0", "1", ...
 */
final class ReadWriteLoad {
  private final Cache<String, String> near;
  private final List<String> keys = new ArrayList<>();
  private final int own;
  private final int foreign;
  private final AtomicLongArray completed;
  private final AtomicBoolean writing = new AtomicBoolean(true);
  private final AtomicBoolean reading = new AtomicBoolean(true);
  private final AtomicLong reads = new AtomicLong();
  private final AtomicLong failedReads = new AtomicLong();
  private final AtomicLong olderReads = new AtomicLong();
  private final ConcurrentLinkedQueue<String> examples = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Throwable> writeFailures = new ConcurrentLinkedQueue<>();
  private final List<Thread> writers = new ArrayList<>();
  private final List<Thread> readers = new ArrayList<>();

  /** Writes "0" to every key through {@code near}, then starts two writers and {@code readerCount} readers. */
  ReadWriteLoad(Cache<String, String> near, Cache<String, String> other, List<String> own, List<String> foreign,
      List<String> still, int readerCount) {
    this.near = near;
    this.own = own.size();
    this.foreign = foreign.size();
    keys.addAll(own);
    keys.addAll(foreign);
    keys.addAll(still);
    completed = new AtomicLongArray(keys.size());
    keys.forEach(key -> near.put(key, "0"));
    writers.add(writer(near, 0, this.own, "own-writer"));
    writers.add(writer(other, this.own, this.own + this.foreign, "foreign-writer"));
    for (int r = 0; r < readerCount; r++) {
      readers.add(new Thread(this::read, "reader-" + r));
    }
    writers.forEach(Thread::start);
    readers.forEach(Thread::start);
  }

  /** Reads done so far. */
  long reads() {
    return reads.get();
  }

  /** Stops writing and reading, and checks what the readers saw and that every key ends at its last write. */
  void stopAndCheck() {
    writing.set(false);
    writers.forEach(ReadWriteLoad::join);
    reading.set(false);
    readers.forEach(ReadWriteLoad::join);
    assertThat(writeFailures).as("write failures").isEmpty();
    assertThat(failedReads.get()).as("failed reads of %s, e.g. %s", reads.get(), examples).isZero();
    assertThat(olderReads.get()).as("near reads older than the last completed write, e.g. %s", examples).isZero();
    for (int i = 0; i < own + foreign; i++) {
      String key = keys.get(i);
      String last = Long.toString(completed.get(i));
      await("the last write of " + key + " (" + last + ") read", Duration.ofSeconds(5), () -> last.equals(near.get(key)));
    }
  }

  private void read() {
    while (reading.get()) {
      for (int i = 0; i < keys.size(); i++) {
        long floor = i < own ? completed.get(i) : 0;
        String value;
        try {
          value = near.get(keys.get(i));
        } catch (RuntimeException e) {
          failedReads.incrementAndGet();
          note(keys.get(i) + ": " + e);
          continue;
        }
        reads.incrementAndGet();
        if (value == null) {
          failedReads.incrementAndGet();
          note(keys.get(i) + ": missing");
        } else if (Long.parseLong(value) < floor) {
          olderReads.incrementAndGet();
          note(keys.get(i) + ": read " + value + " after write " + floor + " completed");
        }
      }
    }
  }

  private Thread writer(Cache<String, String> cache, int from, int to, String name) {
    return new Thread(() -> {
      for (long version = 1; writing.get(); version++) {
        for (int i = from; i < to; i++) {
          try {
            // Paced, so that readers find entries to hit between writes.
            Thread.sleep(0, 500_000);
            cache.put(keys.get(i), Long.toString(version));
            completed.set(i, version);
          } catch (RuntimeException e) {
            writeFailures.add(e);
          } catch (InterruptedException e) {
            return;
          }
        }
      }
    }, name);
  }

  private void note(String example) {
    if (examples.size() < 10) {
      examples.add(example);
    }
  }

  private static void join(Thread thread) {
    try {
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    assertThat(thread.isAlive()).as(thread.getName() + " stopped").isFalse();
  }
}
