package dev.aside.load;

import dev.aside.codec.EntryKey;
import dev.aside.codec.MaxValueSize;
import dev.aside.codec.UndecodableValueException;
import dev.aside.codec.ValueCodec;
import dev.aside.codec.ValueFormat;
import dev.aside.codec.ValueFormat.LoadInfo;
import dev.aside.expiry.ExpiryTimes;
import dev.aside.management.ReadPathMetrics;
import dev.aside.redis.RedisStore;
import dev.aside.redis.RedisStore.CasAction;
import dev.aside.redis.RedisOperationException;
import dev.aside.redis.RedisStore.LeaseReply;
import dev.aside.redis.EntryTtl;
import dev.aside.resilience.Gutter;
import dev.aside.resilience.OutageLoads;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read-through path of one cache, after a miss: cache-aside made safe for production.
 *
 * <pre>
 *  1. Coalesce in this JVM: the first miss of a key starts a flight, every concurrent miss of the
 *     key waits for that flight's answer (a loader failure reaches them all).
 *  2. Coalesce across JVMs: the flight runs lease.lua, which returns the entry if another JVM
 *     filled it meanwhile, or takes the entry's lease (random token, SET NX PX, same slot).
 *  3. Lease taken: call the loader, then fill with fill.lua, which stores the value only while the
 *     token is still the lease and the entry is still absent. A null from the loader stores a
 *     tombstone if negative caching is on.
 *  4. Lease held elsewhere: wait with bounded back-off polling for that JVM's fill; past the lease
 *     wait, load on our own and answer without caching (a lease whose holder died expires by itself).
 *  5. Fail open: when Redis is failing or not trusted for the key, the flight answers from the gutter
 *     if it keeps the key (outage-ttl), else calls the loader and keeps the value there (see
 *     {@link Gutter}); nothing is stored in Redis. With outageMaxLoads, the loader call first takes
 *     one of the manager's slots ({@link OutageLoads}), or is refused once outageLoadWait has passed.
 *  6. Refresh-ahead (optional, needs leases): a hit close to expiry may, with XFetch's
 *     probability, start a coalesced background refresh under the lease; the reader never waits.
 *     Its fill stores the value only while the entry still holds the very bytes that hit read.
 * </pre>
 *
 * <p>Invariants, which together mean a read that begins after a write's invalidation has returned
 * never gets the value from before that write:
 * <ul>
 *   <li>a fill stores nothing unless the entry is as its load found it: a miss's fill only into an
 *       absent entry, a refresh's only over the bytes it refreshes. A write (put, replace, invoke,
 *       loadAll's store: one command, no lease touched) leaves the entry present and changed, so a
 *       fill that raced with it is rejected. Every removal or invalidation (remove, removeAll, clear,
 *       a conditional or processor removal, an update or access that expires the entry at once, the
 *       replay of a failed invalidation) deletes the lease with the entry or ahead of it, so the
 *       token check rejects the fill although the entry is absent again;
 *   <li>what this does not cover: a write whose entry is gone again before the fill, without Aside
 *       deleting it (its own TTL ran out, or Redis evicted it under maxmemory), leaves the lease and
 *       an absent entry behind, so a miss's fill of a value loaded before that write is stored. That
 *       needs the write's TTL (or an eviction) to end within one load; the stored value then lives
 *       for its own TTL. A refresh's fill is never affected (the entry it must find is gone);
 *   <li>a flight stops taking joiners just before it fills (see {@link Flight}). If the fill is
 *       rejected, a write raced with the load and a joiner may have arrived after that write: the
 *       flight loads again before it answers anyone. Every joiner arrived before that reload
 *       began, so the reload is fresh for all of them; further reloads only try to cache it;
 *   <li>a waiter whose deadline passes answers with its own load, which began after its read did;
 *   <li>a write made through this JVM (after its writer ran) overtakes the flight of its key if it is
 *       still open ({@link #written}): a joiner may have begun after that write. A rejected fill makes
 *       the flight load again anyway; where nothing can reject the value (the fill failed with Redis,
 *       the value is too large to cache, the flight failed open and has no fill), an overtaken flight
 *       loads again once closed and answers with that load, which began after every joiner's read. A
 *       background refresh loads again for its joiners when its fill was rejected or it was overtaken.
 *       A write that finds the flight closed needs nothing: nobody can join it any more.
 * </ul>
 */
public final class ReadThrough<K, V> {
  private static final Logger log = LoggerFactory.getLogger(ReadThrough.class);
  private static final int MAX_LOADS_PER_FLIGHT = 4;
  private static final long MAX_POLL_MILLIS = 50;

  private final RedisStore store;
  private final ValueCodec<V> values;
  private final BiFunction<EntryKey, byte[], V> decode;
  private final ExpiryTimes expiry;
  private final BiConsumer<K, V> onCreated;
  private final ReadPathMetrics metrics;
  private final Executor executor;
  private final boolean coalescing;
  private final long leaseTtl;
  private final long leaseWaitNanos;
  private final EntryTtl negativeTtl;
  private final double refreshBeta;
  private final MaxValueSize maxValueSize;
  private final Gutter gutter;
  private final OutageLoads outageLoads;
  private final ConcurrentMap<ByteBuffer, Flight<V>> flights = new ConcurrentHashMap<>();

  /** The read-path settings of one cache. */
  public record Settings(boolean coalescing, Duration leaseTtl, Duration leaseWait, Duration negativeTtl,
      double refreshAheadBeta) {}

  /**
   * @param decode the cache's decoder of an entry's bytes: null for a tombstone, bytes of another key or bytes
   *     that do not decode
   * @param onCreated publishes the CREATED event of a filled value
   */
  public ReadThrough(RedisStore store, ValueCodec<V> values, MaxValueSize maxValueSize,
      BiFunction<EntryKey, byte[], V> decode, ExpiryTimes expiry, BiConsumer<K, V> onCreated, ReadPathMetrics metrics,
      Executor executor, Gutter gutter, OutageLoads outageLoads, Settings settings) {
    this.store = Objects.requireNonNull(store);
    this.values = Objects.requireNonNull(values);
    this.decode = Objects.requireNonNull(decode);
    this.expiry = Objects.requireNonNull(expiry);
    this.onCreated = Objects.requireNonNull(onCreated);
    this.metrics = Objects.requireNonNull(metrics);
    this.executor = Objects.requireNonNull(executor);
    this.coalescing = settings.coalescing();
    this.leaseTtl = settings.leaseTtl().toMillis();
    this.leaseWaitNanos = settings.leaseWait().toNanos();
    long negativeMillis = settings.negativeTtl().toMillis();
    this.negativeTtl = negativeMillis > 0 ? EntryTtl.ofMillis(negativeMillis) : EntryTtl.EXPIRED;
    this.refreshBeta = settings.refreshAheadBeta();
    this.maxValueSize = Objects.requireNonNull(maxValueSize);
    this.gutter = Objects.requireNonNull(gutter);
    this.outageLoads = Objects.requireNonNull(outageLoads);
  }

  /** Whether removals must void leases (the cache calls {@link RedisStore#voidLeaseAsync} first). */
  public boolean usesLeases() {
    return leaseTtl > 0;
  }

  /**
   * A write or removal of the entry through this JVM, made after its writer ran: a flight of the key still
   * open to joiners loads again before it answers, unless a rejected fill already made it (see the invariants).
   */
  public void written(byte[] redisKey) {
    Flight<V> flight = flights.get(ByteBuffer.wrap(redisKey));
    if (flight != null) {
      flight.overtake();
    }
  }

  /** {@link #written} for every entry: the cache was cleared. */
  public void writtenAll() {
    flights.values().forEach(Flight::overtake);
  }

  /** Whether stored values may be tombstones. */
  public boolean cachesAbsence() {
    return negativeTtl.isFinite();
  }

  /** Whether a hit may start a refresh-ahead ({@link #maybeRefresh}). */
  public boolean refreshesAhead() {
    return refreshBeta != 0 && usesLeases();
  }

  /**
   * Answers a miss of {@code key} with {@code loader} (the cache's, or a caller's per-call loader):
   * joins this JVM's open flight for the key, or runs one. A flight is per key, not per loader, so
   * concurrent misses share one load whichever loader each brought. When Redis is failing or not
   * trusted for this key ({@code redisAnswers} false), the flight fails open: it answers from the
   * gutter or calls the loader, and stores nothing in Redis; concurrent misses still share that call.
   */
  public V load(K key, EntryKey entryKey, boolean redisAnswers, LoaderAdapter<K, V> loader) {
    if (!coalescing) {
      Flight<V> alone = new Flight<>(() -> {});
      return redisAnswers ? fly(key, entryKey, alone, loader) : failOpen(key, entryKey, alone, loader);
    }
    ByteBuffer id = ByteBuffer.wrap(entryKey.redisKey());
    while (true) {
      Flight<V> flight = newFlight(id);
      Flight<V> running = flights.putIfAbsent(id, flight);
      if (running == null) {
        try {
          V value = redisAnswers ? fly(key, entryKey, flight, loader) : failOpen(key, entryKey, flight, loader);
          flight.complete(value);
          return value;
        } catch (RuntimeException e) {
          flight.fail(e);
          throw e;
        }
      }
      if (running.tryJoin()) {
        metrics.recordCoalescedWait();
        return running.await();
      }
      flights.remove(id, running);
    }
  }

  private Flight<V> newFlight(ByteBuffer id) {
    @SuppressWarnings("unchecked")
    Flight<V>[] self = new Flight[1];
    self[0] = new Flight<>(() -> flights.remove(id, self[0]));
    return self[0];
  }

  /** One flight: find the entry, or load it under the lease, or wait for another JVM's fill. */
  private V fly(K key, EntryKey entryKey, Flight<V> flight, LoaderAdapter<K, V> loader) {
    if (leaseTtl == 0) {
      flight.close();
      return loadWithoutLease(key, entryKey, loader);
    }
    long deadline = System.nanoTime() + leaseWaitNanos;
    long pollMillis = 1;
    boolean waited = false;
    int loads = 0;
    while (true) {
      byte[] token = LeaseToken.next();
      long mark = flight.mark();
      LeaseReply reply;
      try {
        reply = store.leaseOrGet(entryKey.redisKey(), token, leaseTtl);
      } catch (RedisOperationException e) {
        metrics.recordFailedRead();
        return failOpen(key, entryKey, flight, loader);   // Redis is failing: the gutter or the source answers
      }
      switch (reply.state()) {
        case FOUND -> {
          if (!flight.closeIfNoJoinsSince(mark)) {
            // Someone joined while this read was on its way: their read may follow a write that
            // this read does not reflect. Read again, closed to further joiners.
            flight.close();
            continue;
          }
          return found(key, entryKey, reply.value(), loader);
        }
        case ACQUIRED -> {
          long start = System.nanoTime();
          V value;
          try {
            value = callLoader(key, loader);
          } catch (RuntimeException e) {
            releaseQuietly(entryKey, token);
            throw e;
          }
          flight.close();
          loads++;
          boolean notRejected = fillUnderLease(key, entryKey, token, value, start, null);
          if (notRejected && flight.wasOvertaken()) {
            // An own write came while joiners could, and no fill proves this value fresh: load again.
            return callLoader(key, loader);
          }
          if (notRejected || loads == MAX_LOADS_PER_FLIGHT) {
            return value;
          }
          // A write or invalidation raced with this load: load again before answering anyone.
          metrics.recordStaleFillRejected();
        }
        case HELD_ELSEWHERE -> {
          if (!waited) {
            waited = true;
            metrics.recordCrossJvmWait();
          }
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            metrics.recordLeaseTimeout();
            flight.close();
            return callLoader(key, loader);
          }
          long sleep = Math.min(Math.min(pollMillis, Math.max(1, reply.leaseMillisLeft())),
              TimeUnit.NANOSECONDS.toMillis(left) + 1);
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(sleep));
          pollMillis = Math.min(pollMillis * 2, MAX_POLL_MILLIS);
        }
      }
    }
  }

  /** The entry exists after all: a value, a tombstone, or bytes that do not decode (reloaded and repaired). */
  private V found(K key, EntryKey entryKey, byte[] bytes, LoaderAdapter<K, V> loader) {
    if (ValueFormat.isTombstone(bytes) && ValueFormat.belongsTo(bytes, entryKey)) {
      metrics.recordNegativeHit();
      return null;
    }
    V value = decode.apply(entryKey, bytes);
    if (value != null) {
      return value;
    }
    long start = System.nanoTime();
    V loaded = callLoader(key, loader);
    if (loaded != null) {
      EntryTtl ttl = expiry.creation();
      byte[] repaired = ttl.isExpired() ? null : encode(entryKey, loaded, start, ttl);
      if (repaired != null) {
        try {
          store.compareAndSet(entryKey.redisKey(), bytes, CasAction.SET, repaired, ttl);
        } catch (RedisOperationException e) {
          log.debug("Could not replace undecodable bytes: {}", e.getMessage());
        }
      }
    }
    return loaded;
  }

  /**
   * Stores what the loader returned while the lease is ours and the entry is as the load found it
   * ({@code found}: null when absent); false when the fill was rejected as stale. A value too large to
   * cache, or a Redis failure, leaves it uncached (the lease expires).
   */
  private boolean fillUnderLease(K key, EntryKey entryKey, byte[] token, V value, long loadStart, byte[] found) {
    EntryTtl ttl = value == null ? negativeTtl : expiry.creation();
    byte[] bytes = ttl.isExpired() ? null : value == null ? ValueFormat.tombstone(entryKey)
        : encode(entryKey, value, loadStart, ttl);
    if (bytes == null) {
      releaseQuietly(entryKey, token);
      return true;
    }
    try {
      if (!store.fill(entryKey.redisKey(), token, bytes, ttl, found)) {
        return false;
      }
    } catch (RedisOperationException e) {
      metrics.recordFailedWrite();
      return true;
    }
    if (value != null) {
      onCreated.accept(key, value);
    }
    return true;
  }

  /** Leases off: load, then store only if no one stored the key meanwhile (a stale set stays possible). */
  private V loadWithoutLease(K key, EntryKey entryKey, LoaderAdapter<K, V> loader) {
    long start = System.nanoTime();
    V value = callLoader(key, loader);
    EntryTtl ttl = value == null ? negativeTtl : expiry.creation();
    byte[] bytes = ttl.isExpired() ? null : value == null ? ValueFormat.tombstone(entryKey)
        : encode(entryKey, value, start, ttl);
    try {
      if (bytes != null && store.setIfAbsent(entryKey.redisKey(), bytes, ttl) && value != null) {
        onCreated.accept(key, value);
      }
    } catch (RedisOperationException e) {
      metrics.recordFailedWrite();
    }
    return value;
  }

  /**
   * After a hit: with XFetch's probability, refresh the entry in the background before it expires.
   * Refresh when {@code now - delta * beta * ln(rand) >= expiry}, delta being the last load's time.
   */
  public void maybeRefresh(K key, EntryKey entryKey, byte[] bytes, LoaderAdapter<K, V> loader) {
    if (!refreshesAhead()) {
      return;
    }
    LoadInfo info = ValueFormat.loadInfo(bytes);
    if (info == null || info.expiresAtMillis() == 0 || info.loadMillis() == 0) {
      return;
    }
    double rand = 1.0 - ThreadLocalRandom.current().nextDouble();
    double now = System.currentTimeMillis();
    if (now - info.loadMillis() * refreshBeta * Math.log(rand) < info.expiresAtMillis()) {
      return;
    }
    ByteBuffer id = ByteBuffer.wrap(entryKey.redisKey());
    Flight<V> flight = newFlight(id);
    if (flights.putIfAbsent(id, flight) != null) {
      return;
    }
    try {
      executor.execute(() -> refresh(key, entryKey, bytes, flight, loader));
      metrics.recordEarlyRefresh();
    } catch (RejectedExecutionException e) {
      flight.complete(null);
    }
  }

  /**
   * A background refresh of the entry that held {@code bytes}: reload under the lease and fill over
   * those bytes; misses meanwhile join it. A rejected fill means a write or removal raced with the
   * reload, and a joiner may have missed after it: joiners, if any, are answered the way a miss is.
   */
  private void refresh(K key, EntryKey entryKey, byte[] bytes, Flight<V> flight, LoaderAdapter<K, V> loader) {
    try {
      byte[] token = LeaseToken.next();
      if (!store.takeLease(entryKey.redisKey(), token, leaseTtl)) {
        // Another JVM is refreshing or loading it: answer any joiner the way a miss is answered.
        flight.complete(fly(key, entryKey, flight, loader));
        return;
      }
      long start = System.nanoTime();
      V value = callLoader(key, loader);
      boolean joined = flight.close();
      if (!fillUnderLease(key, entryKey, token, value, start, bytes)) {
        // A write or removal raced with the reload: joiners are answered the way a miss is.
        metrics.recordStaleFillRejected();
        value = joined ? fly(key, entryKey, flight, loader) : value;
      } else if (joined && flight.wasOvertaken()) {
        value = callLoader(key, loader);   // an own write no fill proves this value fresher than
      }
      flight.complete(value);
    } catch (RuntimeException e) {
      log.warn("Refresh-ahead of a key failed; the entry stays until it expires: {}", e.toString());
      flight.fail(e);
    }
  }

  private void releaseQuietly(EntryKey entryKey, byte[] token) {
    try {
      store.releaseLease(entryKey.redisKey(), token);
    } catch (RedisOperationException e) {
      log.debug("Could not release a lease; it expires by itself: {}", e.getMessage());
    }
  }

  /** The bytes to cache for {@code entryKey}, or null when the value is larger than the cache's maximum value size. */
  private byte[] encode(EntryKey entryKey, V value, long loadStartNanos, EntryTtl ttl) {
    byte[] bytes = values.encode(value);
    if (!maxValueSize.admitsLoaded(bytes)) {
      return null;
    }
    if (refreshBeta == 0) {
      return ValueFormat.stamped(bytes, entryKey);
    }
    int loadMillis = (int) Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - loadStartNanos));
    long expiresAt = ttl.isFinite() ? System.currentTimeMillis() + ttl.millis() : 0;
    return ValueFormat.stamped(ValueFormat.withLoadInfo(bytes, loadMillis, expiresAt), entryKey);
  }

  /**
   * Redis is not answering for this key: the gutter's value or a load, taken again after the flight closed
   * if an own write overtook it meanwhile (no fill can prove the first one fresh).
   */
  private V failOpen(K key, EntryKey entryKey, Flight<V> flight, LoaderAdapter<K, V> loader) {
    V value = keptOrLoaded(key, entryKey, loader);
    flight.close();
    return flight.wasOvertaken() ? keptOrLoaded(key, entryKey, loader) : value;
  }

  /**
   * The gutter's value if it keeps one, else a load (within the manager's cap of loads in flight, if any)
   * whose value the gutter keeps.
   */
  private V keptOrLoaded(K key, EntryKey entryKey, LoaderAdapter<K, V> loader) {
    V kept = fromGutter(entryKey);
    if (kept != null) {
      return kept;
    }
    if (!outageLoads.tryAcquire()) {
      metrics.recordOutageLoadRefused();
      throw outageLoads.refusal();
    }
    try {
      kept = fromGutter(entryKey);   // another flight of the key may have kept it while this one waited
      if (kept != null) {
        return kept;
      }
      metrics.recordOutageLoad();
      try (Gutter.Ticket ticket = gutter.startLoad()) {
        V value = callLoader(key, loader);
        if (value != null && gutter.isEnabled()) {
          gutter.keep(entryKey.redisKey(), ticket, encodeForGutter(value));
        }
        return value;
      }
    } finally {
      outageLoads.release();
    }
  }

  /** A loaded value's bytes for the gutter, or null (not kept) if it cannot be stored, as a fill would find. */
  private byte[] encodeForGutter(V value) {
    try {
      return values.encode(value);
    } catch (IllegalArgumentException e) {
      log.debug("A loaded value is not kept in the gutter: {}", e.getMessage());
      return null;
    }
  }

  /** A fresh instance of the value the gutter keeps for the key, counted as an outage hit; or null. */
  private V fromGutter(EntryKey entryKey) {
    byte[] bytes = gutter.get(entryKey.redisKey());
    if (bytes == null) {
      return null;
    }
    try {
      V value = values.decode(bytes);
      metrics.recordOutageHit();
      return value;
    } catch (UndecodableValueException e) {
      return null;   // cannot happen: the bytes were encoded here, or decoded when Redis answered them
    }
  }

  private V callLoader(K key, LoaderAdapter<K, V> loader) {
    metrics.recordLoad();
    return loader.load(key);
  }
}
