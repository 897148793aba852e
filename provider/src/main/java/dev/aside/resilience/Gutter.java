package dev.aside.resilience;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Values loaded while Redis was not answering for their key, kept in this JVM for {@code outage-ttl} so an
 * outage costs the source one load per hot key per TTL, not one per read (the memcache paper's gutter).
 * Values Redis answered while it was trusted are kept the same way (their read's start counts as the
 * load's), so the first reads of an outage do not all reach the source at once.
 *
 * <p>The staleness bound: a value is served only while {@code now - loadStart < ttl}, the load's start
 * taken before the loader was called. A read therefore reflects every write that reached the source more
 * than {@code ttl} before it; a write made through this JVM ({@link #drop}, after the writer ran) is
 * reflected at once. Invariants behind that:
 * <ul>
 *   <li>every load takes a {@link Ticket} (the drop sequence and its start time) before it calls the
 *       loader; {@link #keep} refuses the value if the key was dropped, or the gutter cleared, after the
 *       ticket was taken, so a load racing with an own write never brings the old value back;
 *   <li>a drop leaves a marker only while loads are in flight (a load counts itself in flight before it
 *       reads the sequence, a drop bumps the sequence before it reads the count, so a drop that sees no
 *       load in flight precedes every later ticket); a marker lives for the TTL, and a load older than
 *       the TTL is refused anyway; a marker evicted by the size bound raises the floor instead;
 *   <li>the gutter is emptied when Redis is trusted again and on {@code clear}; it is read only while
 *       Redis is not answering for the key, so nothing from it outlives an outage by more than the TTL.
 * </ul>
 */
public final class Gutter {
  private static final Gutter DISABLED = new Gutter();

  /** A load in progress: the drop sequence and the time when it began. Close it when the load is over. */
  public final class Ticket implements AutoCloseable {
    private final long sequence;
    private final long startedAt;

    private Ticket(long sequence, long startedAt) {
      this.sequence = sequence;
      this.startedAt = startedAt;
    }

    @Override
    public void close() {
      inFlight.decrementAndGet();
    }
  }

  private sealed interface Slot permits Loaded, Dropped {}

  private record Loaded(Object value, long loadedAt) implements Slot {}

  private record Dropped(long sequence) implements Slot {}

  private final long ttlNanos;
  private final Ticker ticker;
  private final Cache<ByteBuffer, Slot> slots;
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong floor = new AtomicLong();
  private volatile Runnable detach = () -> {};

  private Gutter() {
    this.ttlNanos = 0;
    this.ticker = Ticker.systemTicker();
    this.slots = null;
  }

  /**
   * @param ttl how long a loaded value is served while Redis is not answering (from the load's start)
   * @param maxEntries the most values kept
   */
  public Gutter(Duration ttl, long maxEntries, Ticker ticker) {
    this.ttlNanos = ttl.toNanos();
    this.ticker = Objects.requireNonNull(ticker);
    if (ttlNanos <= 0 || maxEntries < 1) {
      throw new IllegalArgumentException("a gutter needs a positive TTL and size, was " + ttl + ", " + maxEntries);
    }
    this.slots = Caffeine.newBuilder()
        .maximumSize(maxEntries)
        .ticker(ticker)
        .expireAfter(Expiry.writing((ByteBuffer key, Slot slot) ->
            slot instanceof Loaded loaded ? Duration.ofNanos(ttlNanos - (ticker.read() - loaded.loadedAt()))
                : Duration.ofNanos(ttlNanos)))
        .evictionListener((ByteBuffer key, Slot slot, com.github.benmanes.caffeine.cache.RemovalCause cause) -> {
          if (slot instanceof Dropped dropped && cause == com.github.benmanes.caffeine.cache.RemovalCause.SIZE) {
            floor.accumulateAndGet(dropped.sequence(), Math::max);
          }
        })
        .build();
  }

  /** The gutter of a cache without one: keeps nothing. */
  public static Gutter disabled() {
    return DISABLED;
  }

  public boolean isEnabled() {
    return slots != null;
  }

  /** The value kept for {@code entryKey} and still within the TTL, or null. */
  @SuppressWarnings("unchecked")
  public <V> V get(byte[] entryKey) {
    if (slots == null) {
      return null;
    }
    Slot slot = slots.getIfPresent(ByteBuffer.wrap(entryKey));
    return slot instanceof Loaded loaded && ticker.read() - loaded.loadedAt() < ttlNanos ? (V) loaded.value() : null;
  }

  /** Starts a load whose value may be {@linkplain #keep kept}; taken before the loader is called. */
  public Ticket startLoad() {
    inFlight.incrementAndGet();
    return new Ticket(sequence.get(), ticker.read());
  }

  /** Keeps what a load returned, unless the key was dropped or the gutter cleared since its ticket. */
  public void keep(byte[] entryKey, Ticket ticket, Object value) {
    if (slots == null || value == null || ticker.read() - ticket.startedAt >= ttlNanos) {
      return;
    }
    slots.asMap().compute(ByteBuffer.wrap(entryKey.clone()), (key, old) -> {
      if (ticket.sequence < floor.get()) {
        return old;
      }
      if (old instanceof Dropped dropped && dropped.sequence() > ticket.sequence) {
        return old;
      }
      if (old instanceof Loaded loaded && loaded.loadedAt() - ticket.startedAt > 0) {
        return old;
      }
      return new Loaded(value, ticket.startedAt);
    });
  }

  /** A write or removal of {@code entryKey} through this JVM: forget its value, refuse loads begun before. */
  public void drop(byte[] entryKey) {
    if (slots == null) {
      return;
    }
    long dropped = sequence.incrementAndGet();
    if (inFlight.get() > 0) {
      slots.put(ByteBuffer.wrap(entryKey.clone()), new Dropped(dropped));
    } else {
      slots.invalidate(ByteBuffer.wrap(entryKey));
    }
  }

  /** Forgets every value and refuses every load begun before (Redis trusted again, or the cache cleared). */
  public void clear() {
    if (slots == null) {
      return;
    }
    floor.accumulateAndGet(sequence.incrementAndGet(), Math::max);
    slots.invalidateAll();
  }

  /** What {@link #close} runs: unregisters the gutter from the manager's recovery. */
  public void detachOnClose(Runnable detach) {
    this.detach = Objects.requireNonNull(detach);
  }

  /** The cache is closing: forget everything and stop listening for recovery. */
  public void close() {
    detach.run();
    clear();
  }

  /** How many values are kept (expired ones may count until they are cleaned up). */
  public long size() {
    if (slots == null) {
      return 0;
    }
    slots.cleanUp();
    return slots.asMap().values().stream().filter(Loaded.class::isInstance).count();
  }
}
