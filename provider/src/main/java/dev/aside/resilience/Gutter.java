package dev.aside.resilience;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.aside.management.ReadPathMetrics;
import dev.aside.near.Footprint;
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
 *       the TTL is refused anyway; a marker evicted by the bounds raises the floor instead;
 *   <li>the gutter is emptied when Redis is trusted again and on {@code clear}; it is read only while
 *       Redis is not answering for the key, so nothing from it outlives an outage by more than the TTL.
 * </ul>
 *
 * <p>Memory: the gutter keeps each value's <em>encoded bytes</em> (as Redis holds them, without the key
 * text of a hashed key), not the decoded object, and callers decode a fresh instance per hit. That makes
 * its weight exact rather than an estimate of an object graph ({@link Footprint#ofKept}: the two arrays and
 * the entry's fixed overhead), costs nothing while Redis answers (the bytes were read anyway; a loaded value
 * is encoded once, during an outage only) and keeps store-by-value semantics: no two callers share an
 * instance. The price, one decode per gutter hit, is paid only during an outage. The gutter is bounded in
 * bytes ({@link GutterSettings}), and a value heavier than 1/16 of the bound is not kept at all.
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

  private sealed interface Slot permits Loaded, Dropped {
    int weight();
  }

  private record Loaded(byte[] bytes, long loadedAt, int weight) implements Slot {}

  private record Dropped(long sequence, int weight) implements Slot {}

  private final long ttlNanos;
  private final Ticker ticker;
  private final Cache<ByteBuffer, Slot> slots;
  private final long maxBytes;
  private final int maxEntryBytes;
  private final int minEntryWeight;
  private final ReadPathMetrics metrics;
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong floor = new AtomicLong();
  private volatile Runnable detach = () -> {};

  private Gutter() {
    this.ttlNanos = 0;
    this.ticker = Ticker.systemTicker();
    this.slots = null;
    this.maxBytes = 0;
    this.maxEntryBytes = 0;
    this.minEntryWeight = 0;
    this.metrics = new ReadPathMetrics();
  }

  /** A gutter within {@code settings}, on {@code ticker}'s clock, counting its evictions in {@code metrics}. */
  public Gutter(GutterSettings settings, Ticker ticker, ReadPathMetrics metrics) {
    this.ttlNanos = settings.ttl().toNanos();
    this.ticker = Objects.requireNonNull(ticker);
    this.metrics = Objects.requireNonNull(metrics);
    this.maxBytes = settings.maxBytes();
    this.maxEntryBytes = settings.maxEntryBytes();
    this.minEntryWeight = settings.minEntryWeight();
    this.slots = Caffeine.newBuilder()
        .maximumWeight(maxBytes)
        .weigher((ByteBuffer key, Slot slot) -> slot.weight())
        .ticker(ticker)
        .expireAfter(Expiry.writing((ByteBuffer key, Slot slot) ->
            slot instanceof Loaded loaded ? Duration.ofNanos(ttlNanos - (ticker.read() - loaded.loadedAt()))
                : Duration.ofNanos(ttlNanos)))
        .evictionListener((ByteBuffer key, Slot slot, RemovalCause cause) -> {
          if (cause != RemovalCause.SIZE) {
            return;
          }
          if (slot instanceof Dropped dropped) {
            floor.accumulateAndGet(dropped.sequence(), Math::max);
          } else if (slot != null) {
            metrics.recordOutageEviction(slot.weight());
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

  /**
   * The bytes kept for {@code entryKey} and still within the TTL, or null: a value's encoded bytes without
   * key text, to be decoded by the caller (a fresh instance per read).
   */
  public byte[] get(byte[] entryKey) {
    if (slots == null) {
      return null;
    }
    Slot slot = slots.getIfPresent(ByteBuffer.wrap(entryKey));
    return slot instanceof Loaded loaded && ticker.read() - loaded.loadedAt() < ttlNanos ? loaded.bytes() : null;
  }

  /** Starts a load whose value may be {@linkplain #keep kept}; taken before the loader is called. */
  public Ticket startLoad() {
    inFlight.incrementAndGet();
    return new Ticket(sequence.get(), ticker.read());
  }

  /**
   * Keeps what a load returned (or Redis answered), unless the key was dropped or the gutter cleared since
   * its ticket, or a newer load's value is kept already. A value heavier than 1/16 of the byte bound is not
   * kept, and it replaces an older value of the key: the gutter forgets that one rather than serve it.
   *
   * @param bytes the value's encoded bytes without key text (as {@code ValueCodec.encode} makes them); kept
   *     as they are, so not to be modified afterwards; null keeps nothing
   */
  public void keep(byte[] entryKey, Ticket ticket, byte[] bytes) {
    if (slots == null || bytes == null || ticker.read() - ticket.startedAt >= ttlNanos) {
      return;
    }
    long footprint = Footprint.ofKept(entryKey, bytes);
    boolean tooLarge = footprint > maxEntryBytes;
    int weight = (int) Math.max(footprint, minEntryWeight);
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
      return tooLarge ? (old instanceof Dropped ? old : null) : new Loaded(bytes, ticket.startedAt, weight);
    });
    if (tooLarge) {
      metrics.recordOutageTooLarge();
    }
  }

  /** A write or removal of {@code entryKey} through this JVM: forget its value, refuse loads begun before. */
  public void drop(byte[] entryKey) {
    if (slots == null) {
      return;
    }
    long dropped = sequence.incrementAndGet();
    if (inFlight.get() > 0) {
      slots.put(ByteBuffer.wrap(entryKey.clone()),
          new Dropped(dropped, (int) Math.max(Footprint.ofKept(entryKey, null), minEntryWeight)));
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

  /** The most bytes the entries may weigh. */
  public long maxBytes() {
    return maxBytes;
  }

  /** What the entries weigh now ({@code maxBytes / maxEntries} at least, each, under a count bound). */
  public long weightedSize() {
    if (slots == null) {
      return 0;
    }
    slots.cleanUp();
    return slots.policy().eviction().map(eviction -> eviction.weightedSize().orElse(0)).orElse(0L);
  }

  /**
   * How many entries are kept: values, and the rare drop marker of a key written while a load was in flight.
   * Cheap enough for a metrics scrape (Caffeine's count after its pending maintenance, not a walk).
   */
  public long size() {
    if (slots == null) {
      return 0;
    }
    slots.cleanUp();
    return slots.estimatedSize();
  }
}
