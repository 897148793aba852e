package dev.aside.near;

import dev.aside.redis.TrackingConnector;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.push.PushListener;
import io.lettuce.core.api.push.PushMessage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * One cache manager's stream of invalidations from Redis: a dedicated RESP3 connection with
 * {@code CLIENT TRACKING ON BCAST PREFIX <keyPrefix>}, health-checked with {@code PING}, re-established
 * (and tracking re-enabled) after any loss. See the package documentation for why BCAST.
 *
 * <p>Subscribers register a namespace ({@code KeyLayout.namespace()}, which must start with the key
 * prefix) and receive {@link Listener#onInvalidate} for every modified key under it, and
 * {@link Listener#onInvalidateAll} whenever any key may have changed unseen: {@code FLUSHALL}/
 * {@code FLUSHDB}, the connection closed, or the connection silent (no {@code PING} reply within the
 * timeout). The feed is {@linkplain #isLive() live} only while tracking is known to be on: between a
 * successful {@code CLIENT TRACKING} and the loss of that connection, and only while the last
 * confirmed {@code PING} is recent.
 *
 * <p>Threading: {@code onInvalidate} and most {@code onInvalidateAll} calls run on a Lettuce
 * event-loop thread (the rest on the feed's own thread); listeners must not block. Connecting,
 * enabling tracking and pinging run on one daemon thread of the feed.
 */
public final class InvalidationFeed implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(InvalidationFeed.class);
  private static final long STALE_MARGIN_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

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
  private final CopyOnWriteArrayList<Sub> subscriptions = new CopyOnWriteArrayList<>();

  /** Id of the live session, 0 while not live. Sessions are numbered from 1, never reused. */
  private final AtomicLong liveSession = new AtomicLong();
  /** When the last request was sent whose reply proved the live session delivers invalidations. */
  private volatile long confirmedAtNanos;
  private final AtomicBoolean reconnectRequested = new AtomicBoolean();
  private volatile boolean closed;

  /* Owned by the feed's thread. */
  private volatile Session current;
  private long sessionCounter;
  private int failuresInARow;

  private final LongAdder sessionsStarted = new LongAdder();
  private final LongAdder sessionsLost = new LongAdder();
  private final LongAdder messages = new LongAdder();
  private final LongAdder flushes = new LongAdder();
  private volatile long lastPingRoundTripNanos = -1;

  /** A feed with {@link Timing#defaults()} and a connector (and event loops) of its own. */
  public InvalidationFeed(RedisURI redisUri, String keyPrefix) {
    this(TrackingConnector.of(redisUri, Timing.defaults().connectTimeout()), keyPrefix, Timing.defaults());
  }

  /**
   * Opens the feed and makes a first connection attempt (bounded by {@code timing.connectTimeout()});
   * if that fails the feed keeps trying in the background and stays not live meanwhile.
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
    this.thread = new ScheduledThreadPoolExecutor(1, task -> {
      Thread t = new Thread(task, "aside-invalidation-feed");
      t.setDaemon(true);
      return t;
    });
    thread.setRemoveOnCancelPolicy(true);
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
    Sub sub = new Sub(namespace.getBytes(StandardCharsets.UTF_8), listener);
    subscriptions.add(sub);
    return sub;
  }

  /** True only while tracking is known to be on: connected, tracking enabled, and the last PING answered recently. */
  public boolean isLive() {
    return liveSession(System.nanoTime()) != 0;
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

  /** Redis client id ({@code CLIENT ID}) of the current invalidation connection, or -1; for diagnostics and tests. */
  public long connectionId() {
    Session s = current;
    return s == null || s.lost ? -1 : s.clientId;
  }

  /** Tracking sessions started so far (1 after the first connection, +1 per recovery). */
  public long sessionsStarted() {
    return sessionsStarted.sum();
  }

  /** Live sessions lost so far (connection closed or silent). */
  public long sessionsLost() {
    return sessionsLost.sum();
  }

  /** Invalidation messages received (one message may name several keys). */
  public long messagesReceived() {
    return messages.sum();
  }

  /** Null invalidations received (FLUSHALL / FLUSHDB). */
  public long flushesReceived() {
    return flushes.sum();
  }

  /**
   * Round trip of the last answered PING on the invalidation connection, or null before the first: the
   * usual delay with which an invalidation reaches this JVM after Redis applied the write is about half
   * of it (both travel the same connection).
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
    revokeConfirmation();
    if (liveSession.getAndSet(0) != 0) {
      invalidateAllSubscribers();
    }
    thread.shutdownNow();
    try {
      if (!thread.awaitTermination(timing.connectTimeout().toMillis() + 2000, TimeUnit.MILLISECONDS)) {
        log.debug("The invalidation feed's thread did not stop in time");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Session s = current;
    current = null;
    if (s != null) {
      s.lost = true;
    }
    subscriptions.clear();
    // Closes the connection too.
    connector.close();
  }

  @Override
  public String toString() {
    return "InvalidationFeed[prefix=" + keyPrefix + ", live=" + isLive() + ", sessions=" + sessionsStarted() + "]";
  }

  // ---------------------------------------------------------------- liveness

  /** The live session's id as of {@code nowNanos}, or 0: the token that reservations and entries carry. */
  long liveSession(long nowNanos) {
    long session = liveSession.get();
    if (session == 0 || nowNanos - confirmedAtNanos > staleAfterNanos) {
      return 0;
    }
    return session;
  }

  /**
   * Whether the feed's last confirmation (tracking enabled, or a PING answered) is recent enough to
   * serve hits at {@code nowNanos}. Loss of the session itself is signalled by clearing every subscriber.
   */
  boolean isConfirmedAt(long nowNanos) {
    return nowNanos - confirmedAtNanos <= staleAfterNanos;
  }

  /** Stops hits at once, before subscribers are cleared (a new session confirms afresh when it goes live). */
  private void revokeConfirmation() {
    confirmedAtNanos = System.nanoTime() - staleAfterNanos - 1;
  }

  /** Marks a session lost (any thread); the first loss of the live session clears every subscriber. */
  private void lose(Session s, String why) {
    s.lost = true;
    if (liveSession.get() == s.id) {
      revokeConfirmation();
    }
    if (liveSession.compareAndSet(s.id, 0)) {
      sessionsLost.increment();
      if (!closed) {
        log.warn("Near caches under '{}' disabled and cleared: invalidation connection {}", keyPrefix, why);
      }
      invalidateAllSubscribers();
      // Recover at once rather than at the next health check; failed attempts then wait for the schedule.
      if (!closed && reconnectRequested.compareAndSet(false, true)) {
        try {
          thread.execute(() -> {
            reconnectRequested.set(false);
            tick();
          });
        } catch (RejectedExecutionException e) {
          reconnectRequested.set(false);
        }
      }
    }
  }

  // ---------------------------------------------------------------- the feed's thread

  private void tick() {
    try {
      if (closed) {
        return;
      }
      Session s = current;
      if (s != null && !s.lost) {
        ping(s);
        return;
      }
      if (s != null) {
        current = null;
        closeQuietly(s.connection);
      }
      connect();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.warn("Invalidation feed health check failed unexpectedly", e);
    }
  }

  private void ping(Session s) throws InterruptedException {
    long sent = System.nanoTime();
    try {
      s.connection.async().ping().get(timing.pingTimeout().toNanos(), TimeUnit.NANOSECONDS);
      lastPingRoundTripNanos = System.nanoTime() - sent;
      if (!s.lost) {
        confirmedAtNanos = sent;
      }
    } catch (TimeoutException e) {
      drop(s, "did not answer PING within " + timing.pingTimeout().toMillis() + " ms");
    } catch (ExecutionException | RuntimeException e) {
      drop(s, "failed PING: " + rootMessage(e));
    }
  }

  private void drop(Session s, String why) {
    lose(s, why);
    if (current == s) {
      current = null;
    }
    closeQuietly(s.connection);
  }

  private void connect() throws InterruptedException {
    StatefulRedisConnection<byte[], byte[]> connection = null;
    Session s = null;
    try {
      CompletableFuture<StatefulRedisConnection<byte[], byte[]>> connecting =
          connector.connect();
      try {
        connection = connecting.get(timing.connectTimeout().toMillis() * 2 + 500, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        connecting.thenAccept(InvalidationFeed::closeQuietly);
        throw e;
      }
      s = new Session(++sessionCounter, connection);
      // Listen before tracking starts, so that no message of this session can be missed.
      connection.addListener((PushListener) s);
      connection.addListener((RedisConnectionStateListener) s);
      current = s;
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
      goLive(s, sent);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      if (s != null) {
        s.lost = true;
        if (current == s) {
          current = null;
        }
      }
      if (connection != null) {
        closeQuietly(connection);
      }
      failuresInARow++;
      String message = rootMessage(e);
      if (failuresInARow == 1) {
        log.warn("Cannot start Redis client tracking for '{}' (near caches stay disabled, retrying every {} ms): {}{}",
            keyPrefix, timing.pingInterval().toMillis(), message,
            message.contains("HELLO") || message.contains("NOPROTO") ? " (near caching needs Redis 6 or later)" : "");
      } else {
        log.debug("Still cannot start Redis client tracking for '{}': {}", keyPrefix, message);
      }
    }
  }

  private void goLive(Session s, long trackingSentNanos) {
    confirmedAtNanos = trackingSentNanos;
    liveSession.set(s.id);
    // A disconnect between the checks above and the set would have found no live session to clear.
    if (s.lost) {
      if (liveSession.compareAndSet(s.id, 0)) {
        invalidateAllSubscribers();
      }
      return;
    }
    sessionsStarted.increment();
    if (failuresInARow > 0 || s.id > 1) {
      log.info("Near caches under '{}' live again: client tracking re-enabled (connection id {})", keyPrefix,
          s.clientId);
    } else {
      log.debug("Client tracking enabled for '{}' (connection id {})", keyPrefix, s.clientId);
    }
    failuresInARow = 0;
  }

  // ---------------------------------------------------------------- dispatch (event loop)

  private void dispatch(PushMessage message) {
    if (!"invalidate".equals(message.getType())) {
      return;
    }
    messages.increment();
    try {
      List<Object> content = message.getContent();
      Object keys = content.size() > 1 ? content.get(1) : null;
      if (keys == null) {
        flushes.increment();
        invalidateAllSubscribers();
      } else if (keys instanceof Collection<?> list) {
        for (Object key : list) {
          if (key instanceof ByteBuffer buffer) {
            route(bytes(buffer));
          } else {
            invalidateAllSubscribers();
            return;
          }
        }
      } else if (keys instanceof ByteBuffer buffer) {
        route(bytes(buffer));
      } else {
        invalidateAllSubscribers();
      }
    } catch (RuntimeException e) {
      log.warn("Cannot read an invalidation message; clearing all near caches", e);
      invalidateAllSubscribers();
    }
  }

  private void route(byte[] key) {
    for (Sub sub : subscriptions) {
      if (startsWith(key, sub.namespace)) {
        try {
          sub.listener.onInvalidate(key);
        } catch (RuntimeException e) {
          log.warn("Near-cache invalidation failed; clearing that near cache", e);
          clearQuietly(sub);
        }
      }
    }
  }

  private void invalidateAllSubscribers() {
    for (Sub sub : subscriptions) {
      clearQuietly(sub);
    }
  }

  private static void clearQuietly(Sub sub) {
    try {
      sub.listener.onInvalidateAll();
    } catch (RuntimeException e) {
      log.error("Near-cache clear failed", e);
    }
  }

  private static boolean startsWith(byte[] key, byte[] prefix) {
    return key.length >= prefix.length && java.util.Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }

  private static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer view = buffer.duplicate();
    byte[] out = new byte[view.remaining()];
    view.get(out);
    return out;
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

  private final class Sub implements Subscription {
    final byte[] namespace;
    final Listener listener;

    Sub(byte[] namespace, Listener listener) {
      this.namespace = namespace;
      this.listener = listener;
    }

    @Override
    public void close() {
      subscriptions.remove(this);
    }
  }

  /** One connection with tracking: its push messages and its disconnection. */
  private final class Session implements PushListener, RedisConnectionStateListener {
    final long id;
    final StatefulRedisConnection<byte[], byte[]> connection;
    volatile long clientId = -1;
    volatile boolean lost;

    Session(long id, StatefulRedisConnection<byte[], byte[]> connection) {
      this.id = id;
      this.connection = connection;
    }

    @Override
    public void onPushMessage(PushMessage message) {
      dispatch(message);
    }

    @Override
    public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
      lose(this, "disconnected");
    }
  }
}
