package dev.aside.near;

import dev.aside.redis.TrackingConnector;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One cache manager's stream of invalidations from Redis: a dedicated RESP3 connection per node with
 * {@code CLIENT TRACKING ON BCAST PREFIX <keyPrefix>} (one node on standalone and Sentinel, every
 * master on a Redis Cluster), health-checked with {@code PING}, re-established (and tracking
 * re-enabled) after any loss. See the package documentation for why BCAST.
 *
 * <p>Subscribers register a namespace ({@code KeyLayout.namespace()}, which must start with the key
 * prefix) and receive {@link Listener#onInvalidate} for every modified key under it, and
 * {@link Listener#onInvalidateAll} whenever any key may have changed unseen: {@code FLUSHALL}/
 * {@code FLUSHDB} on any node, a connection closed or silent (no {@code PING} reply within the
 * timeout), the cluster's masters changed. The feed is {@linkplain #isLive() live} only while tracking
 * is known to be on for every key: between a successful {@code CLIENT TRACKING} on every node and the
 * loss of any of those connections, and only while each node's last confirmed {@code PING} is recent.
 *
 * <p>Threading: {@code onInvalidate} and most {@code onInvalidateAll} calls run on a Lettuce
 * event-loop thread (the rest on the feed's own thread); listeners must not block. Connecting,
 * enabling tracking and pinging run on one daemon thread of the feed.
 */
public final class InvalidationFeed implements AutoCloseable {
  /*
   * Liveness over several nodes (a Redis Cluster; standalone and Sentinel are the case of one node).
   *
   * 1. Client tracking is per connection and per node: a connection hears of the keys written on its
   *    own node only. So the feed keeps one TrackingSession per node that connector.nodes() names
   *    (every master of the cluster client's current topology), in `sessions`, and the feed thread
   *    alone adds and removes them.
   * 2. The feed is live only while every one of those nodes has a session with tracking enabled and
   *    not lost. `liveSession` holds the id of the current live period, 0 outside one; a new id is
   *    drawn each time the feed goes live, so any change of any node's session, or of the set of
   *    nodes, changes it. NearCache stamps reservations and entries with it: a fill reserved in one
   *    live period is never kept in another, and a hit needs the id its entry was filled in.
   * 3. Ending a live period (a current session lost or silent, the set of nodes changed, close) first
   *    revokes the confirmation, so hits stop at once, then sets `liveSession` to 0, revokes again (a
   *    confirmation written meanwhile must not survive) and clears every subscriber: once per period,
   *    whoever wins the compare-and-set. A revoked confirmation is a day old, so even the near cache's
   *    lagging clock sees it stale.
   * 4. Going live (feed thread) publishes `liveNodes`, the confirmation and the period, then checks
   *    again that no session of the period was lost and that the nodes are still the same: a loss or
   *    a topology change that raced with it found no period to end, so it is ended there.
   * 5. `confirmedAtNanos` is the oldest of the sessions' last confirmations (tracking enabled, or a
   *    PING sent and answered); hits need it recent, so one silent node stops every hit within
   *    pingInterval + pingTimeout.
   * 6. Topology: a change of the set of tracked nodes (a master added or gone, a failover) ends the
   *    live period, at once on the connector's topology event and at the latest at the next health
   *    check, and the feed is live again once every node of the new set has a live session. While it
   *    is not live the feed asks the connector to refresh the topology (every ping interval for the
   *    first 30 s, about as long as a failover takes, then less and less often, down to every 30 s),
   *    so a promoted replica is found without waiting for the cluster client's own refresh.
   *    Slots moving between tracked nodes change nothing: BCAST reports every key of a node whatever
   *    its slot, and a migration reports the key deleted on the source (MIGRATE) and created on the
   *    target (RESTORE), so each write of a moved key is reported by the node that applies it.
   */
  private static final Logger log = LoggerFactory.getLogger(InvalidationFeed.class);
  private static final long STALE_MARGIN_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
  /** How far past the limit a revoked confirmation is put: beyond any lag of the coarse clock. */
  private static final long REVOKED_NANOS = TimeUnit.DAYS.toNanos(1);
  /** While not live: topology refreshes every ping interval this long, then backing off to this interval. */
  private static final long REFRESH_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(30);
  /** Receives the invalidations of one namespace. Called on Lettuce's event loop: must not block or throw. */
  public interface Listener {
    /** The key (an exact Redis key under the subscribed namespace) was written, deleted, expired or evicted. */
    void onInvalidate(byte[] redisKey);

    /** Any key may have changed unseen: drop everything. */
    void onInvalidateAll();
  }

  /** A subscription; {@link #close()} ends it. */
  public interface Subscription extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Health-check timing.
   *
   * @param pingInterval pause between health checks
   * @param pingTimeout a {@code PING} unanswered this long means the connection is lost
   * @param connectTimeout bound on connecting, handshake and {@code CLIENT TRACKING}
   */
  public record Timing(Duration pingInterval, Duration pingTimeout, Duration connectTimeout) {
    public Timing {
      requirePositive(pingInterval, "pingInterval");
      requirePositive(pingTimeout, "pingTimeout");
      requirePositive(connectTimeout, "connectTimeout");
    }

    /** PING every second, lost after 500 ms without a reply; connect within 1 s. */
    public static Timing defaults() {
      return new Timing(Duration.ofSeconds(1), Duration.ofMillis(500), Duration.ofSeconds(1));
    }

    private static void requirePositive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, got " + d);
      }
    }
  }

  private final String keyPrefix;
  private final Timing timing;
  private final long staleAfterNanos;
  private final TrackingConnector connector;
  private final ScheduledThreadPoolExecutor thread;
  private final Subscribers subscribers = new Subscribers();
  /** The current session of each node; see the invariants above. */
  private final Map<String, TrackingSession> sessions = new ConcurrentHashMap<>();

  /** Id of the live period, 0 while not live. Periods are numbered from 1, never reused. */
  private final AtomicLong liveSession = new AtomicLong();
  /** The nodes of the live (or last) period. */
  private volatile Set<String> liveNodes = Set.of();
  /** When the oldest of the live sessions' last confirmations was sent. */
  private volatile long confirmedAtNanos;
  private final AtomicBoolean tickRequested = new AtomicBoolean();
  private final Runnable stopFollowingTopology;
  private volatile boolean closed;

  /* Owned by the feed's thread. */
  private long periodCounter;
  private int failuresInARow;
  private boolean notLive = true;
  private long notLiveSinceNanos;
  private long refreshIntervalNanos;
  private long nextRefreshNanos;

  private final LongAdder sessionsStarted = new LongAdder();
  private final LongAdder sessionsLost = new LongAdder();
  private volatile long lastPingRoundTripNanos = -1;

  /** A feed with {@link Timing#defaults()} and a connector (and event loops) of its own, to a standalone or Sentinel Redis. */
  public InvalidationFeed(RedisURI redisUri, String keyPrefix) {
    this(TrackingConnector.of(redisUri, Timing.defaults().connectTimeout()), keyPrefix, Timing.defaults());
  }

  /**
   * Opens the feed and makes a first connection attempt to every node (bounded by about three times
   * {@code timing.connectTimeout()}); if that fails the feed keeps trying in the background and stays not
   * live meanwhile.
   *
   * @param connector opens the feed's connections (from {@code RedisConnections#tracking}); closed by {@link #close()}
   * @param keyPrefix the tracked prefix, as sent in {@code BCAST PREFIX}: the manager's key prefix including
   *     the separator, e.g. {@code "aside:"} for {@code KeyLayout}s built with prefix {@code "aside"}
   * @param timing health-check timing
   */
  public InvalidationFeed(TrackingConnector connector, String keyPrefix, Timing timing) {
    this.connector = Objects.requireNonNull(connector, "connector");
    this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
    if (keyPrefix.isEmpty()) {
      throw new IllegalArgumentException("keyPrefix must not be empty: BCAST would track every key in Redis");
    }
    this.timing = Objects.requireNonNull(timing, "timing");
    this.staleAfterNanos = timing.pingInterval().toNanos() + timing.pingTimeout().toNanos() + STALE_MARGIN_NANOS;
    this.notLiveSinceNanos = System.nanoTime();
    this.refreshIntervalNanos = timing.pingInterval().toNanos();
    this.nextRefreshNanos = notLiveSinceNanos;
    this.thread = new ScheduledThreadPoolExecutor(1, task -> {
      Thread t = new Thread(task, "aside-invalidation-feed");
      t.setDaemon(true);
      return t;
    });
    thread.setRemoveOnCancelPolicy(true);
    this.stopFollowingTopology = connector.onTopologyChange(this::topologyChanged);
    Future<?> first = thread.submit(this::tick);
    thread.scheduleWithFixedDelay(this::tick, timing.pingInterval().toNanos(), timing.pingInterval().toNanos(),
        TimeUnit.NANOSECONDS);
    try {
      first.get(timing.connectTimeout().toMillis() * 3 + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.debug("First connection attempt of the invalidation feed did not finish", e);
    }
  }

  /**
   * Subscribes to the invalidations of keys starting with {@code namespace}.
   *
   * @throws IllegalArgumentException if the namespace is not under the tracked key prefix (its
   *     invalidations would never arrive)
   */
  public Subscription subscribe(String namespace, Listener listener) {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(listener, "listener");
    if (!namespace.startsWith(keyPrefix)) {
      throw new IllegalArgumentException("Namespace " + namespace + " is not under the tracked prefix " + keyPrefix);
    }
    if (closed) {
      throw new IllegalStateException("The invalidation feed is closed");
    }
    return subscribers.add(namespace.getBytes(StandardCharsets.UTF_8), listener);
  }

  /**
   * True only while tracking is known to be on for every node: connected, tracking enabled, and the last
   * PING of each answered recently. Judged by the near cache's clock, as hits are: while this is false,
   * no near cache of the feed serves a hit.
   */
  public boolean isLive() {
    return liveSession(CoarseClock.now()) != 0;
  }

  /**
   * Waits until the feed is live.
   *
   * @return whether it became live within the timeout
   */
  public boolean awaitLive(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!isLive()) {
      if (closed || System.nanoTime() - deadline > 0) {
        return false;
      }
      Thread.sleep(10);
    }
    return true;
  }

  /** The tracked key prefix. */
  public String keyPrefix() {
    return keyPrefix;
  }

  /**
   * Redis client id ({@code CLIENT ID}) of the invalidation connection of a standalone or Sentinel Redis,
   * or -1 while there is none (or on a cluster: see {@link #connectionIds()}); for diagnostics and tests.
   */
  public long connectionId() {
    TrackingSession s = sessions.get(TrackingConnector.SINGLE_NODE);
    return s == null || s.lost ? -1 : s.clientId;
  }

  /**
   * The Redis client id ({@code CLIENT ID}) of each node's invalidation connection, by node (a cluster
   * node is named {@code host:port/node-id}; a standalone or Sentinel node by the empty string); for
   * diagnostics and tests.
   */
  public Map<String, Long> connectionIds() {
    Map<String, Long> ids = new LinkedHashMap<>();
    sessions.forEach((node, s) -> {
      if (!s.lost && s.clientId >= 0) {
        ids.put(node, s.clientId);
      }
    });
    return ids;
  }

  /** Times the feed went live (1 after the first connection, +1 per recovery). */
  public long sessionsStarted() {
    return sessionsStarted.sum();
  }

  /** Times the live feed was lost (a connection closed or silent, the cluster's masters changed). */
  public long sessionsLost() {
    return sessionsLost.sum();
  }

  /** Invalidation messages received (one message may name several keys). */
  public long messagesReceived() {
    return subscribers.messages();
  }

  /** Null invalidations received (FLUSHALL / FLUSHDB on any node). */
  public long flushesReceived() {
    return subscribers.flushes();
  }

  /**
   * Round trip of the slowest answered PING of the last health check, or null before the first: the usual
   * delay with which an invalidation reaches this JVM after Redis applied the write is about half of it
   * (both travel the same connection).
   */
  public Duration lastPingRoundTrip() {
    long rtt = lastPingRoundTripNanos;
    return rtt < 0 ? null : Duration.ofNanos(rtt);
  }

  /** Stops the feed; subscribers get {@link Listener#onInvalidateAll()} once more if it was live. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    stopFollowingTopology.run();
    revokeConfirmation();
    if (liveSession.getAndSet(0) != 0) {
      revokeConfirmation();
      subscribers.invalidateAll();
    }
    thread.shutdownNow();
    try {
      if (!thread.awaitTermination(timing.connectTimeout().toMillis() + 2000, TimeUnit.MILLISECONDS)) {
        log.debug("The invalidation feed's thread did not stop in time");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sessions.values().forEach(s -> s.lost = true);
    sessions.clear();
    subscribers.clear();
    // Closes the connections too.
    connector.close();
  }

  @Override
  public String toString() {
    return "InvalidationFeed[prefix=" + keyPrefix + ", live=" + isLive() + ", sessions=" + sessionsStarted() + "]";
  }

  // ---------------------------------------------------------------- liveness

  /** The live period's id as of {@code nowNanos}, or 0: the token that reservations and entries carry. */
  long liveSession(long nowNanos) {
    long session = liveSession.get();
    if (session == 0 || nowNanos - confirmedAtNanos > staleAfterNanos) {
      return 0;
    }
    return session;
  }

  /**
   * Whether the feed's last confirmation (tracking enabled, or a PING answered, by every node) is recent
   * enough to serve hits at {@code nowNanos}. The end of a live period is signalled by clearing every
   * subscriber.
   */
  boolean isConfirmedAt(long nowNanos) {
    return nowNanos - confirmedAtNanos <= staleAfterNanos;
  }

  /**
   * Stops hits at once, before subscribers are cleared (a new period confirms afresh when it goes live).
   * The confirmation is put a day back, not just past the limit: hits are checked against the near
   * cache's coarse clock, which lags the real one.
   */
  private void revokeConfirmation() {
    confirmedAtNanos = System.nanoTime() - staleAfterNanos - REVOKED_NANOS;
  }

  /** Ends the live period, if any (any thread): the first to end it clears every subscriber. */
  private void endLivePeriod(String why) {
    long period = liveSession.get();
    if (period == 0) {
      return;
    }
    revokeConfirmation();
    if (liveSession.compareAndSet(period, 0)) {
      // Again: a confirm() of the feed thread may have written between the first revocation and the CAS.
      revokeConfirmation();
      sessionsLost.increment();
      subscribers.invalidateAll();
      if (!closed) {
        log.warn("Near caches under '{}' disabled and cleared: {}", keyPrefix, why);
      }
    }
  }

  /** Marks a session lost (any thread); the loss of a current session ends the live period. */
  private void lose(TrackingSession s, String why) {
    s.lost = true;
    if (sessions.get(s.node) == s) {
      endLivePeriod(s + " " + why);
      // Recover at once rather than at the next health check; failed attempts then wait for the schedule.
      requestTick();
    }
  }

  /** The connector's topology event (a Lettuce thread): ends the live period if the tracked nodes changed. */
  private void topologyChanged() {
    if (closed) {
      return;
    }
    if (liveSession.get() != 0 && !liveNodes.equals(nodesOrNull())) {
      endLivePeriod("the cluster's masters changed");
    }
    requestTick();
  }

  private void requestTick() {
    if (!closed && tickRequested.compareAndSet(false, true)) {
      try {
        thread.execute(() -> {
          tickRequested.set(false);
          tick();
        });
      } catch (RejectedExecutionException e) {
        tickRequested.set(false);
      }
    }
  }

  private Set<String> nodesOrNull() {
    try {
      return new LinkedHashSet<>(connector.nodes());
    } catch (RuntimeException e) {
      return null;
    }
  }

  // ---------------------------------------------------------------- the feed's thread

  /** A health check: follow the topology, ping every session, connect the nodes without one, go live. */
  private void tick() {
    try {
      if (closed) {
        return;
      }
      Set<String> nodes;
      try {
        nodes = new LinkedHashSet<>(connector.nodes());
      } catch (RuntimeException e) {
        endLivePeriod("the cluster's topology is unknown");
        noteFailure("", "cannot read the cluster's topology: " + rootMessage(e));
        refreshTopologyWhileNotLive();
        return;
      }
      retireSessionsOutside(nodes);
      ping();
      connectMissing(nodes);
      if (liveSession.get() == 0) {
        goLiveIfComplete(nodes);
      } else {
        confirm();
      }
      refreshTopologyWhileNotLive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.warn("Invalidation feed health check failed unexpectedly", e);
    }
  }

  /** Ends the live period if the nodes changed, and closes the sessions that are lost or of nodes gone. */
  private void retireSessionsOutside(Set<String> nodes) {
    if (liveSession.get() != 0 && !liveNodes.equals(nodes)) {
      endLivePeriod("the cluster's masters changed");
    }
    for (TrackingSession s : sessions.values()) {
      if (s.lost || !nodes.contains(s.node)) {
        sessions.remove(s.node, s);
        s.close();
      }
    }
  }

  /** Pings every session at once, and drops those that fail or do not answer within the timeout. */
  private void ping() throws InterruptedException {
    Map<TrackingSession, RedisFuture<String>> pings = new LinkedHashMap<>();
    long sent = System.nanoTime();
    for (TrackingSession s : sessions.values()) {
      try {
        pings.put(s, s.connection.async().ping());
      } catch (RuntimeException e) {
        drop(s, "failed PING: " + rootMessage(e));
      }
    }
    long deadline = sent + timing.pingTimeout().toNanos();
    long slowest = -1;
    for (Map.Entry<TrackingSession, RedisFuture<String>> ping : pings.entrySet()) {
      TrackingSession s = ping.getKey();
      try {
        ping.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        slowest = Math.max(slowest, System.nanoTime() - sent);
        if (!s.lost) {
          s.confirmedAtNanos = sent;
        }
      } catch (TimeoutException e) {
        drop(s, "did not answer PING within " + timing.pingTimeout().toMillis() + " ms");
      } catch (ExecutionException | RuntimeException e) {
        drop(s, "failed PING: " + rootMessage(e));
      }
    }
    if (slowest >= 0) {
      lastPingRoundTripNanos = slowest;
    }
  }

  private void drop(TrackingSession s, String why) {
    lose(s, why);
    sessions.remove(s.node, s);
    s.close();
  }

  /** Connects, at once, every node that has no session, and enables tracking on each connection made. */
  private void connectMissing(Set<String> nodes) throws InterruptedException {
    Map<String, CompletableFuture<StatefulRedisConnection<byte[], byte[]>>> connecting = new LinkedHashMap<>();
    for (String node : nodes) {
      if (!sessions.containsKey(node)) {
        try {
          connecting.put(node, connector.connect(node));
        } catch (RuntimeException e) {
          connecting.put(node, CompletableFuture.failedFuture(e));
        }
      }
    }
    for (Map.Entry<String, CompletableFuture<StatefulRedisConnection<byte[], byte[]>>> node : connecting.entrySet()) {
      startSession(node.getKey(), node.getValue());
    }
  }

  private void startSession(String node, CompletableFuture<StatefulRedisConnection<byte[], byte[]>> connecting)
      throws InterruptedException {
    StatefulRedisConnection<byte[], byte[]> connection = null;
    TrackingSession s = null;
    try {
      try {
        connection = connecting.get(timing.connectTimeout().toMillis() * 2 + 500, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        connecting.thenAccept(InvalidationFeed::closeQuietly);
        throw e;
      }
      // Listens before tracking starts, so that no message of this session can be missed.
      s = new TrackingSession(node, connection, subscribers::dispatch, this::lose);
      sessions.put(node, s);
      if (!connection.isOpen()) {
        throw new IllegalStateException("connection closed while connecting");
      }
      long timeout = timing.connectTimeout().toMillis();
      s.clientId = connection.async().clientId().get(timeout, TimeUnit.MILLISECONDS);
      long sent = System.nanoTime();
      String reply = connection.async()
          .clientTracking(TrackingArgs.Builder.enabled().bcast().prefixes(StandardCharsets.UTF_8, keyPrefix))
          .get(timeout, TimeUnit.MILLISECONDS);
      if (!"OK".equalsIgnoreCase(reply)) {
        throw new IllegalStateException("CLIENT TRACKING answered " + reply);
      }
      s.confirmedAtNanos = sent;
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      if (s != null) {
        s.lost = true;
        sessions.remove(node, s);
      }
      if (connection != null) {
        closeQuietly(connection);
      }
      noteFailure(node, rootMessage(e));
    }
  }

  private void noteFailure(String node, String message) {
    failuresInARow++;
    String where = node.isEmpty() ? "" : " on " + node;
    if (failuresInARow == 1) {
      log.warn("Cannot start Redis client tracking for '{}'{} (near caches stay disabled, retrying every {} ms): {}{}",
          keyPrefix, where, timing.pingInterval().toMillis(), message,
          message.contains("HELLO") || message.contains("NOPROTO") ? " (near caching needs Redis 6 or later)" : "");
    } else {
      log.debug("Still cannot start Redis client tracking for '{}'{}: {}", keyPrefix, where, message);
    }
  }

  /** Goes live if every node has a session (see invariant 4). */
  private void goLiveIfComplete(Set<String> nodes) {
    List<TrackingSession> members = new ArrayList<>(nodes.size());
    for (String node : nodes) {
      TrackingSession s = sessions.get(node);
      if (s == null || s.lost) {
        return;
      }
      members.add(s);
    }
    if (members.isEmpty()) {
      return;
    }
    liveNodes = Set.copyOf(nodes);
    confirmedAtNanos = oldestConfirmation(members);
    long period = ++periodCounter;
    liveSession.set(period);
    // A loss or a topology change that raced with the set above found no live period to end.
    if (members.stream().anyMatch(s -> s.lost) || !nodes.equals(nodesOrNull())) {
      if (liveSession.compareAndSet(period, 0)) {
        revokeConfirmation();
        subscribers.invalidateAll();
      }
      requestTick();
      return;
    }
    sessionsStarted.increment();
    String how = nodes.size() == 1 && nodes.contains(TrackingConnector.SINGLE_NODE)
        ? "connection id " + members.get(0).clientId : "on " + nodes.size() + " nodes: " + connectionIds();
    if (failuresInARow > 0 || period > 1) {
      log.info("Near caches under '{}' live again: client tracking re-enabled ({})", keyPrefix, how);
    } else {
      log.debug("Client tracking enabled for '{}' ({})", keyPrefix, how);
    }
    failuresInARow = 0;
    notLive = false;
  }

  /** Moves the confirmation to the oldest of the live sessions' last answers. */
  private void confirm() {
    long period = liveSession.get();
    List<TrackingSession> members = new ArrayList<>();
    for (String node : liveNodes) {
      TrackingSession s = sessions.get(node);
      if (s == null || s.lost) {
        return;
      }
      members.add(s);
    }
    long oldest = oldestConfirmation(members);
    if (liveSession.get() == period && period != 0) {
      confirmedAtNanos = oldest;
      // The period may have ended between the check and the write: its end revokes after its CAS, and so do we.
      if (liveSession.get() != period) {
        revokeConfirmation();
      }
    }
  }

  private static long oldestConfirmation(List<TrackingSession> sessions) {
    long now = System.nanoTime();
    long oldest = now;
    for (TrackingSession s : sessions) {
      if (s.confirmedAtNanos - oldest < 0) {
        oldest = s.confirmedAtNanos;
      }
    }
    return oldest;
  }

  /** While not live, asks the connector to refresh its topology (see invariant 6). */
  private void refreshTopologyWhileNotLive() {
    long now = System.nanoTime();
    if (liveSession.get() != 0 || closed) {
      return;
    }
    if (!notLive) {
      notLive = true;
      notLiveSinceNanos = now;
      refreshIntervalNanos = timing.pingInterval().toNanos();
      nextRefreshNanos = now;
    }
    if (now - nextRefreshNanos < 0) {
      return;
    }
    connector.refreshTopology();
    if (now - notLiveSinceNanos > REFRESH_BACKOFF_NANOS) {
      refreshIntervalNanos = Math.min(refreshIntervalNanos * 2, REFRESH_BACKOFF_NANOS);
    }
    nextRefreshNanos = now + refreshIntervalNanos;
  }

  private static void closeQuietly(StatefulRedisConnection<?, ?> connection) {
    try {
      connection.closeAsync();
    } catch (RuntimeException e) {
      log.debug("Cannot close an invalidation connection", e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return root.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
  }
}
