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
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import dev.aside.resilience.Breakers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.IntFunction;
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
 * <p>One code path for standalone, Sentinel and Redis Cluster: the store speaks the command
 * interfaces both Lettuce connections implement ({@link DataConnection}). On a cluster each
 * single-key command and each script goes to the master of its key's slot (a script's keys, an
 * entry and its lease, share the entry's hash tag, so its slot), so one thread's commands on one key
 * still reach Redis in issue order; {@code MGET} is split by slot and the parts pipelined; pipelined
 * writes and deletes are one command per key; {@code SCAN} visits every master in turn. Replies
 * that mean a cluster did not apply a command for now ({@code TRYAGAIN}, {@code CLUSTERDOWN},
 * redirects) are retried a bounded number of times ({@link Retries}) before failing as any other.
 *
 * <p>Every command passes the {@link CircuitBreaker} of the node that serves its key
 * ({@link Breakers}): while it is open, commands fail at once without being sent. Connection-level
 * failures (timeouts, refused or lost connections) count towards opening it; error replies from
 * Redis do not. A standalone or Sentinel Redis is one node, whose breaker guards every key, looked up
 * at no cost; on a cluster the node is the master of the key's slot in the client's view of the
 * topology ({@link Topology}), so one master down short-circuits its own keys only. Operations on
 * many keys decide per node: {@link #getAvailable} reads what the live masters hold and says which
 * keys went unanswered; pipelined writes and deletes send each key unless its node's breaker is
 * open, and a failure says which keys failed ({@link RedisOperationException#failedAt}). Operations
 * that walk every master ({@code SCAN}: iteration, clearing) need them all, and fail as a whole,
 * without being sent, while any breaker is open.
 *
 * <p>A store made before Redis could be reached has no connection until {@link #connected} gives it
 * one (once; Lettuce then reconnects that same connection). Meanwhile every key belongs to the
 * deployment's breaker ({@link Breakers#DEPLOYMENT}, the topology being unknown), which is open, and
 * only a successful {@link #probe} (which needs the connection) closes it; on a cluster the masters'
 * breakers take over once the connection, with its topology, is set. So every command that passes a
 * breaker finds the connection set; the probe and the replay, which bypass the breakers, check.
 *
 * <p>Acknowledged writes ({@link #acknowledgedBy}): a cache with {@code invalidation-replicas} speaks
 * through a view of this store whose commands that change an entry (writes, deletions, lease voids,
 * access TTLs) go on each node's acknowledged connection, each write followed by a {@code WAIT}
 * ({@link AcknowledgedWrites}); its reads stay on the shared connection, which a {@code WAIT} never
 * blocks. A thread's fire-and-forget commands of such a view (voiding a lease, touching) go on the
 * same acknowledged connection as its next write, so they still reach Redis ahead of it, and that
 * write's {@code WAIT} covers them. A write that fewer replicas acknowledged fails as any other
 * (it does not count towards the breaker: the master answered), and the cache queues the key.
 */
public final class RedisStore {
  private static final Logger log = LoggerFactory.getLogger(RedisStore.class);
  private static final byte[] EMPTY = new byte[0];
  private static final int SCAN_BATCH = 500;

  /* Null until connected (a manager that started while Redis was down): see the class comment. */
  private volatile DataConnection connection;
  private volatile RedisClusterAsyncCommands<byte[], byte[]> redis;
  private volatile Topology topology = Topology.UNKNOWN;
  private final long commandTimeoutMillis;
  private final long timeoutMillis;
  private final Script putScript = Script.load("put");
  private final Script casScript = Script.load("cas");
  private final Script leaseScript = Script.load("lease");
  private final Script fillScript = Script.load("fill");
  private final Script releaseScript = Script.load("release");
  private final Breakers breakers;
  /* The breaker of every key of a standalone or Sentinel deployment; null on a cluster. */
  private final CircuitBreaker single;
  private final AcknowledgedConnections acknowledgedConnections;
  /* How this view acknowledges its changes; null: on the shared connection, acknowledged by the master. */
  private final AcknowledgedWrites acknowledged;
  /* The acknowledged views of this store, by replicas, told of the connection as this store is. */
  private final Map<Integer, RedisStore> views = new java.util.concurrent.ConcurrentHashMap<>();

  /** What {@link #get} returns for a key that holds another Redis type: bytes no codec decodes. */
  public static final byte[] WRONG_TYPE = new byte[0];

  /**
   * @param connection the data connection, or null until {@link #connected} is called
   * @param acknowledgedConnections where the acknowledged views' changes go ({@link #acknowledgedBy})
   */
  RedisStore(DataConnection connection, java.time.Duration timeout, Breakers breakers,
      AcknowledgedConnections acknowledgedConnections) {
    this.breakers = Objects.requireNonNull(breakers);
    this.single = breakers.single();
    this.acknowledgedConnections = Objects.requireNonNull(acknowledgedConnections);
    this.acknowledged = null;
    if (connection != null) {
      connected(connection);
    }
    this.commandTimeoutMillis = timeout.toMillis();
    // Lettuce times a command out itself; the extra margin only guards against a lost completion.
    this.timeoutMillis = timeout.toMillis() + 1_000;
  }

  private RedisStore(RedisStore base, int replicas) {
    this.breakers = base.breakers;
    this.single = base.single;
    this.acknowledgedConnections = base.acknowledgedConnections;
    this.commandTimeoutMillis = base.commandTimeoutMillis;
    this.timeoutMillis = base.timeoutMillis;
    this.acknowledged = new AcknowledgedWrites(acknowledgedConnections, replicas, commandTimeoutMillis);
  }

  /** Gives a store made before Redis could be reached its connection. */
  void connected(DataConnection connection) {
    synchronized (views) {
      this.redis = connection.async();
      this.topology = connection.topology();
      this.connection = connection;
      views.values().forEach(view -> view.connected(connection));
    }
  }

  /**
   * This store, with every change of an entry acknowledged by {@code replicas} replicas (see the class
   * comment); this store itself for 0. Reads, leases and fills stay as they are.
   */
  public RedisStore acknowledgedBy(int replicas) {
    if (replicas == 0) {
      return this;
    }
    synchronized (views) {
      return views.computeIfAbsent(replicas, n -> {
        RedisStore view = new RedisStore(this, n);
        if (connection != null) {
          view.connected(connection);
        }
        return view;
      });
    }
  }

  /** How many replicas acknowledge this store's changes; 0 when the master's answer is enough. */
  public int replicas() {
    return acknowledged == null ? 0 : acknowledged.replicas();
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
      return call(breakerFor(key), () -> redis.get(key), "GET");
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
    try {
      return call(breakerFor(key), () -> redis.get(key).thenCombine(redis.pttl(key), ValueAndTtl::new), "GET");
    } catch (RedisOperationException e) {
      if (e.getCause() instanceof RedisCommandExecutionException reply && String.valueOf(reply.getMessage())
          .startsWith("WRONGTYPE")) {
        return new ValueAndTtl(WRONG_TYPE, Ttl.ABSENT);
      }
      throw e;
    }
  }

  /** The entries' bytes (null where absent), all or nothing: fails if any key's node does not answer. */
  public List<byte[]> getAll(List<byte[]> keys) {
    Found found = getAvailable(keys);
    if (found.failure() != null) {
      throw found.failure();
    }
    return found.values();
  }

  /**
   * What {@link #getAvailable} read: each key's bytes (null where absent, or unanswered), and, when
   * some keys' nodes did not answer, which ones and why.
   */
  public record Found(List<byte[]> values, BitSet unanswered, RedisOperationException failure) {
    /** Whether the node of the key at {@code index} answered. */
    public boolean answered(int index) {
      return failure == null || !unanswered.get(index);
    }

    private static Found nothing(int size, RedisOperationException failure) {
      BitSet all = new BitSet(size);
      all.set(0, size);
      return new Found(Arrays.asList(new byte[size][]), all, failure);
    }
  }

  /**
   * Reads many entries ({@code MGET}) from every node that answers: one MGET on a single node; on a
   * cluster one per master, pipelined (Lettuce splits each by slot), skipping masters whose breaker is
   * open. Never throws for a Redis failure: {@link Found} tells which keys went unanswered.
   */
  public Found getAvailable(List<byte[]> keys) {
    int size = keys.size();
    if (size == 0) {
      return new Found(List.of(), null, null);
    }
    if (single != null) {
      try {
        return new Found(values(call(single, () -> redis.mget(keys.toArray(new byte[0][])), "MGET")), null, null);
      } catch (RedisOperationException e) {
        return Found.nothing(size, e);
      }
    }
    Map<String, List<Integer>> byNode = new LinkedHashMap<>();
    for (int i = 0; i < size; i++) {
      byNode.computeIfAbsent(topology.nodeOf(keys.get(i)), node -> new ArrayList<>()).add(i);
    }
    List<List<Integer>> groups = new ArrayList<>(byNode.values());
    List<CircuitBreaker> guards = new ArrayList<>(groups.size());
    IntFunction<RedisFuture<List<KeyValue<byte[], byte[]>>>> send = g -> {
      List<Integer> group = groups.get(g);
      byte[][] groupKeys = new byte[group.size()][];
      for (int j = 0; j < groupKeys.length; j++) {
        groupKeys[j] = keys.get(group.get(j));
      }
      return redis.mget(groupKeys);
    };
    List<RedisFuture<List<KeyValue<byte[], byte[]>>>> sent = new ArrayList<>(groups.size());
    byNode.keySet().forEach(node -> guards.add(nodeBreaker(node)));
    for (int g = 0; g < groups.size(); g++) {
      sent.add(guards.get(g).allowsRequest() ? send.apply(g) : null);
    }
    List<byte[]> values = Arrays.asList(new byte[size][]);
    BitSet unanswered = new BitSet(size);
    RedisOperationException failure = null;
    for (int g = 0; g < groups.size(); g++) {
      List<Integer> group = groups.get(g);
      CircuitBreaker guard = guards.get(g);
      try {
        if (sent.get(g) == null) {
          throw notSent("MGET", guard);
        }
        List<byte[]> found = values(awaitRetrying(sent.get(g), send, g, "MGET"));
        guard.recordSuccess();
        for (int j = 0; j < group.size(); j++) {
          values.set(group.get(j), found.get(j));
        }
      } catch (RedisOperationException e) {
        if (sent.get(g) != null && isConnectionFailure(e.getCause())) {
          guard.recordFailure(e.getMessage());
        }
        group.forEach(unanswered::set);
        failure = failure == null ? e : failure;
      }
    }
    return new Found(values, unanswered, failure);
  }

  private static List<byte[]> values(List<KeyValue<byte[], byte[]>> found) {
    List<byte[]> out = new ArrayList<>(found.size());
    for (KeyValue<byte[], byte[]> kv : found) {
      out.add(kv.hasValue() ? kv.getValue() : null);
    }
    return out;
  }

  /** Applies an access TTL without waiting; ordered before this thread's next command. */
  public void expireAsync(byte[] key, EntryTtl ttl) {
    if (ttl.isKeep() || !breakerFor(key).allowsRequest()) {
      return;
    }
    CompletionStage<?> future;
    if (ttl.isFinite()) {
      future = sendAhead(key, to -> to.pexpire(key, ttl.millis()));
    } else if (ttl.isEternal()) {
      future = sendAhead(key, to -> to.persist(key));
    } else {
      future = sendAhead(key, to -> to.del(key, KeyLayout.leaseKey(key)));   // a removal: its lease goes with it, one command
    }
    future.exceptionally(failure -> {
      log.debug("Could not apply an access TTL: {}", failure.toString());
      return null;
    });
  }

  /** Unconditional write. */
  public void set(byte[] key, byte[] value, EntryTtl ttl) {
    call(breakerFor(key), () -> change(key, to -> to.set(key, value, setArgs(ttl))), "SET");
  }

  /** Unconditional writes of many entries, pipelined; a failure says which keys failed. */
  public void setAll(List<byte[]> keys, List<byte[]> values, EntryTtl ttl) {
    SetArgs args = setArgs(ttl);
    pipeline(keys, (to, i) -> to.set(keys.get(i), values.get(i), args), "SET", true);
  }

  /** Writes only if absent ({@code SET NX}); true when written. */
  public boolean setIfAbsent(byte[] key, byte[] value, EntryTtl ttl) {
    return "OK".equals(call(breakerFor(key), () -> change(key, to -> to.set(key, value, setArgs(ttl).nx())),
        "SET NX"));
  }

  /**
   * Writes one entry with a TTL chosen by whether it exists, if {@code condition} holds ({@code put.lua});
   * an update to a zero TTL deletes the entry and its lease.
   */
  public PutResult put(byte[] key, byte[] value, EntryTtl createTtl, EntryTtl updateTtl, PutCondition condition,
      boolean wantPrevious) {
    List<Object> reply = call(breakerFor(key), () -> change(key, to -> putScript.<List<Object>>run(to,
        ScriptOutputType.MULTI, new byte[][] {key, KeyLayout.leaseKey(key)}, value,
        Script.ascii(createTtl.scriptArgument()), Script.ascii(updateTtl.scriptArgument()),
        new byte[] {condition.code()}, new byte[] {(byte) (wantPrevious ? '1' : '0')})), "put.lua");
    Outcome outcome = Outcome.values()[((Long) reply.get(0)).intValue()];
    byte[] previous = reply.size() > 1 ? (byte[]) reply.get(1) : null;
    return new PutResult(outcome, previous);
  }

  /**
   * Applies {@code action} only if the entry still holds {@code expected} (null: still absent); a delete
   * (or a zero TTL) deletes the entry's lease with it ({@code cas.lua}).
   */
  public boolean compareAndSet(byte[] key, byte[] expected, CasAction action, byte[] value, EntryTtl ttl) {
    byte[] actionCode = {(byte) (action == CasAction.SET ? 'S' : action == CasAction.DELETE ? 'D' : 'T')};
    Long applied = call(breakerFor(key), () -> change(key, to -> casScript.<Long>run(to, ScriptOutputType.INTEGER,
        new byte[][] {key, KeyLayout.leaseKey(key)}, expected == null ? EMPTY : expected, actionCode,
        value == null ? EMPTY : value, Script.ascii(ttl.scriptArgument()))), "cas.lua");
    return applied == 1L;
  }

  public byte[] getAndDelete(byte[] key) {
    return call(breakerFor(key), () -> change(key, to -> to.getdel(key)), "GETDEL");
  }

  /** Deletes each key with {@code GETDEL}, pipelined; returns the previous bytes (null where absent). */
  public List<byte[]> getAndDeleteAll(List<byte[]> keys) {
    return pipeline(keys, (to, i) -> to.getdel(keys.get(i)), "GETDEL", true);
  }

  public boolean delete(byte[] key) {
    return call(breakerFor(key), () -> change(key, to -> to.del(key)), "DEL") > 0;
  }

  /** Deletes keys with pipelined {@code UNLINK}s (one per key, so it stays slot-safe); returns how many existed. */
  public long deleteAll(List<byte[]> keys) {
    return unlinkAll(keys, true);
  }

  /**
   * Deletes keys and their leases, bypassing the breaker: the replay of invalidations that decides if
   * Redis is well; acknowledged by {@code replicas} replicas, as the writes that queued them were.
   */
  public void replayInvalidations(List<byte[]> entryKeys, int replicas) {
    requireConnection("UNLINK");
    List<byte[]> keys = new ArrayList<>(entryKeys.size() * 2);
    for (byte[] key : entryKeys) {
      keys.add(key);
      keys.add(KeyLayout.leaseKey(key));
    }
    acknowledgedBy(replicas).unlinkAll(keys, false);
  }

  /** Deletes every key matching {@code pattern}: SCAN in batches, UNLINK each batch (never KEYS); needs every node. */
  public void deleteMatching(String pattern) {
    checkEveryBreaker("SCAN");
    unlinkMatching(pattern);
  }

  /**
   * {@link #deleteMatching}, bypassing the breaker: the replay of an overflowed invalidation queue,
   * acknowledged by {@code replicas} replicas.
   */
  public void replayClear(String pattern, int replicas) {
    acknowledgedBy(replicas).unlinkMatching(pattern);
  }

  private void unlinkMatching(String pattern) {
    requireConnection("SCAN");
    Iterator<byte[]> scan = scanKeys(pattern);
    List<byte[]> batch = new ArrayList<>();
    while (scan.hasNext()) {
      batch.add(scan.next());
      if (batch.size() == SCAN_BATCH || !scan.hasNext()) {
        unlinkAll(batch, false);
        batch = new ArrayList<>();
      }
    }
  }

  /**
   * The health probe of one node ({@link Breakers#DEPLOYMENT}: the standalone Redis), bypassing its
   * breaker: {@code PING}; on a cluster {@code CLUSTER INFO}, which must report the cluster serving
   * keys ({@link ClusterTopology#probe}).
   */
  public void probe(String node) {
    requireConnection("PING");
    await(topology.probe(node), "PING");
  }

  /** The node serving {@code key} now (see {@link Breakers}): {@link Breakers#DEPLOYMENT} unless on a cluster. */
  public String nodeOf(byte[] key) {
    return topology.nodeOf(key);
  }

  /** The nodes serving keys now: the one node, or a cluster's masters that own slots; empty before connecting. */
  public Set<String> masters() {
    return topology.masters();
  }

  /** On a cluster, asks for a fresh view of the topology (a replica may have replaced a silent master); never waits. */
  public void refreshTopology() {
    topology.refresh();
  }

  private void requireConnection(String command) {
    if (connection == null) {
      throw new RedisOperationException(command + " not sent: not connected to Redis yet", null);
    }
  }

  private long unlinkAll(List<byte[]> keys, boolean guarded) {
    long removed = 0;
    for (Long n : pipeline(keys, (to, i) -> to.unlink(keys.get(i)), "UNLINK", guarded)) {
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
    List<Object> reply = call(breakerFor(entryKey), () -> leaseScript.run(redis, ScriptOutputType.MULTI,
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
    return "OK".equals(call(breakerFor(entryKey), () -> redis.set(KeyLayout.leaseKey(entryKey), token, SetArgs.Builder.nx().px(leaseTtl)),
        "SET NX lease"));
  }

  /**
   * Stores a loaded value only while {@code token} still holds the lease and the entry is as the load
   * found it: still absent ({@code found} null, a miss's load) or still holding exactly {@code found}
   * (a refresh-ahead) ({@code fill.lua}). False when the fill was dropped.
   */
  public boolean fill(byte[] entryKey, byte[] token, byte[] value, EntryTtl ttl, byte[] found) {
    Long stored = call(breakerFor(entryKey), () -> fillScript.run(redis, ScriptOutputType.INTEGER,
        new byte[][] {entryKey, KeyLayout.leaseKey(entryKey)}, token, value, Script.ascii(ttl.scriptArgument()),
        found == null ? EMPTY : found), "fill.lua");
    return stored == 1L;
  }

  /** Gives the lease back if it is still {@code token}'s. */
  public void releaseLease(byte[] entryKey, byte[] token) {
    call(breakerFor(entryKey), () -> releaseScript.run(redis, ScriptOutputType.INTEGER, new byte[][] {KeyLayout.leaseKey(entryKey)}, token),
        "release.lua");
  }

  /**
   * Voids any lease on the entry, without waiting: issued ahead of a removal on the same connection,
   * it reaches Redis first, so a fill racing with that removal is dropped. (A write needs none: the
   * fill finds the entry changed; see {@link #fill}.)
   */
  public void voidLeaseAsync(byte[] entryKey) {
    if (!breakerFor(entryKey).allowsRequest()) {
      return;
    }
    sendAhead(entryKey, to -> to.del(KeyLayout.leaseKey(entryKey))).exceptionally(failure -> {
      log.debug("Could not void a lease: {}", failure.toString());
      return null;
    });
  }

  /**
   * Iterates the keys matching a glob pattern with {@code SCAN} (never {@code KEYS}), every master of
   * a cluster in turn; refused while any node's breaker is open, and a failure midway is thrown as a
   * {@link RedisOperationException}.
   */
  public Iterator<byte[]> scan(String pattern) {
    checkEveryBreaker("SCAN");
    return scanKeys(pattern);
  }

  /** A SCAN walk whose failures are {@link RedisOperationException}s (a connection failure counts on a single node's breaker). */
  private Iterator<byte[]> scanKeys(String pattern) {
    Iterator<byte[]> scan = ScanIterator.scan(connection.sync(), ScanArgs.Builder.matches(pattern).limit(SCAN_BATCH));
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        try {
          return scan.hasNext();
        } catch (RuntimeException e) {
          throw scanFailed(e);
        }
      }

      @Override
      public byte[] next() {
        try {
          return scan.next();
        } catch (java.util.NoSuchElementException e) {
          throw e;
        } catch (RuntimeException e) {
          throw scanFailed(e);
        }
      }
    };
  }

  private RedisOperationException scanFailed(RuntimeException e) {
    if (e instanceof RedisOperationException known) {
      return known;
    }
    if (single != null && isConnectionFailure(e)) {
      single.recordFailure("SCAN failed: " + e.getMessage());
    }
    return new RedisOperationException("SCAN failed: " + e.getMessage(), e);
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

  /**
   * Sends a command unless {@code breaker} (its key's node's) is open, waits for it (sending it again
   * while a cluster refuses it for now, see {@link Retries}), and tells the breaker how it went.
   */
  private <T> T call(CircuitBreaker breaker, Supplier<? extends CompletionStage<T>> send, String command) {
    checkBreaker(breaker, command);
    Retries retries = null;
    while (true) {
      try {
        T result = await(send.get(), command);
        breaker.recordSuccess();
        return result;
      } catch (RedisOperationException e) {
        if (Retries.isRetryable(e.getCause())) {
          retries = retries != null ? retries : new Retries(commandTimeoutMillis);
          if (retries.pauseBeforeRetry(e.getCause())) {
            continue;
          }
        }
        if (isConnectionFailure(e.getCause())) {
          breaker.recordFailure(e.getMessage());
        } else {
          breaker.recordSuccess();
        }
        throw e;
      }
    }
  }

  /**
   * Sends a command per key at once ({@code command} makes the i-th; see {@link #dispatch}), then
   * waits for each in turn, sending one again while a cluster refuses it for now; tells each key's
   * breaker how it went (one failure per breaker and batch). {@code guarded}: keys whose breaker is
   * open are not sent. On a single node the batch fails as a whole at its first failure; on a cluster
   * every key is awaited and the failure names the keys that failed.
   */
  private <T> List<T> pipeline(List<byte[]> keys, AcknowledgedWrites.Command<T> command, String name,
      boolean guarded) {
    int size = keys.size();
    IntFunction<CompletionStage<T>> resend = i -> change(keys.get(i), to -> command.send(to, i));
    if (single != null) {
      if (guarded) {
        checkBreaker(single, name);
      }
      return pipelineOnOneNode(dispatch(keys, command, new BitSet()), resend, name);
    }
    CircuitBreaker[] guards = new CircuitBreaker[size];
    BitSet skipped = new BitSet(size);
    for (int i = 0; i < size; i++) {
      guards[i] = breakerFor(keys.get(i));
      if (guarded && !guards[i].allowsRequest()) {
        skipped.set(i);
      }
    }
    List<CompletionStage<T>> futures = dispatch(keys, command, skipped);
    List<T> results = new ArrayList<>(size);
    BitSet failed = new BitSet(size);
    RedisOperationException first = null;
    List<CircuitBreaker> failedNodes = new ArrayList<>(2);
    for (int i = 0; i < size; i++) {
      try {
        if (futures.get(i) == null) {
          throw notSent(name, guards[i]);
        }
        results.add(awaitRetrying(futures.get(i), resend, i, name));
      } catch (RedisOperationException e) {
        results.add(null);
        failed.set(i);
        first = first == null ? e : first;
        if (futures.get(i) != null && isConnectionFailure(e.getCause()) && !failedNodes.contains(guards[i])) {
          failedNodes.add(guards[i]);
          guards[i].recordFailure(e.getMessage());
        }
      }
    }
    for (int i = 0; i < size; i++) {
      if (!failed.get(i)) {
        guards[i].recordSuccess();
      }
    }
    if (first != null) {
      throw new RedisOperationException(first.getMessage(), first.getCause(), failed);
    }
    return results;
  }

  private <T> List<T> pipelineOnOneNode(List<CompletionStage<T>> futures, IntFunction<CompletionStage<T>> resend,
      String command) {
    int size = futures.size();
    List<T> results = new ArrayList<>(size);
    try {
      for (int i = 0; i < size; i++) {
        results.add(awaitRetrying(futures.get(i), resend, i, command));
      }
    } catch (RedisOperationException e) {
      if (isConnectionFailure(e.getCause())) {
        single.recordFailure(e.getMessage());
      }
      throw e;
    }
    single.recordSuccess();
    return results;
  }

  private <T> T awaitRetrying(CompletionStage<T> first, IntFunction<? extends CompletionStage<T>> send, int index,
      String command) {
    CompletionStage<T> future = first;
    Retries retries = null;
    while (true) {
      try {
        return await(future, command);
      } catch (RedisOperationException e) {
        retries = retries != null ? retries : new Retries(commandTimeoutMillis);
        if (!retries.pauseBeforeRetry(e.getCause())) {
          throw e;
        }
        future = send.apply(index);
      }
    }
  }

  /**
   * Sends a command that changes the entry of {@code key}: on the shared connection, or, in an
   * acknowledged view, on its node's acknowledged connection followed by a {@code WAIT}.
   */
  private <T> CompletionStage<T> change(byte[] key,
      Function<RedisClusterAsyncCommands<byte[], byte[]>, ? extends CompletionStage<T>> command) {
    AcknowledgedWrites ack = acknowledged;
    if (ack == null) {
      return command.apply(redis);
    }
    try {
      return ack.send(topology.nodeOf(key), command);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);    // no connection to the node could be made
    }
  }

  /**
   * Sends a fire-and-forget command on the connection this thread's next change of {@code key} takes,
   * so it reaches Redis first; in an acknowledged view without a {@code WAIT} of its own (the next
   * write's covers it).
   */
  private <T> CompletionStage<T> sendAhead(byte[] key,
      Function<RedisClusterAsyncCommands<byte[], byte[]>, ? extends CompletionStage<T>> command) {
    if (acknowledged == null) {
      return command.apply(redis);
    }
    try {
      return command.apply(acknowledgedConnections.to(topology.nodeOf(key)));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Sends the i-th command for each key not {@code skipped}: on the shared connection, or, in an
   * acknowledged view, grouped by node on each node's acknowledged connection, one {@code WAIT} per
   * node. Null where skipped.
   */
  private <T> List<CompletionStage<T>> dispatch(List<byte[]> keys, AcknowledgedWrites.Command<T> command,
      BitSet skipped) {
    int size = keys.size();
    List<CompletionStage<T>> sent = new ArrayList<>(java.util.Collections.nCopies(size, null));
    AcknowledgedWrites ack = acknowledged;
    if (ack == null) {
      for (int i = 0; i < size; i++) {
        if (!skipped.get(i)) {
          sent.set(i, command.send(redis, i));
        }
      }
      return sent;
    }
    Map<String, List<Integer>> byNode = new LinkedHashMap<>();
    for (int i = 0; i < size; i++) {
      if (!skipped.get(i)) {
        byNode.computeIfAbsent(topology.nodeOf(keys.get(i)), node -> new ArrayList<>()).add(i);
      }
    }
    byNode.forEach((node, group) -> {
      List<CompletionStage<T>> done;
      try {
        done = ack.sendAll(node, group.size(), (to, j) -> command.send(to, group.get(j)));
      } catch (RuntimeException e) {
        done = java.util.Collections.nCopies(group.size(), CompletableFuture.failedFuture(e));
      }
      for (int j = 0; j < group.size(); j++) {
        sent.set(group.get(j), done.get(j));
      }
    });
    return sent;
  }

  /** The breaker of the node serving {@code key}: the one breaker of a single node, at no cost. */
  private CircuitBreaker breakerFor(byte[] key) {
    CircuitBreaker only = single;
    return only != null ? only : nodeBreaker(topology.nodeOf(key));
  }

  /**
   * A cluster node's breaker, made on the node's first command once its connection is made (a new
   * master's first commands would otherwise be rejected while Lettuce connects, and open its breaker).
   */
  private CircuitBreaker nodeBreaker(String node) {
    CircuitBreaker breaker = breakers.of(node);
    if (breaker != null) {
      return breaker;
    }
    topology.awaitConnection(node, commandTimeoutMillis);
    return breakers.add(node, topology.addressOf(node));
  }

  private static void checkBreaker(CircuitBreaker breaker, String command) {
    if (!breaker.allowsRequest()) {
      throw notSent(command, breaker);
    }
  }

  /** Refuses a command that needs every node (SCAN) while any node's breaker is open. */
  private void checkEveryBreaker(String command) {
    if (single != null) {
      checkBreaker(single, command);
      return;
    }
    for (CircuitBreaker breaker : breakers.byNode().values()) {
      checkBreaker(breaker, command);
    }
  }

  private static RedisOperationException notSent(String command, CircuitBreaker breaker) {
    return new RedisOperationException(command + " not sent: " + breaker.subject()
        + " is unavailable (circuit breaker open)", null);
  }

  /** A failure of the connection or the server's health, as opposed to an error reply to this command. */
  private static boolean isConnectionFailure(Throwable cause) {
    return !(cause instanceof RedisCommandExecutionException) || cause instanceof RedisLoadingException
        || cause instanceof RedisBusyException || Retries.isClusterDown(cause);
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

}
