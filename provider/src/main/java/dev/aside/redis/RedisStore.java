package dev.aside.redis;

import dev.aside.resilience.CircuitBreaker;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisLoadingException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Byte-level entry operations on one shared Lettuce connection.
 *
 * <p>Every method is a single round trip (multi-key calls are pipelined), issued through the async
 * API so that concurrent callers share the connection's pipeline; the calling thread then waits at
 * most the command timeout. Commands issued by one thread reach Redis in issue order, which is what
 * makes fire-and-forget touches ({@link #expireAsync}) safe ahead of that thread's next command.
 *
 * <p>Every command passes the manager's {@link CircuitBreaker}: while it is open, commands fail at
 * once without being sent. Connection-level failures (timeouts, refused or lost connections) count
 * towards opening it; error replies from Redis do not.
 *
 * <p>A store made before Redis could be reached has no connection until {@link #connected} gives it
 * one (once; Lettuce then reconnects that same connection). Its breaker is open meanwhile, and only
 * a successful {@link #ping} (which needs the connection) closes it, so every command that passes
 * the breaker finds the connection set; the probe and the replay, which bypass the breaker, check.
 */
public final class RedisStore {
  private static final Logger log = LoggerFactory.getLogger(RedisStore.class);
  private static final byte[] EMPTY = new byte[0];
  private static final int SCAN_BATCH = 500;

  /* Null until connected (a manager that started while Redis was down): see the class comment. */
  private volatile StatefulRedisConnection<byte[], byte[]> connection;
  private volatile RedisAsyncCommands<byte[], byte[]> redis;
  private final long timeoutMillis;
  private final Script putScript = Script.load("put");
  private final Script casScript = Script.load("cas");
  private final Script leaseScript = Script.load("lease");
  private final Script fillScript = Script.load("fill");
  private final Script releaseScript = Script.load("release");
  private final CircuitBreaker breaker;

  /** What {@link #get} returns for a key that holds another Redis type: bytes no codec decodes. */
  public static final byte[] WRONG_TYPE = new byte[0];

  /** @param connection the data connection, or null until {@link #connected} is called */
  public RedisStore(StatefulRedisConnection<byte[], byte[]> connection, java.time.Duration timeout,
      CircuitBreaker breaker) {
    this.breaker = Objects.requireNonNull(breaker);
    if (connection != null) {
      connected(connection);
    }
    // Lettuce times a command out itself; the extra margin only guards against a lost completion.
    this.timeoutMillis = timeout.toMillis() + 1_000;
  }

  /** Gives a store made before Redis could be reached its connection. */
  void connected(StatefulRedisConnection<byte[], byte[]> connection) {
    this.redis = connection.async();
    this.connection = connection;
  }

  /** Outcome of {@link #put}: whether the entry was created, updated or left alone, and its previous bytes. */
  public record PutResult(Outcome outcome, byte[] previous) {}

  /** What a conditional write did. */
  public enum Outcome { UNCHANGED, CREATED, UPDATED, UPDATED_TO_EXPIRED }

  /** What a compare-and-set applies when the entry still holds the expected bytes. */
  public enum CasAction { SET, DELETE, TOUCH }

  /** The entry's bytes, null when absent, {@link #WRONG_TYPE} when the key holds a list, hash or other type. */
  public byte[] get(byte[] key) {
    try {
      return call(() -> redis.get(key), "GET");
    } catch (RedisOperationException e) {
      if (e.getCause() instanceof RedisCommandExecutionException reply && String.valueOf(reply.getMessage())
          .startsWith("WRONGTYPE")) {
        return WRONG_TYPE;
      }
      throw e;
    }
  }

  /** An entry's bytes and its remaining TTL as {@code PTTL} answers it (see {@link Ttl}). */
  public record ValueAndTtl(byte[] value, long pttl) {}

  /** {@code GET} and {@code PTTL}, pipelined: what a near-cache fill needs to never outlive the entry. */
  public ValueAndTtl getWithTtl(byte[] key) {
    checkBreaker("GET");
    RedisFuture<byte[]> value = redis.get(key);
    RedisFuture<Long> ttl = redis.pttl(key);
    try {
      List<Object> both = awaitAll(List.of(value.thenApply(v -> (Object) v), ttl.thenApply(t -> (Object) t)), "GET");
      return new ValueAndTtl((byte[]) both.get(0), (Long) both.get(1));
    } catch (RedisOperationException e) {
      if (e.getCause() instanceof RedisCommandExecutionException reply && String.valueOf(reply.getMessage())
          .startsWith("WRONGTYPE")) {
        return new ValueAndTtl(WRONG_TYPE, Ttl.ABSENT);
      }
      throw e;
    }
  }

  public List<byte[]> getAll(List<byte[]> keys) {
    if (keys.isEmpty()) {
      return List.of();
    }
    List<KeyValue<byte[], byte[]>> values = call(() -> redis.mget(keys.toArray(new byte[0][])), "MGET");
    List<byte[]> out = new ArrayList<>(values.size());
    for (KeyValue<byte[], byte[]> kv : values) {
      out.add(kv.hasValue() ? kv.getValue() : null);
    }
    return out;
  }

  /** Applies an access TTL without waiting; ordered before this thread's next command. */
  public void expireAsync(byte[] key, EntryTtl ttl) {
    if (ttl.isKeep() || !breaker.allowsRequest()) {
      return;
    }
    RedisFuture<?> future;
    if (ttl.isFinite()) {
      future = redis.pexpire(key, ttl.millis());
    } else if (ttl.isEternal()) {
      future = redis.persist(key);
    } else {
      future = redis.del(key);
    }
    future.exceptionally(failure -> {
      log.debug("Could not apply an access TTL: {}", failure.toString());
      return null;
    });
  }

  /** Unconditional write. */
  public void set(byte[] key, byte[] value, EntryTtl ttl) {
    call(() -> redis.set(key, value, setArgs(ttl)), "SET");
  }

  /** Unconditional writes of many entries, pipelined. */
  public void setAll(List<byte[]> keys, List<byte[]> values, EntryTtl ttl) {
    SetArgs args = setArgs(ttl);
    checkBreaker("SET");
    List<RedisFuture<String>> futures = new ArrayList<>(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      futures.add(redis.set(keys.get(i), values.get(i), args));
    }
    awaitAll(futures, "SET");
  }

  /** Writes only if absent ({@code SET NX}); true when written. */
  public boolean setIfAbsent(byte[] key, byte[] value, EntryTtl ttl) {
    return "OK".equals(call(() -> redis.set(key, value, setArgs(ttl).nx()), "SET NX"));
  }

  /** Writes one entry with a TTL chosen by whether it exists, if {@code condition} holds ({@code put.lua}). */
  public PutResult put(byte[] key, byte[] value, EntryTtl createTtl, EntryTtl updateTtl, PutCondition condition,
      boolean wantPrevious) {
    List<Object> reply = call(() -> putScript.run(redis, ScriptOutputType.MULTI, new byte[][] {key},
        value, Script.ascii(createTtl.scriptArgument()), Script.ascii(updateTtl.scriptArgument()),
        new byte[] {condition.code()}, new byte[] {(byte) (wantPrevious ? '1' : '0')}), "put.lua");
    Outcome outcome = Outcome.values()[((Long) reply.get(0)).intValue()];
    byte[] previous = reply.size() > 1 ? (byte[]) reply.get(1) : null;
    return new PutResult(outcome, previous);
  }

  /** Applies {@code action} only if the entry still holds {@code expected} (null: still absent). */
  public boolean compareAndSet(byte[] key, byte[] expected, CasAction action, byte[] value, EntryTtl ttl) {
    byte[] actionCode = {(byte) (action == CasAction.SET ? 'S' : action == CasAction.DELETE ? 'D' : 'T')};
    Long applied = call(() -> casScript.run(redis, ScriptOutputType.INTEGER, new byte[][] {key},
        expected == null ? EMPTY : expected, actionCode, value == null ? EMPTY : value,
        Script.ascii(ttl.scriptArgument())), "cas.lua");
    return applied == 1L;
  }

  public byte[] getAndDelete(byte[] key) {
    return call(() -> redis.getdel(key), "GETDEL");
  }

  /** Deletes each key with {@code GETDEL}, pipelined; returns the previous bytes (null where absent). */
  public List<byte[]> getAndDeleteAll(List<byte[]> keys) {
    checkBreaker("GETDEL");
    List<RedisFuture<byte[]>> futures = new ArrayList<>(keys.size());
    for (byte[] key : keys) {
      futures.add(redis.getdel(key));
    }
    return awaitAll(futures, "GETDEL");
  }

  public boolean delete(byte[] key) {
    return call(() -> redis.del(key), "DEL") > 0;
  }

  /** Deletes keys with pipelined {@code UNLINK}s (one per key, so it stays slot-safe); returns how many existed. */
  public long deleteAll(List<byte[]> keys) {
    checkBreaker("UNLINK");
    return unlinkAll(keys);
  }

  /** Deletes keys and their leases, bypassing the breaker: the replay of invalidations that decides if Redis is well. */
  public void replayInvalidations(List<byte[]> entryKeys) {
    requireConnection("UNLINK");
    List<byte[]> keys = new ArrayList<>(entryKeys.size() * 2);
    for (byte[] key : entryKeys) {
      keys.add(key);
      keys.add(KeyLayout.leaseKey(key));
    }
    unlinkAll(keys);
  }

  /** Deletes every key matching {@code pattern}: SCAN in batches, UNLINK each batch (never KEYS). */
  public void deleteMatching(String pattern) {
    checkBreaker("SCAN");
    unlinkMatching(pattern);
  }

  /** {@link #deleteMatching}, bypassing the breaker: the replay of an overflowed invalidation queue. */
  public void replayClear(String pattern) {
    unlinkMatching(pattern);
  }

  private void unlinkMatching(String pattern) {
    requireConnection("SCAN");
    Iterator<byte[]> scan = ScanIterator.scan(connection.sync(), ScanArgs.Builder.matches(pattern).limit(SCAN_BATCH));
    List<byte[]> batch = new ArrayList<>();
    while (scan.hasNext()) {
      batch.add(scan.next());
      if (batch.size() == SCAN_BATCH || !scan.hasNext()) {
        unlinkAll(batch);
        batch = new ArrayList<>();
      }
    }
  }

  /** PING, bypassing the breaker: the health probe. */
  public void ping() {
    requireConnection("PING");
    await(redis.ping(), "PING");
  }

  private void requireConnection(String command) {
    if (connection == null) {
      throw new RedisOperationException(command + " not sent: not connected to Redis yet", null);
    }
  }

  private long unlinkAll(List<byte[]> keys) {
    List<RedisFuture<Long>> futures = new ArrayList<>(keys.size());
    for (byte[] key : keys) {
      futures.add(redis.unlink(key));
    }
    long removed = 0;
    for (Long n : awaitAll(futures, "UNLINK")) {
      removed += n;
    }
    return removed;
  }

  /** What a read-through miss learned from {@link #leaseOrGet}. */
  public record LeaseReply(LeaseState state, byte[] value, long leaseMillisLeft) {}

  /** The entry exists after all; the lease is now ours; or another client holds it. */
  public enum LeaseState { FOUND, ACQUIRED, HELD_ELSEWHERE }

  /** Reads the entry or, if it is absent, tries to take its lease ({@code lease.lua}). */
  public LeaseReply leaseOrGet(byte[] entryKey, byte[] token, long leaseTtl) {
    List<Object> reply = call(() -> leaseScript.run(redis, ScriptOutputType.MULTI,
        new byte[][] {entryKey, KeyLayout.leaseKey(entryKey)}, token, Script.ascii(Long.toString(leaseTtl))),
        "lease.lua");
    long code = (Long) reply.get(0);
    if (code == 1) {
      return new LeaseReply(LeaseState.FOUND, (byte[]) reply.get(1), 0);
    } else if (code == 2) {
      return new LeaseReply(LeaseState.ACQUIRED, null, leaseTtl);
    }
    return new LeaseReply(LeaseState.HELD_ELSEWHERE, null, (Long) reply.get(1));
  }

  /** Takes the entry's lease whether or not the entry exists (refresh-ahead); true when taken. */
  public boolean takeLease(byte[] entryKey, byte[] token, long leaseTtl) {
    return "OK".equals(call(() -> redis.set(KeyLayout.leaseKey(entryKey), token, SetArgs.Builder.nx().px(leaseTtl)),
        "SET NX lease"));
  }

  /** Stores a loaded value only while {@code token} still holds the lease ({@code fill.lua}). */
  public boolean fill(byte[] entryKey, byte[] token, byte[] value, EntryTtl ttl) {
    Long stored = call(() -> fillScript.run(redis, ScriptOutputType.INTEGER,
        new byte[][] {entryKey, KeyLayout.leaseKey(entryKey)}, token, value, Script.ascii(ttl.scriptArgument())),
        "fill.lua");
    return stored == 1L;
  }

  /** Gives the lease back if it is still {@code token}'s. */
  public void releaseLease(byte[] entryKey, byte[] token) {
    call(() -> releaseScript.run(redis, ScriptOutputType.INTEGER, new byte[][] {KeyLayout.leaseKey(entryKey)}, token),
        "release.lua");
  }

  /**
   * Voids any lease on the entry, without waiting: issued ahead of a write or removal on the same
   * connection, it reaches Redis first, so a fill racing with that write is dropped.
   */
  public void voidLeaseAsync(byte[] entryKey) {
    if (!breaker.allowsRequest()) {
      return;
    }
    redis.del(KeyLayout.leaseKey(entryKey)).exceptionally(failure -> {
      log.debug("Could not void a lease: {}", failure.toString());
      return null;
    });
  }

  /** Iterates the keys matching a glob pattern with {@code SCAN} (never {@code KEYS}). */
  public Iterator<byte[]> scan(String pattern) {
    checkBreaker("SCAN");
    return ScanIterator.scan(connection.sync(), ScanArgs.Builder.matches(pattern).limit(SCAN_BATCH));
  }

  /* EXPIRED is never sent as a SET: callers do not create an entry that expires at once. */
  private static SetArgs setArgs(EntryTtl ttl) {
    SetArgs args = new SetArgs();
    if (ttl.isFinite()) {
      args.px(ttl.millis());
    } else if (ttl.isKeep()) {
      args.keepttl();
    }
    return args;
  }

  /** Sends a command unless the breaker is open, waits for it, and tells the breaker how it went. */
  private <T> T call(Supplier<? extends CompletionStage<T>> send, String command) {
    checkBreaker(command);
    try {
      T result = await(send.get(), command);
      breaker.recordSuccess();
      return result;
    } catch (RedisOperationException e) {
      if (isConnectionFailure(e.getCause())) {
        breaker.recordFailure(e.getMessage());
      } else {
        breaker.recordSuccess();
      }
      throw e;
    }
  }

  private void checkBreaker(String command) {
    if (!breaker.allowsRequest()) {
      throw new RedisOperationException(command + " not sent: Redis is unavailable (circuit breaker open)", null);
    }
  }

  /** A failure of the connection or the server's health, as opposed to an error reply to this command. */
  private static boolean isConnectionFailure(Throwable cause) {
    return !(cause instanceof RedisCommandExecutionException) || cause instanceof RedisLoadingException
        || cause instanceof RedisBusyException;
  }

  private <T> T await(CompletionStage<T> stage, String command) {
    CompletableFuture<T> future = stage.toCompletableFuture();
    try {
      return future.get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RedisOperationException(command + " interrupted", e);
    } catch (ExecutionException e) {
      throw new RedisOperationException(command + " failed: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new RedisOperationException(command + " timed out", e);
    }
  }

  private <T> List<T> awaitAll(List<? extends CompletionStage<T>> stages, String command) {
    List<T> results = new ArrayList<>(stages.size());
    try {
      for (CompletionStage<T> stage : stages) {
        results.add(await(stage, command));
      }
    } catch (RedisOperationException e) {
      if (isConnectionFailure(e.getCause())) {
        breaker.recordFailure(e.getMessage());
      }
      throw e;
    }
    breaker.recordSuccess();
    return results;
  }
}
