package dev.aside.cache;

import dev.aside.cache.CompareAndSet.Change;
import dev.aside.codec.EntryKey;
import dev.aside.expiry.ExpiryTimes;
import dev.aside.load.ReadThrough;
import dev.aside.management.CacheStatistics;
import dev.aside.near.NearCache;
import dev.aside.near.NearKeys;
import dev.aside.redis.RedisOperationException;
import dev.aside.redis.RedisStore;
import dev.aside.resilience.FailurePolicy;
import dev.aside.resilience.Gutter;
import java.util.Objects;
import javax.cache.configuration.MutableConfiguration;

/**
 * The one path of every single-entry write, removal and {@code invoke} of a cache. An operation
 * supplies only what is specific to it: its row in {@link Operation}, its one-command form and its
 * compare-and-set decision. The rest happens here, in this order:
 * <pre>
 *  1. the cache is open and the arguments are valid (Operation.Checks);
 *  2. a value to write is encoded, and refused above max-value-size, before anything is sent (a
 *     loaded value that large is not cached);
 *  3. an operation whose writer call does not depend on the entry calls the writer (Operation.WriterCall);
 *  4. this JVM's near entry and gutter value are dropped, and its load of the entry in flight
 *     overtaken (ReadThrough#written: a read that joins it now gets a value loaded after this write);
 *     ahead of a removal whose one command deletes the entry alone (DEL, GETDEL), the entry's lease is
 *     voided too (held by a read-through or per-call load, in any JVM), pipelined, so a fill racing
 *     with it is rejected instead of reviving the entry with an older value. A write voids nothing: it
 *     leaves the entry present and changed, which the fill checks (see load/ReadThrough), so a put is
 *     one command; the scripts that may delete the entry (put.lua, cas.lua) delete its lease with it;
 *  5. one Redis command when the operation has one and the expiry policy and writer allow it
 *     (Operation.Route), else read, decide, compare-and-set (CompareAndSet);
 *  6. a Redis failure goes to the failure policy: a write throws or is logged, a removal is queued;
 *  7. the near entry is dropped again whatever happened, so this JVM reads its own writes; so is
 *     the gutter's value, and a load in flight overtaken (as in step 4);
 *  8. the statistics the spec counts for the operation (Operation.Counting).
 * </pre>
 * {@code invoke} skips step 4 (the compare-and-set deletes the lease with a removed entry, and a
 * read-only processor must not void a fill) and counts its own statistics.
 */
final class Mutations<K, V> {
  /** What a mutation did: the caller's answer, whether the entry was there (a hit), and whether it changed. */
  record Done<R>(R answer, boolean found, boolean changed) {
    private static final Done<?> NOTHING = new Done<>(null, false, false);

    @SuppressWarnings("unchecked")
    static <R> Done<R> nothing() {
      return (Done<R>) NOTHING;
    }
  }

  /** The one-command form of an operation, given the entry's key as Redis holds it and the encoded value (null for none). */
  @FunctionalInterface
  interface OneCommand<R> {
    Done<R> run(EntryKey entryKey, byte[] bytes);
  }

  /** The compare-and-set form: the change to make given the entry's key, its current bytes and the encoded value. */
  @FunctionalInterface
  interface Decision<R> {
    Change<R> decide(EntryKey entryKey, byte[] current, byte[] bytes);
  }

  private final Runnable openCheck;
  private final Arguments<K, V> arguments;
  private final EntryCodec<K, V> entries;
  private final RedisStore store;
  private final boolean predictableExpiry;
  private final WriterAdapter<K, V> writer;
  private final FailurePolicy failures;
  private final CompareAndSet cas;
  private final NearCache<Object, V> near;
  private final NearKeys<K> nearKeys;
  private final boolean voidsLeases;
  private final MutableConfiguration<K, V> configuration;
  private final CacheStatistics statistics;
  private final Gutter gutter;
  private final ReadThrough<K, V> readThrough;

  Mutations(String cacheName, Runnable openCheck, Arguments<K, V> arguments, EntryCodec<K, V> entries,
      RedisStore store, ExpiryTimes expiry, WriterAdapter<K, V> writer, FailurePolicy failures,
      ReadThrough<K, V> readThrough, NearCache<Object, V> near, NearKeys<K> nearKeys,
      MutableConfiguration<K, V> configuration, CacheStatistics statistics, Gutter gutter) {
    this.openCheck = Objects.requireNonNull(openCheck);
    this.arguments = Objects.requireNonNull(arguments);
    this.entries = Objects.requireNonNull(entries);
    this.store = Objects.requireNonNull(store);
    this.predictableExpiry = expiry.isPredictable();
    this.writer = Objects.requireNonNull(writer);
    this.failures = Objects.requireNonNull(failures);
    this.near = near;
    this.nearKeys = Objects.requireNonNull(nearKeys);
    this.voidsLeases = readThrough.usesLeases();
    this.configuration = Objects.requireNonNull(configuration);
    this.statistics = Objects.requireNonNull(statistics);
    this.gutter = Objects.requireNonNull(gutter);
    this.readThrough = Objects.requireNonNull(readThrough);
    this.cas = new CompareAndSet(store, cacheName);
  }

  /** Runs an operation that is always one command. */
  <R> Done<R> applyOneCommand(Operation operation, K key, V value, Object expected, OneCommand<R> oneCommand) {
    return apply(operation, key, value, expected, oneCommand, null);
  }

  /** Runs an operation that always decides by compare-and-set. */
  <R> Done<R> applyDecision(Operation operation, K key, V value, Object expected, Decision<R> decision) {
    return apply(operation, key, value, expected, null, decision);
  }

  /**
   * Runs {@code operation} on the entry of {@code key}.
   *
   * @param value the value it writes, or null (removals; {@code invoke}, whose processor decides)
   * @param expected the value a conditional operation compares with, or null
   */
  <R> Done<R> apply(Operation operation, K key, V value, Object expected, OneCommand<R> oneCommand,
      Decision<R> decision) {
    check(operation, key, value, expected);
    long start = System.nanoTime();
    EntryKey entryKey = entries.entryKey(key);
    byte[] redisKey = entryKey.redisKey();
    byte[] bytes = null;
    if (value != null) {
      bytes = operation == Operation.STORE_LOADED ? entries.encodeLoaded(entryKey, value)
          : entries.encode(entryKey, value);
      if (bytes == null) {
        return Done.nothing();
      }
    }
    switch (operation.writerFirst) {
      case WRITE -> writer.write(key, value);
      case DELETE -> writer.delete(key);
      case NONE -> { }
    }
    if (operation != Operation.INVOKE) {
      nearInvalidate(key);
      forgetLoaded(redisKey);
      if (operation.failure == Operation.Failure.REMOVAL) {
        voidLease(redisKey);      // the rows whose one command is a DEL or GETDEL of the entry alone
      }
    }
    Done<R> done;
    try {
      if (operation.route.isOneCommand(predictableExpiry, writer.isEnabled())) {
        done = oneCommand.run(entryKey, bytes);
      } else {
        byte[] encoded = bytes;
        Change<R> change = cas.run(redisKey, current -> decision.decide(entryKey, current, encoded));
        done = new Done<>(change.answer(), change.found(), change.changes());
      }
    } catch (RedisOperationException e) {
      if (operation.failure == Operation.Failure.REMOVAL) {
        failures.removalFailed(redisKey, e);
      } else {
        failures.writeFailed(redisKey, e);
      }
      done = Done.nothing();
    } finally {
      nearInvalidate(key);
      forgetLoaded(redisKey);
    }
    if (configuration.isStatisticsEnabled()) {
      operation.counting.record(statistics, done.found(), done.changed(), start);
    }
    return done;
  }

  private void check(Operation operation, K key, V value, Object expected) {
    if (operation.checks != Operation.Checks.NONE) {
      openCheck.run();
    }
    switch (operation.checks) {
      case NONE, OPEN -> { }
      case KEY -> arguments.requireKey(key);
      case KEY_AND_EXPECTED -> {
        arguments.requireKey(key);
        Objects.requireNonNull(expected, "oldValue");
      }
      case ENTRY -> arguments.requireEntry(key, value);
      case ENTRY_AND_EXPECTED -> {
        arguments.requireKey(key);
        Objects.requireNonNull(expected, "oldValue");
        Objects.requireNonNull(value, "newValue");
        arguments.checkTypes(key, value);
      }
    }
  }

  /** A batch write of the entry failed: the failure policy decides (the batch operations' step 6). */
  void writeFailed(byte[] redisKey, RedisOperationException failure) {
    failures.writeFailed(redisKey, failure);
  }

  /** A batch removal of the entry failed: it is queued for replay. */
  void removalFailed(byte[] redisKey, RedisOperationException failure) {
    failures.removalFailed(redisKey, failure);
  }

  /** A whole-cache removal failed: the cache is cleared when Redis is back. */
  void clearFailed(RedisOperationException failure) {
    failures.clearFailed(failure);
  }

  /** Whether statistics are on (for operations that count more than their {@link Operation.Counting}). */
  boolean countsStatistics() {
    return configuration.isStatisticsEnabled();
  }

  CacheStatistics statistics() {
    return statistics;
  }

  /**
   * Voids the entry's lease ahead of a removal (pipelined, so it reaches Redis first): a read-through
   * fill racing with this removal is then rejected instead of storing an older value.
   */
  private void voidLease(byte[] redisKey) {
    if (voidsLeases) {
      store.voidLeaseAsync(redisKey);
    }
  }

  /** Forgets what this JVM loaded of the entry before its write: the gutter's value, and a load in flight's answer. */
  private void forgetLoaded(byte[] redisKey) {
    gutter.drop(redisKey);
    readThrough.written(redisKey);
  }

  /** Forgets every value the gutter keeps, and the answers of loads in flight (the cache was cleared). */
  void clearGutter() {
    gutter.clear();
    readThrough.writtenAll();
  }

  /** Drops this JVM's near entry, so it reads its own writes. */
  void nearInvalidate(K key) {
    if (near != null) {
      near.invalidate(nearKeys.of(key));
    }
  }

  /** The entry's key, with the near entry and gutter value dropped: the batch writes' step 4. */
  EntryKey prepareWrite(K key) {
    nearInvalidate(key);
    EntryKey entryKey = entries.entryKey(key);
    forgetLoaded(entryKey.redisKey());
    return entryKey;
  }

  /** The entry's key, with the near entry and gutter value dropped and the lease voided: the batch removals' step 4. */
  EntryKey prepareRemoval(K key) {
    EntryKey entryKey = prepareWrite(key);
    voidLease(entryKey.redisKey());
    return entryKey;
  }
}
