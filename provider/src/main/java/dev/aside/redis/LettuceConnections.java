package dev.aside.redis;

import dev.aside.config.ConnectionSettings;
import dev.aside.resilience.CircuitBreaker;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.cache.CacheException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link RedisConnections} of a standalone or Sentinel-managed Redis: one Lettuce
 * {@link RedisClient} (which asks Sentinel for the master itself), set up to fail fast instead of
 * Lettuce's defaults, and its event loops shared with the invalidation feed's connections.
 *
 * <p>Defaults replaced: the 60 s command timeout (the URI's {@code timeout}, 500 ms by default),
 * commands buffered without bound while disconnected (rejected instead), an unbounded request
 * queue, and reconnect back-off growing to 30 s (capped at 2 s). TCP keep-alive is on.
 *
 * <p>Starting without Redis: when the first connection fails for an outage ({@link ConnectFailure}),
 * the connections open anyway, without a data connection. The store made meanwhile has its breaker
 * opened (the one WARN of the start), and a daemon thread keeps connecting, backing off from 50 ms
 * to 1 s. The connection it makes is handed to every store, then the {@link #onReconnected} actions
 * run as for any reconnection, so the health probe closes the breaker after replaying what was
 * queued. A configuration mistake still fails at once. The connect thread and {@link #close()}
 * synchronize on this object, so a connection made while closing is closed, never leaked.
 */
final class LettuceConnections implements RedisConnections {
  static final int REQUEST_QUEUE_SIZE = 100_000;
  private static final Logger log = LoggerFactory.getLogger(LettuceConnections.class);
  private static final long FIRST_RETRY_MILLIS = 50;
  private static final long MAX_RETRY_MILLIS = 1_000;

  private final ClientResources resources;
  private final RedisClient client;
  private final ConnectionSettings settings;
  private final Duration commandTimeout;
  private final List<RedisStore> stores = new CopyOnWriteArrayList<>();
  private final List<Runnable> reconnectActions = new CopyOnWriteArrayList<>();
  /* Set once: at construction, or later by the connect thread. */
  private volatile StatefulRedisConnection<byte[], byte[]> connection;
  /* Why the first connection failed, while there is none; null once connected. */
  private volatile String notConnected;
  private ScheduledExecutorService connectThread;
  private boolean closed;

  LettuceConnections(ConnectionSettings settings) {
    this.settings = settings;
    this.commandTimeout = settings.commandTimeout();
    this.resources = ClientResources.builder()
        .ioThreadPoolSize(2)
        .computationThreadPoolSize(2)
        .reconnectDelay(Delay.exponential(Duration.ofMillis(20), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS))
        .build();
    // The handshake (HELLO, AUTH, SELECT) is bounded by the URI's timeout: give it the connect
    // timeout, while commands keep the short command timeout set through TimeoutOptions below.
    Duration handshake = settings.connectTimeout().compareTo(settings.commandTimeout()) > 0
        ? settings.connectTimeout() : settings.commandTimeout();
    RedisURI uri = settings.redisUri();
    uri.setTimeout(handshake);
    this.client = RedisClient.create(resources, uri);
    client.setOptions(ClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .requestQueueSize(REQUEST_QUEUE_SIZE)
        .timeoutOptions(TimeoutOptions.enabled(settings.commandTimeout()))
        .socketOptions(SocketOptions.builder()
            .connectTimeout(settings.connectTimeout())
            .keepAlive(true)
            .tcpNoDelay(true)
            .build())
        .build());
    try {
      this.connection = connect(client);
    } catch (RuntimeException e) {
      if (ConnectFailure.of(e, !uri.getSentinels().isEmpty()) == ConnectFailure.MISCONFIGURATION) {
        close();
        throw new CacheException("Cannot connect to Redis at " + settings.redacted() + ": " + rootMessage(e));
      }
      this.notConnected = rootMessage(e);
      connectInBackground();
    }
  }

  private synchronized void connectInBackground() {
    connectThread = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "aside-connect");
      thread.setDaemon(true);
      return thread;
    });
    connectThread.schedule(() -> attempt(FIRST_RETRY_MILLIS), FIRST_RETRY_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** One background connection attempt; schedules the next, {@code delayMillis} doubled, if it fails. */
  private void attempt(long delayMillis) {
    StatefulRedisConnection<byte[], byte[]> made;
    try {
      made = connect(client);
    } catch (RuntimeException e) {
      String why = rootMessage(e);
      if (!why.equals(notConnected)) {
        log.warn("Still cannot connect to Redis at {}: {}", settings.redacted(), why);
        notConnected = why;
      } else {
        log.debug("Still cannot connect to Redis at {}: {}", settings.redacted(), why);
      }
      long next = Math.min(delayMillis * 2, MAX_RETRY_MILLIS);
      synchronized (this) {
        if (!closed) {
          try {
            connectThread.schedule(() -> attempt(next), delayMillis, TimeUnit.MILLISECONDS);
          } catch (RejectedExecutionException closing) {
            // close() is under way.
          }
        }
      }
      return;
    }
    synchronized (this) {
      if (closed) {
        made.close();
        return;
      }
      connection = made;
      notConnected = null;
      stores.forEach(store -> store.connected(made));
      reconnectActions.forEach(action -> made.addListener(listener(action)));
    }
    log.info("Connected to Redis at {}", settings.redacted());
    reconnectActions.forEach(Runnable::run);
    connectThread.shutdown();
  }

  /*
   * When Redis rejects the handshake (NOAUTH, WRONGPASS) and closes the connection at once, Lettuce
   * now and then reports the close instead, as an internal IllegalStateException ("RedisHandshakeHandler
   * not registered"). One more attempt then reports what Redis said, which names the problem.
   */
  private static StatefulRedisConnection<byte[], byte[]> connect(RedisClient client) {
    try {
      return client.connect(ByteArrayCodec.INSTANCE);
    } catch (RuntimeException e) {
      if (!(root(e) instanceof IllegalStateException)) {
        throw e;
      }
      return client.connect(ByteArrayCodec.INSTANCE);
    }
  }

  @Override
  public synchronized RedisStore store(CircuitBreaker breaker) {
    RedisStore store = new RedisStore(connection, commandTimeout, breaker);
    if (connection == null) {
      breaker.open("not reachable at startup: " + notConnected + "; connecting in the background");
      stores.add(store);
    }
    return store;
  }

  @Override
  public boolean isConnected() {
    return connection != null;
  }

  @Override
  public TrackingConnector tracking(Duration connectTimeout) {
    return new LettuceTrackingConnector(settings.redisUri(), connectTimeout, resources);
  }

  @Override
  public void onReconnected(Runnable action) {
    boolean connectedAlready;
    synchronized (this) {
      reconnectActions.add(action);
      connectedAlready = connection != null;
      if (connectedAlready) {
        connection.addListener(listener(action));
      }
    }
    if (connectedAlready && connectThread != null) {
      action.run();    // connected in the background before the action was registered
    }
  }

  private static RedisConnectionStateListener listener(Runnable action) {
    return new RedisConnectionStateListener() {
      @Override
      public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress address) {
        action.run();
      }
    };
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      if (connectThread != null) {
        connectThread.shutdownNow();
      }
    }
    if (connection != null) {
      connection.close();
    }
    client.shutdown(0, 2, TimeUnit.SECONDS);
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }

  private static Throwable root(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root;
  }

  private static String rootMessage(Throwable e) {
    Throwable root = root(e);
    String message = root.getMessage();
    return root.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
  }
}
