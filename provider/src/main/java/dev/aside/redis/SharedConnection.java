package dev.aside.redis;

import dev.aside.resilience.Breakers;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import javax.cache.CacheException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one data connection of a cache manager, shared by its stores, whatever the deployment: made
 * at construction or, while Redis is down, in the background. The deployment's {@link RedisConnections}
 * supplies how to connect and how to hear of reconnections; this class owns the rest.
 *
 * <p>Starting without Redis: when the first connection fails for an outage ({@link ConnectFailure}),
 * this opens anyway, without a connection. A store made meanwhile has its breaker opened (the one
 * WARN of the start), and a daemon thread keeps connecting, backing off from 50 ms to 1 s. The
 * connection it makes is handed to every store, then the {@link #onReconnected} actions run as for
 * any reconnection, so the health probe closes the breaker after replaying what was queued. A
 * configuration mistake (or a {@link WrongDeployment}) still fails at once. The connect thread and
 * {@link #close()} synchronize on this object, so a connection made while closing is closed, never
 * leaked.
 */
final class SharedConnection {
  private static final Logger log = LoggerFactory.getLogger(SharedConnection.class);
  private static final long FIRST_RETRY_MILLIS = 50;
  private static final long MAX_RETRY_MILLIS = 1_000;

  /** The server answered, but is not the kind of deployment the URI names; the message says what to write instead. */
  static final class WrongDeployment extends RuntimeException {
    private static final long serialVersionUID = 1L;

    WrongDeployment(String message) {
      super(message);
    }
  }

  private final String redacted;
  private final Duration commandTimeout;
  private final Supplier<DataConnection> connect;
  private final BiConsumer<DataConnection, Runnable> onConnected;
  private final AcknowledgedConnections acknowledged;
  private final List<RedisStore> stores = new CopyOnWriteArrayList<>();
  private final List<Runnable> reconnectActions = new CopyOnWriteArrayList<>();
  /* Set once: at construction, or later by the connect thread. */
  private volatile DataConnection connection;
  /* Why the first connection failed, while there is none; null once connected. */
  private volatile String notConnected;
  private ScheduledExecutorService connectThread;
  private boolean closed;

  /**
   * Connects at once, or starts connecting in the background if Redis is down.
   *
   * @param redacted the URI as messages show it
   * @param connect makes the connection (blocking); throws what Lettuce throws, or {@link WrongDeployment}
   * @param viaSentinel whether {@code connect} asks Sentinel (an unknown host is then an outage)
   * @param onConnected registers an action to run each time the given connection is re-established
   * @param acknowledged the connections of acknowledged writes, closed with this
   * @throws CacheException for a configuration mistake; nothing is left open then
   */
  SharedConnection(String redacted, Duration commandTimeout, Supplier<DataConnection> connect, boolean viaSentinel,
      BiConsumer<DataConnection, Runnable> onConnected, AcknowledgedConnections acknowledged) {
    this.acknowledged = Objects.requireNonNull(acknowledged);
    this.redacted = Objects.requireNonNull(redacted);
    this.commandTimeout = Objects.requireNonNull(commandTimeout);
    this.connect = Objects.requireNonNull(connect);
    this.onConnected = Objects.requireNonNull(onConnected);
    try {
      this.connection = connect.get();
    } catch (WrongDeployment e) {
      throw new CacheException("Cannot use Redis at " + redacted + ": " + e.getMessage());
    } catch (RuntimeException e) {
      if (ConnectFailure.of(e, viaSentinel) == ConnectFailure.MISCONFIGURATION) {
        throw new CacheException("Cannot connect to Redis at " + redacted + ": " + rootMessage(e));
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
    DataConnection made;
    try {
      made = connect.get();
    } catch (WrongDeployment e) {
      log.error("Cannot use Redis at {}: {}; its caches stay without Redis", redacted, e.getMessage());
      connectThread.shutdown();
      return;
    } catch (RuntimeException e) {
      String why = rootMessage(e);
      if (!why.equals(notConnected)) {
        log.warn("Still cannot connect to Redis at {}: {}", redacted, why);
        notConnected = why;
      } else {
        log.debug("Still cannot connect to Redis at {}: {}", redacted, why);
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
      reconnectActions.forEach(action -> onConnected.accept(made, action));
    }
    log.info("Connected to Redis at {}", redacted);
    reconnectActions.forEach(Runnable::run);
    connectThread.shutdown();
  }

  synchronized RedisStore store(Breakers breakers) {
    RedisStore store = new RedisStore(connection, commandTimeout, breakers, acknowledged);
    if (connection == null) {
      breakers.deployment().open("not reachable at startup: " + notConnected + "; connecting in the background");
      stores.add(store);
    }
    return store;
  }

  boolean isConnected() {
    return connection != null;
  }

  void onReconnected(Runnable action) {
    boolean connectedAlready;
    synchronized (this) {
      reconnectActions.add(action);
      connectedAlready = connection != null;
      if (connectedAlready) {
        onConnected.accept(connection, action);
      }
    }
    if (connectedAlready && connectThread != null) {
      action.run();    // connected in the background before the action was registered
    }
  }

  /** Stops connecting and closes the connection; the client and its event loops are the caller's to shut down. */
  void close() {
    synchronized (this) {
      closed = true;
      if (connectThread != null) {
        connectThread.shutdownNow();
      }
    }
    acknowledged.close();
    if (connection != null) {
      connection.close();
    }
  }

  static Throwable root(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root;
  }

  /** The root cause's class and message, on one line (a cluster client's message lists every seed on lines of its own). */
  static String rootMessage(Throwable e) {
    Throwable root = root(e);
    String message = root.getMessage();
    return root.getClass().getSimpleName()
        + (message == null ? "" : " (" + message.strip().replaceAll("\\s*\\R\\s*", " ") + ")");
  }
}
