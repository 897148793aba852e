package dev.aside.near;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Access-TTL touches owed to Redis for near hits, coalesced per key until the cache drains them.
 *
 * <p>A near hit under an expiry policy with an access duration must still reset the entry's TTL in
 * Redis. Sending one {@code PEXPIRE} per hit would defeat the near cache, and each touch makes Redis
 * invalidate the key in every JVM (an {@code EXPIRE} counts as a modification for client tracking), so
 * touches are queued and coalesced: {@link #offer} returns true when the queue went from empty to
 * non-empty, and the cache then schedules one {@link #drain} (e.g. on its executor), which returns
 * each key once, with its TTL reduced by the time since its latest access, so the entry expires as if
 * touched at that access.
 *
 * <p>Thread-safe; both methods are non-blocking.
 */
public final class TouchQueue {
  /** One touch to send: {@code ttlMillis} is positive, or {@code Ttl.ETERNAL}/{@code Ttl.EXPIRED} as offered. */
  public record Touch(byte[] redisKey, long ttlMillis) {}

  private record Pending(byte[] redisKey, long ttlMillis, long accessedNanos) {}

  private final Map<ByteBuffer, Pending> pending = new ConcurrentHashMap<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();

  /**
   * Queues a touch of {@code redisKey} to {@code ttlMillis} (the access TTL, as given by the expiry
   * policy), replacing a queued touch of the same key.
   *
   * @return true if the caller must schedule a {@link #drain} (exactly one caller per batch gets true)
   */
  public boolean offer(byte[] redisKey, long ttlMillis) {
    pending.put(ByteBuffer.wrap(redisKey), new Pending(redisKey, ttlMillis, System.nanoTime()));
    return scheduled.compareAndSet(false, true);
  }

  /** Takes every queued touch (each key once). */
  public List<Touch> drain() {
    scheduled.set(false);
    long now = System.nanoTime();
    List<Touch> out = new ArrayList<>();
    for (Map.Entry<ByteBuffer, Pending> entry : pending.entrySet()) {
      Pending touch = entry.getValue();
      if (!pending.remove(entry.getKey(), touch)) {
        continue;
      }
      long ttl = touch.ttlMillis();
      if (ttl > 0) {
        ttl = Math.max(1, ttl - TimeUnit.NANOSECONDS.toMillis(now - touch.accessedNanos()));
      }
      out.add(new Touch(touch.redisKey(), ttl));
    }
    return out;
  }

  /** Number of keys waiting. */
  public int size() {
    return pending.size();
  }
}
