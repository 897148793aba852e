package dev.aside.near;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.aside.redis.KeyLayout;
import dev.aside.redis.Ttl;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One cache's entries held in this JVM (Caffeine), kept coherent with Redis by an {@link InvalidationFeed}.
 *
 * <p>{@code K} is the near key: whatever the cache looks entries up by, as long as {@code keyOf}
 * maps a Redis entry key back to it. Keying by the encoded key text ({@link #forKeyText}) is
 * recommended: it is exactly the identity of the Redis entry, and mapping an invalidation back is a
 * byte comparison, with no key decoding (and no user code) on Lettuce's event loop.
 *
 * <p>Reading protocol (see the package documentation): {@link #get} → on a miss {@link #reserve}
 * <em>before</em> reading Redis → read value and remaining TTL → {@link #fill}. A fill is dropped if
 * the key was invalidated (by Redis or by {@link #invalidate}), the near cache cleared, or the feed
 * lost or silent, at any moment since the reservation. Own writes call {@link #invalidate} after the
 * write (also when it failed).
 *
 * <p>Store-by-value: immutable values ({@link #isImmutable}) are kept and shared; any other value is
 * kept as its encoded bytes, and the cache decodes a fresh instance per hit ({@link Hit#value}). With
 * store-by-reference every value is shared.
 *
 * <p>Memory: bounded in bytes ({@link NearCacheSettings}). Each entry weighs what it keeps, estimated by
 * {@link Footprint} when filled (at least {@code maxBytes / maxEntries} under a count bound); Caffeine
 * evicts the least valuable entries past the bound, and a fill heavier than
 * {@link NearCacheSettings#maxEntryBytes()} is not kept.
 *
 * <p>Thread-safe. Invalidations run on Lettuce's event loop and are O(1): a per-key removal, or a
 * new generation for a full clear (the memory is released on the common pool).
 */
public final class NearCache<K, V> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NearCache.class);
  private static final byte[] LEASE_SUFFIX = ":lease".getBytes(StandardCharsets.US_ASCII);
  /** Reservation tokens older than this are forgotten (their fills dropped): they were abandoned. */
  private static final long ABANDONED_NANOS = TimeUnit.SECONDS.toNanos(30);
  /** The generation of a closed near cache: no entry or reservation ever belongs to it. */
  private static final Generation CLOSED = new Generation(-1);
  private static final Reservation NONE = new Reservation(null, null, 0);
  private static final Set<Class<?>> IMMUTABLE = Set.of(String.class, Integer.class, Long.class, Short.class,
      Byte.class, Double.class, Float.class, Boolean.class, Character.class, BigInteger.class, BigDecimal.class,
      UUID.class, URI.class, Instant.class, LocalDate.class, LocalTime.class, LocalDateTime.class,
      OffsetDateTime.class, OffsetTime.class, ZonedDateTime.class, java.time.Duration.class, Period.class,
      Year.class, YearMonth.class, MonthDay.class, ZoneOffset.class);

  private final String namespace;
  private final NearCacheSettings settings;
  private final InvalidationFeed feed;
  private final Function<byte[], ? extends K> keyOf;
  private final boolean storeByValue;
  private final Cache<K, Hit<V>> store;
  /** Outstanding reservations per key; removed by an invalidation (marking it) or by the fill it admits. */
  private final ConcurrentHashMap<K, Token> pending = new ConcurrentHashMap<>();
  /*
   * Invariant: an entry or reservation is valid only while its generation is the current one. The
   * generation is replaced by every full clear (FLUSHALL, a lost feed session, close) and when a new
   * feed session begins, so a hit is checked with one comparison, and entries of a lost session or
   * from before a clear die at once, while their memory is released in the background. A feed
   * session is the feed's live period (InvalidationFeed.liveSession): on a cluster it spans every
   * master's tracking connection, and any change of one of them, or of the masters, starts another.
   */
  private volatile Generation generation = new Generation(0);
  private final Object generationLock = new Object();
  /* Hits are counted only on request: a shared counter written on every hit is the costliest part of the hit path. */
  private volatile boolean countingHits = true;
  private final AtomicLong reserveCount = new AtomicLong();
  private final long capNanos;
  private final int minEntryWeight;
  private final int maxEntryBytes;
  private final NearCacheMetrics metrics;
  private final InvalidationFeed.Subscription subscription;
  private volatile boolean closed;

  /**
   * A near cache subscribed to {@code feed} for {@code namespace}.
   *
   * @param namespace the cache's {@code KeyLayout.namespace()}; must be under the feed's prefix
   * @param keyOf maps an invalidated Redis key (any key under the namespace, companions included) to its
   *     near key, or null if it names no entry of this cache. Runs on Lettuce's event loop: keep it cheap
   *     and pure. If it throws, the whole near cache is cleared.
   * @param storeByValue the cache's {@code isStoreByValue()}: if true, only immutable values are shared
   */
  public NearCache(NearCacheSettings settings, InvalidationFeed feed, String namespace,
      Function<byte[], ? extends K> keyOf, boolean storeByValue) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.feed = Objects.requireNonNull(feed, "feed");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.keyOf = Objects.requireNonNull(keyOf, "keyOf");
    this.storeByValue = storeByValue;
    this.capNanos = capNanos(settings.maxLocalLifetime());
    this.minEntryWeight = settings.minEntryWeight();
    this.maxEntryBytes = settings.maxEntryBytes();
    this.metrics = new NearCacheMetrics(this::size, this::weightedSize, settings.maxBytes(), feed::isLive);
    this.store = Caffeine.newBuilder()
        .maximumWeight(settings.maxBytes())
        .weigher((K key, Hit<V> hit) -> hit.weight)
        // Reads check each entry's deadline themselves; Caffeine's time-based expiry would only
        // add a clock read and timer-wheel upkeep to every hit. Expired entries go with the size
        // bound, an invalidation or a clear.
        .removalListener((K key, Hit<V> hit, com.github.benmanes.caffeine.cache.RemovalCause cause) -> {
          if (cause.wasEvicted()) {
            metrics.recordEviction(hit == null ? 0 : hit.weight);
          }
        })
        .build();
    this.subscription = feed.subscribe(namespace, new InvalidationFeed.Listener() {
      @Override
      public void onInvalidate(byte[] redisKey) {
        invalidated(redisKey);
      }

      @Override
      public void onInvalidateAll() {
        clear();
      }
    });
  }

  /** A near cache keyed by the encoded key text ({@code KeyCodec.encode}), the recommended near key. */
  public static <V> NearCache<String, V> forKeyText(NearCacheSettings settings, InvalidationFeed feed,
      KeyLayout layout, boolean storeByValue) {
    return new NearCache<>(settings, feed, layout.namespace(), layout::keyText, storeByValue);
  }

  // ---------------------------------------------------------------- reads

  /**
   * The near cache's clock: {@link System#nanoTime()} as of at most about a millisecond ago, read
   * without a system call. Timing near hits with it gives each a duration of 0 or one tick, whose
   * mean over many hits is the true mean (a hit starts at a random point of a tick), for the price
   * of a field read instead of two clock reads that cost more than the hit itself.
   */
  public static long clockNanos() {
    return CoarseClock.now();
  }

  /** Whether hits are counted in {@link #metrics()}; the cache ties this to its statistics being enabled. */
  public void countHits(boolean counting) {
    this.countingHits = counting;
  }

  /** The entry held for {@code key}, or null (a miss) if none, or if invalidations are not live. */
  public Hit<V> get(K key) {
    long now = CoarseClock.now();
    Hit<V> hit = store.getIfPresent(key);
    if (hit != null && hit.generation == generation && hit.deadlineNanos - now > 0 && feed.isConfirmedAt(now)) {
      if (countingHits) {
        metrics.recordHit();
      }
      return hit;
    }
    metrics.recordMiss();
    return null;
  }

  /**
   * Reserves the right to fill {@code key}: call it after a {@link #get} miss and BEFORE reading Redis.
   * Concurrent readers of one key share a reservation; the first successful fill consumes it. A
   * reservation is consumed by {@link #fill} (whatever its outcome) or {@link #cancel}; one abandoned is
   * forgotten after an invalidation of its key or 30 s.
   */
  public Reservation reserve(K key) {
    Objects.requireNonNull(key, "key");
    long now = System.nanoTime();
    long session = feed.liveSession(now);
    Generation current = session == 0 ? null : generationOf(session);
    if (current == null) {
      return NONE;
    }
    Token token = pending.compute(key, (k, existing) ->
        existing != null && existing.generation == current ? existing : new Token(current, now));
    if ((reserveCount.incrementAndGet() & 1023) == 0) {
      sweep(now);
    }
    return new Reservation(key, token, now);
  }

  /**
   * Keeps a value read from Redis after {@link #reserve}, unless the reservation was invalidated since.
   *
   * @param value the decoded value (kept and shared if immutable or the cache stores by reference), or null
   * @param bytes the value's encoded bytes as stored in Redis (kept when the value may not be shared; not to be
   *     modified afterwards), or null
   * @param ttlMillis the entry's remaining Redis TTL as read ({@code PTTL}) after the reservation: positive, or
   *     {@link Ttl#ETERNAL} (-1) for none. Anything else (an expired or absent entry) keeps nothing. The local
   *     lifetime is this TTL counted from the reservation, capped by {@link NearCacheSettings#maxLocalLifetime()}.
   * @return whether the value was kept
   */
  public boolean fill(Reservation reservation, V value, byte[] bytes, long ttlMillis) {
    Objects.requireNonNull(reservation, "reservation");
    Token token = reservation.token;
    if (token == null || closed) {
      return false;
    }
    boolean share = value != null && (!storeByValue || isImmutable(value));
    long cap = capNanos;
    long lifetime = ttlMillis == Ttl.ETERNAL ? cap : Math.min(cap, TimeUnit.MILLISECONDS.toNanos(ttlMillis));
    // Set early by the coarse clock's lag, so a hit checked against that clock never outlives the TTL.
    long deadline = reservation.startNanos + lifetime - CoarseClock.MAX_LAG_NANOS;
    if ((ttlMillis <= 0 && ttlMillis != Ttl.ETERNAL) || (!share && bytes == null)
        || deadline - System.nanoTime() <= 0) {
      // Nothing to keep. Any other holder of the token could only have read a value written since, whose
      // invalidation is on its way: dropping their fill too is merely conservative.
      cancel(reservation);
      return false;
    }
    @SuppressWarnings("unchecked")
    K key = (K) reservation.key;
    long footprint = Footprint.ofEntry(key, share ? value : null, bytes);
    if (footprint > maxEntryBytes) {
      // Too heavy to keep here: hits would evict many lighter entries. Redis keeps serving it.
      cancel(reservation);
      metrics.recordTooLarge();
      return false;
    }
    int weight = (int) Math.max(footprint, minEntryWeight);
    Hit<V> hit = share ? new Hit<>(value, null, token.generation, deadline, weight)
        : new Hit<>(null, bytes, token.generation, deadline, weight);
    boolean[] kept = new boolean[1];
    // Serialized with invalidations of the same key by the pending map's per-key lock.
    pending.compute(key, (k, current) -> {
      if (current != token) {
        return current;
      }
      if (!isCurrent(token.generation)) {
        return null;
      }
      store.put(k, hit);
      kept[0] = true;
      return null;
    });
    if (kept[0]) {
      metrics.recordFill();
    } else if (token.invalidated || !isCurrent(token.generation)) {
      metrics.recordStaleFillDropped();
    }
    return kept[0];
  }

  /**
   * Gives up a reservation, e.g. when reading Redis failed (optional: an unfilled reservation is forgotten
   * after an invalidation of its key or 30 s). Concurrent readers sharing it will not fill either.
   */
  public void cancel(Reservation reservation) {
    if (reservation.token != null) {
      pending.remove(reservation.key, reservation.token);
    }
  }

  // ---------------------------------------------------------------- writes and invalidation

  /**
   * Drops {@code key}'s entry and voids its outstanding reservations. Call it for every write or removal
   * of the key by this JVM, after the Redis command returned or failed, before returning to the caller.
   */
  public void invalidate(K key) {
    Objects.requireNonNull(key, "key");
    pending.computeIfPresent(key, (k, token) -> {
      token.invalidated = true;
      return null;
    });
    store.invalidate(key);
  }

  /** Drops every entry and voids every reservation, at once. */
  public void clear() {
    synchronized (generationLock) {
      if (generation != CLOSED) {
        generation = new Generation(generation.session);
      }
    }
    pending.clear();
    metrics.recordFullClear();
    try {
      ForkJoinPool.commonPool().execute(store::invalidateAll);
    } catch (RuntimeException e) {
      store.invalidateAll();
    }
  }

  /** Invalidation from Redis, on Lettuce's event loop. */
  private void invalidated(byte[] redisKey) {
    if (endsWith(redisKey, LEASE_SUFFIX)) {
      return;
    }
    K key;
    try {
      key = keyOf.apply(redisKey);
    } catch (RuntimeException e) {
      log.debug("Cannot map invalidated key {} to a near-cache key; clearing the near cache",
          new String(redisKey, StandardCharsets.UTF_8), e);
      clear();
      return;
    }
    if (key != null) {
      // Counted once applied: a reader that sees the count sees the entry gone.
      invalidate(key);
      metrics.recordInvalidationReceived();
    }
  }

  /** The current generation for a reservation in feed session {@code session}, or null once closed. */
  private Generation generationOf(long session) {
    Generation current = generation;
    if (current.session == session) {
      return current;
    }
    synchronized (generationLock) {
      current = generation;
      if (current == CLOSED) {
        return null;
      }
      if (current.session != session) {
        // A new session: every entry of the last one was cleared when it was lost.
        current = new Generation(session);
        generation = current;
      }
      return current;
    }
  }

  /** Whether a fill of {@code g} may still be kept: no clear since, and its feed session still live. */
  private boolean isCurrent(Generation g) {
    return generation == g && feed.liveSession(System.nanoTime()) == g.session;
  }

  // ---------------------------------------------------------------- the rest

  /** Whether hits are served now (the feed is live). */
  public boolean isLive() {
    return !closed && feed.isLive();
  }

  public NearCacheMetrics metrics() {
    return metrics;
  }

  public NearCacheSettings settings() {
    return settings;
  }

  public String namespace() {
    return namespace;
  }

  /** Outstanding reservations; for tests. */
  int pendingReservations() {
    return pending.size();
  }

  /** Approximate number of entries held (cleared entries may count until released). */
  public long size() {
    return store.estimatedSize();
  }

  /** Estimated bytes the entries held weigh (at least {@code maxBytes / maxEntries} each under a count bound). */
  public long weightedSize() {
    return store.policy().eviction().map(eviction -> eviction.weightedSize().orElse(0)).orElse(0L);
  }

  /** Unsubscribes and drops everything. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    subscription.close();
    synchronized (generationLock) {
      generation = CLOSED;
    }
    pending.clear();
    store.invalidateAll();
    store.cleanUp();
  }

  /** Forces Caffeine's pending maintenance (evictions, expirations); for tests. */
  void cleanUp() {
    store.cleanUp();
  }

  @Override
  public String toString() {
    return "NearCache[" + namespace + ", " + metrics + "]";
  }

  /**
   * Whether a value may be shared between callers under store-by-value: strings, boxed primitives,
   * {@code BigInteger}/{@code BigDecimal} (exact classes), {@code UUID}, {@code URI}, the {@code java.time}
   * value types and enum constants.
   */
  public static boolean isImmutable(Object value) {
    return value != null && (IMMUTABLE.contains(value.getClass()) || value instanceof Enum<?>);
  }

  /** The local lifetime cap in nanoseconds, at most 100 years so that deadlines never overflow. */
  private static long capNanos(java.time.Duration lifetime) {
    long max = TimeUnit.DAYS.toNanos(36_500);
    return lifetime.compareTo(java.time.Duration.ofNanos(max)) >= 0 ? max : lifetime.toNanos();
  }

  private void sweep(long now) {
    pending.values().removeIf(token -> now - token.createdNanos > ABANDONED_NANOS);
  }

  private static boolean endsWith(byte[] key, byte[] suffix) {
    int from = key.length - suffix.length;
    return from >= 0 && java.util.Arrays.equals(key, from, key.length, suffix, 0, suffix.length);
  }

  // ---------------------------------------------------------------- types

  /**
   * A near-cache entry, as returned by {@link #get}: an immutable (or by-reference) value shared by all
   * hits, or the encoded bytes to decode per hit.
   */
  public static final class Hit<V> {
    private final V value;
    private final byte[] bytes;
    final Generation generation;
    final long deadlineNanos;
    final int weight;

    Hit(V value, byte[] bytes, Generation generation, long deadlineNanos, int weight) {
      this.value = value;
      this.bytes = bytes;
      this.generation = generation;
      this.deadlineNanos = deadlineNanos;
      this.weight = weight;
    }

    /** The value: the shared instance, or a fresh one from {@code decoder} (which may return null: treat as a miss). */
    public V value(Function<byte[], ? extends V> decoder) {
      return value != null ? value : decoder.apply(bytes);
    }

    /** Whether {@link #value} returns one shared instance rather than decoding. */
    public boolean isShared() {
      return value != null;
    }

    /** Remaining local lifetime (at most the Redis TTL the entry was filled with). */
    public long remainingNanos() {
      return Math.max(0, deadlineNanos - System.nanoTime());
    }
  }

  /** The caller's claim to fill one key; see {@link #reserve}. */
  public static final class Reservation {
    private final Object key;
    private final Token token;
    private final long startNanos;

    Reservation(Object key, Token token, long startNanos) {
      this.key = key;
      this.token = token;
      this.startNanos = startNanos;
    }

    /** False when the near cache was not live at reservation: its fill will be dropped. */
    public boolean isLive() {
      return token != null;
    }
  }

  /** Shared by the concurrent readers of one key; marked when the key is invalidated. */
  static final class Token {
    final Generation generation;
    final long createdNanos;
    volatile boolean invalidated;

    Token(Generation generation, long createdNanos) {
      this.generation = generation;
      this.createdNanos = createdNanos;
    }
  }

  /** One generation of entries: see the invariant at {@code generation}. Compared by identity. */
  private static final class Generation {
    final long session;

    Generation(long session) {
      this.session = session;
    }
  }

}
