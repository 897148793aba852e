package dev.aside.redis;

import io.lettuce.core.KeyValue;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Byte-level entry operations on one shared Lettuce connection.
 *
 * <p>Every method is a single round trip (multi-key calls are pipelined), issued through the async
 * API so that concurrent callers share the connection's pipeline; the calling thread then waits at
 * most the command timeout. Commands issued by one thread reach Redis in issue order, which is what
 * makes fire-and-forget touches ({@link #expireAsync}) safe ahead of that thread's next command.
 */
public final class RedisStore {
  private static final Logger log = LoggerFactory.getLogger(RedisStore.class);
  private static final byte[] EMPTY = new byte[0];
  private static final int SCAN_BATCH = 500;

  private final StatefulRedisConnection<byte[], byte[]> connection;
  private final RedisAsyncCommands<byte[], byte[]> redis;
  private final long timeoutMillis;
  private final Script putScript = Script.load("put");
  private final Script casScript = Script.load("cas");
  private final Script leaseScript = Script.load("lease");
  private final Script fillScript = Script.load("fill");
  private final Script releaseScript = Script.load("release");

  public RedisStore(StatefulRedisConnection<byte[], byte[]> connection, java.time.Duration timeout) {
    this.connection = Objects.requireNonNull(connection);
    this.redis = connection.async();
    // Lettuce times a command out itself; the extra margin only guards against a lost completion.
    this.timeoutMillis = timeout.toMillis() + 1_000;
  }

  /** Outcome of {@link #put}: whether the entry was created, updated or left alone, and its previous bytes. */
  public record PutResult(Outcome outcome, byte[] previous) {}

  /** What a conditional write did. */
  public enum Outcome { UNCHANGED, CREATED, UPDATED, UPDATED_TO_EXPIRED }

  /** What a compare-and-set applies when the entry still holds the expected bytes. */
  public enum CasAction { SET, DELETE, TOUCH }

  public byte[] get(byte[] key) {
    return await(redis.get(key), "GET");
  }

  public List<byte[]> getAll(List<byte[]> keys) {
    if (keys.isEmpty()) {
      return List.of();
    }
    List<KeyValue<byte[], byte[]>> values = await(redis.mget(keys.toArray(new byte[0][])), "MGET");
    List<byte[]> out = new ArrayList<>(values.size());
    for (KeyValue<byte[], byte[]> kv : values) {
      out.add(kv.hasValue() ? kv.getValue() : null);
    }
    return out;
  }

  public boolean exists(byte[] key) {
    return await(redis.exists(key), "EXISTS") > 0;
  }

  /** Applies an access TTL without waiting; ordered before this thread's next command. */
  public void expireAsync(byte[] key, long ttl) {
    RedisFuture<?> future;
    if (ttl > 0) {
      future = redis.pexpire(key, ttl);
    } else if (ttl == Ttl.ETERNAL) {
      future = redis.persist(key);
    } else if (ttl == Ttl.EXPIRED) {
      future = redis.del(key);
    } else {
      return;
    }
    future.exceptionally(failure -> {
      log.warn("Could not apply an access TTL: {}", failure.toString());
      return null;
    });
  }

  /** Unconditional write. */
  public void set(byte[] key, byte[] value, long ttl) {
    await(redis.set(key, value, setArgs(ttl)), "SET");
  }

  /** Unconditional writes of many entries, pipelined. */
  public void setAll(List<byte[]> keys, List<byte[]> values, long ttl) {
    SetArgs args = setArgs(ttl);
    List<RedisFuture<String>> futures = new ArrayList<>(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      futures.add(redis.set(keys.get(i), values.get(i), args));
    }
    awaitAll(futures, "SET");
  }

  /** Unconditional write returning the previous bytes. */
  public byte[] setGet(byte[] key, byte[] value, long ttl) {
    return await(redis.setGet(key, value, setArgs(ttl)), "SET GET");
  }

  /** Writes only if absent ({@code SET NX}); true when written. */
  public boolean setIfAbsent(byte[] key, byte[] value, long ttl) {
    return "OK".equals(await(redis.set(key, value, setArgs(ttl).nx()), "SET NX"));
  }

  /** Writes only if present ({@code SET XX GET}); returns the previous bytes, null when nothing was written. */
  public byte[] replace(byte[] key, byte[] value, long ttl) {
    return await(redis.setGet(key, value, setArgs(ttl).xx()), "SET XX GET");
  }

  /**
   * Writes one entry with a TTL chosen by whether it exists ({@code put.lua}).
   *
   * @param condition {@code 'A'} always, {@code 'N'} only if absent, {@code 'X'} only if present
   */
  public PutResult put(byte[] key, byte[] value, long createTtl, long updateTtl, char condition, boolean wantPrevious) {
    List<Object> reply = await(putScript.run(redis, ScriptOutputType.MULTI, new byte[][] {key},
        value, Script.ascii(Long.toString(createTtl)), Script.ascii(Long.toString(updateTtl)),
        new byte[] {(byte) condition}, new byte[] {(byte) (wantPrevious ? '1' : '0')}), "put.lua");
    Outcome outcome = Outcome.values()[((Long) reply.get(0)).intValue()];
    byte[] previous = reply.size() > 1 ? (byte[]) reply.get(1) : null;
    return new PutResult(outcome, previous);
  }

  /** Applies {@code action} only if the entry still holds {@code expected} (null: still absent). */
  public boolean compareAndSet(byte[] key, byte[] expected, CasAction action, byte[] value, long ttl) {
    byte[] actionCode = {(byte) (action == CasAction.SET ? 'S' : action == CasAction.DELETE ? 'D' : 'T')};
    Long applied = await(casScript.run(redis, ScriptOutputType.INTEGER, new byte[][] {key},
        expected == null ? EMPTY : expected, actionCode, value == null ? EMPTY : value,
        Script.ascii(Long.toString(ttl))), "cas.lua");
    return applied == 1L;
  }

  public byte[] getAndDelete(byte[] key) {
    return await(redis.getdel(key), "GETDEL");
  }

  /** Deletes each key with {@code GETDEL}, pipelined; returns the previous bytes (null where absent). */
  public List<byte[]> getAndDeleteAll(List<byte[]> keys) {
    List<RedisFuture<byte[]>> futures = new ArrayList<>(keys.size());
    for (byte[] key : keys) {
      futures.add(redis.getdel(key));
    }
    return awaitAll(futures, "GETDEL");
  }

  public boolean delete(byte[] key) {
    return await(redis.del(key), "DEL") > 0;
  }

  /** Deletes keys with pipelined {@code UNLINK}s (one per key, so it stays slot-safe); returns how many existed. */
  public long deleteAll(List<byte[]> keys) {
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
    List<Object> reply = await(leaseScript.run(redis, ScriptOutputType.MULTI,
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
    return "OK".equals(await(redis.set(KeyLayout.leaseKey(entryKey), token, SetArgs.Builder.nx().px(leaseTtl)),
        "SET NX lease"));
  }

  /** Stores a loaded value only while {@code token} still holds the lease ({@code fill.lua}). */
  public boolean fill(byte[] entryKey, byte[] token, byte[] value, long ttl) {
    Long stored = await(fillScript.run(redis, ScriptOutputType.INTEGER,
        new byte[][] {entryKey, KeyLayout.leaseKey(entryKey)}, token, value, Script.ascii(Long.toString(ttl))),
        "fill.lua");
    return stored == 1L;
  }

  /** Gives the lease back if it is still {@code token}'s. */
  public void releaseLease(byte[] entryKey, byte[] token) {
    await(releaseScript.run(redis, ScriptOutputType.INTEGER, new byte[][] {KeyLayout.leaseKey(entryKey)}, token),
        "release.lua");
  }

  /**
   * Voids any lease on the entry, without waiting: issued ahead of a write or removal on the same
   * connection, it reaches Redis first, so a fill racing with that write is dropped.
   */
  public void voidLeaseAsync(byte[] entryKey) {
    redis.del(KeyLayout.leaseKey(entryKey)).exceptionally(failure -> {
      log.warn("Could not void a lease: {}", failure.toString());
      return null;
    });
  }

  /** Iterates the keys matching a glob pattern with {@code SCAN} (never {@code KEYS}). */
  public Iterator<byte[]> scan(String pattern) {
    return ScanIterator.scan(connection.sync(), ScanArgs.Builder.matches(pattern).limit(SCAN_BATCH));
  }

  private static SetArgs setArgs(long ttl) {
    SetArgs args = new SetArgs();
    if (ttl > 0) {
      args.px(ttl);
    } else if (ttl == Ttl.KEEP) {
      args.keepttl();
    }
    return args;
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
    for (CompletionStage<T> stage : stages) {
      results.add(await(stage, command));
    }
    return results;
  }
}
