package dev.aside.cache;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * In-JVM mutual exclusion per entry, for operations that run user code between reading and writing
 * an entry (entry processors): concurrent callers in this JVM take turns, so a processor that loads a
 * missing value (Spring's {@code @Cacheable(sync = true)}) runs once and the others find its value.
 *
 * <p>Across JVMs the compare-and-set still decides; this only spares the JVM's own callers from
 * racing each other. A lock exists while someone holds or waits for it. Locks are reentrant, so a
 * processor may invoke on its own key; processors that invoke on each other's keys can deadlock, as
 * with any cache that locks entries.
 */
final class EntryLocks {
  private final ConcurrentHashMap<ByteBuffer, Lock> locks = new ConcurrentHashMap<>();

  /** Runs {@code action} holding the lock of the entry {@code redisKey}. */
  <T> T withLock(byte[] redisKey, Supplier<T> action) {
    ByteBuffer key = ByteBuffer.wrap(redisKey);
    Lock lock = locks.compute(key, (k, existing) -> {
      Lock held = existing == null ? new Lock() : existing;
      held.users++;
      return held;
    });
    lock.lock();
    try {
      return action.get();
    } finally {
      lock.unlock();
      locks.computeIfPresent(key, (k, held) -> --held.users == 0 ? null : held);
    }
  }

  /** The lock of one entry and how many callers hold or wait for it (changed only inside the map's compute). */
  private static final class Lock extends ReentrantLock {
    private static final long serialVersionUID = 1L;
    int users;
  }

  /** Entries locked or waited for right now. */
  int size() {
    return locks.size();
  }
}
