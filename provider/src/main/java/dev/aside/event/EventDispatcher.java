package dev.aside.event;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.event.EventType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the cache entry listeners of one cache and delivers to them the events of the
 * operations this JVM performs on it.
 *
 * <p>The cache calls a publish method ({@link #created}, {@link #updated}, {@link #removed},
 * {@link #expired}) on the thread of the operation, once Redis has acknowledged the change, one
 * entry at a time. Each registration whose listener implements the event's listener interface
 * and whose filter, if any, accepts the event receives it:
 * <ul>
 *   <li>synchronous registrations on the calling thread, before the publish method returns; a
 *       failing listener or filter makes the publish method throw a
 *       {@link CacheEntryListenerException} (other exceptions are wrapped in one, errors pass
 *       unwrapped) once every other registration has had the event;</li>
 *   <li>asynchronous registrations on a small shared pool of daemon threads, one event at a
 *       time and in publish order per registration; their failures are logged.</li>
 * </ul>
 *
 * <p>Events carry the old value whenever the cache passes one, whether or not the registration
 * asked for it ({@link #requiresOldValue} tells the cache when it must pass one). For removed and
 * expired events {@code getValue()} returns the old value, as JCache 1.1 specifies.
 *
 * <p>Thread-safe. Publishing and the {@code has...} queries read an immutable snapshot of the
 * registrations and take no lock.
 */
public final class EventDispatcher<K, V> implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EventDispatcher.class);

  private static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);

  private final Cache<K, V> source;
  private final Executor pool;
  private final Duration closeTimeout;

  /*
   * Copy-on-write: `snapshot` is replaced, never mutated, and only while holding `lock`, so
   * registration changes are serialised while readers just read the volatile field. `closed`
   * is also written under `lock`; once it is set the snapshot is empty for good.
   */
  private final Object lock = new Object();
  private volatile Snapshot<K, V> snapshot = Snapshot.empty();
  private boolean closed;

  /**
   * Creates a dispatcher with no registrations.
   *
   * @param source the cache the events originate from, returned by their {@code getSource()}
   */
  public EventDispatcher(Cache<K, V> source) {
    this(source, SharedPool.INSTANCE, DEFAULT_CLOSE_TIMEOUT);
  }

  EventDispatcher(Cache<K, V> source, Executor pool, Duration closeTimeout) {
    this.source = Objects.requireNonNull(source, "source");
    this.pool = Objects.requireNonNull(pool, "pool");
    this.closeTimeout = Objects.requireNonNull(closeTimeout, "closeTimeout");
  }

  /**
   * Instantiates the listener and filter of {@code configuration} and starts delivering events
   * to them.
   *
   * @param configuration the listener configuration
   * @throws IllegalArgumentException if an equal configuration is already registered, or the
   *     configuration's factories yield no listener
   * @throws IllegalStateException if this dispatcher is closed
   */
  public void register(CacheEntryListenerConfiguration<K, V> configuration) {
    Objects.requireNonNull(configuration, "configuration");
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("Event dispatcher of cache " + source.getName()
            + " is closed");
      }
      if (snapshot.find(configuration) != null) {
        throw new IllegalArgumentException(
            "Cache entry listener configuration already registered: " + configuration);
      }
      snapshot = snapshot.with(Registration.create(configuration, pool));
    }
  }

  /**
   * Stops delivering events to the listener registered with {@code configuration} and closes
   * its listener and filter if they implement {@link java.io.Closeable}: at once for a
   * synchronous registration; for an asynchronous one, after the events already queued for it
   * have been delivered (this method does not wait for that). Does nothing if no equal
   * configuration is registered.
   *
   * @param configuration the configuration the listener was registered with
   */
  public void deregister(CacheEntryListenerConfiguration<K, V> configuration) {
    Objects.requireNonNull(configuration, "configuration");
    Registration<K, V> registration;
    synchronized (lock) {
      registration = snapshot.find(configuration);
      if (registration == null) {
        return;
      }
      snapshot = snapshot.without(registration);
    }
    registration.shutdown();
  }

  /**
   * Tells whether any listener is registered.
   *
   * @return true if at least one listener is registered
   */
  public boolean hasListeners() {
    return !snapshot.all.isEmpty();
  }

  /**
   * Tells whether any registered listener implements the listener interface of {@code type}.
   *
   * @param type the event type
   * @return true if events of that type would be delivered to someone
   */
  public boolean hasListenersFor(EventType type) {
    return !snapshot.forType(type).isEmpty();
  }

  /**
   * Tells whether any listener for {@code type} was registered with
   * {@code isOldValueRequired() == true}; the cache must then pass the old value to
   * {@link #updated}, {@link #removed} and {@link #expired} events of that type.
   *
   * @param type the event type
   * @return true if some listener of that type requires old values
   */
  public boolean requiresOldValue(EventType type) {
    return snapshot.oldValueRequired[type.ordinal()];
  }

  /**
   * Publishes the creation of an entry.
   *
   * @param key the key
   * @param value the value stored
   * @throws CacheEntryListenerException if a synchronous listener failed
   */
  public void created(K key, V value) {
    List<Registration<K, V>> targets = snapshot.forType(EventType.CREATED);
    if (!targets.isEmpty()) {
      publish(targets, AsideCacheEntryEvent.created(source, key, value));
    }
  }

  /**
   * Publishes the update of an existing entry.
   *
   * @param key the key
   * @param value the value now stored
   * @param oldValue the value replaced, or null if not known
   * @throws CacheEntryListenerException if a synchronous listener failed
   */
  public void updated(K key, V value, V oldValue) {
    List<Registration<K, V>> targets = snapshot.forType(EventType.UPDATED);
    if (!targets.isEmpty()) {
      publish(targets, AsideCacheEntryEvent.updated(source, key, value, oldValue));
    }
  }

  /**
   * Publishes the removal of an entry.
   *
   * @param key the key
   * @param oldValue the value removed, or null if not known
   * @throws CacheEntryListenerException if a synchronous listener failed
   */
  public void removed(K key, V oldValue) {
    List<Registration<K, V>> targets = snapshot.forType(EventType.REMOVED);
    if (!targets.isEmpty()) {
      publish(targets, AsideCacheEntryEvent.removed(source, key, oldValue));
    }
  }

  /**
   * Publishes the expiry of an entry.
   *
   * @param key the key
   * @param oldValue the value that expired, or null if not known
   * @throws CacheEntryListenerException if a synchronous listener failed
   */
  public void expired(K key, V oldValue) {
    List<Registration<K, V>> targets = snapshot.forType(EventType.EXPIRED);
    if (!targets.isEmpty()) {
      publish(targets, AsideCacheEntryEvent.expired(source, key, oldValue));
    }
  }

  /**
   * Stops all delivery: deregisters every listener, waits (boundedly) for the events already
   * queued for asynchronous listeners to be delivered, and closes every listener and filter
   * that implements {@link java.io.Closeable}. Later publications are ignored and later
   * registrations refused. Idempotent.
   */
  @Override
  public void close() {
    List<Registration<K, V>> registrations;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      registrations = snapshot.all;
      snapshot = Snapshot.empty();
    }
    List<CompletableFuture<Void>> terminations = new ArrayList<>(registrations.size());
    for (Registration<K, V> registration : registrations) {
      terminations.add(registration.shutdown());
    }
    long deadline = System.nanoTime() + closeTimeout.toNanos();
    for (int i = 0; i < registrations.size(); i++) {
      Registration<K, V> registration = registrations.get(i);
      if (registration.isDeliveringOnCurrentThread()) {
        /* Closed from inside one of our own listeners: waiting would wait for ourselves. */
        continue;
      }
      awaitTermination(registration, terminations.get(i), deadline);
    }
  }

  private void awaitTermination(Registration<K, V> registration, CompletableFuture<Void> done,
      long deadline) {
    try {
      done.get(Math.max(0L, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      LOG.warn("Asynchronous listener {} of cache {} did not drain within {}; dropping its "
          + "remaining events", registration.configuration(), source.getName(), closeTimeout);
      registration.abandon();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      registration.abandon();
    } catch (ExecutionException e) {
      /* The termination future is only ever completed normally. */
      throw new IllegalStateException(e);
    }
  }

  /*
   * Every target gets the event even if an earlier synchronous one failed; the first failure is
   * then rethrown with the later ones suppressed.
   */
  private void publish(List<Registration<K, V>> targets, AsideCacheEntryEvent<K, V> event) {
    Throwable failure = null;
    for (Registration<K, V> registration : targets) {
      if (!registration.isSynchronous()) {
        registration.deliverAsynchronously(event);
        continue;
      }
      try {
        registration.deliverSynchronously(event);
      } catch (RuntimeException | Error e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure instanceof RuntimeException) {
      throw (RuntimeException) failure;
    }
    if (failure != null) {
      throw (Error) failure;
    }
  }

  /** An immutable view of the registrations, indexed by the event types they listen to. */
  private static final class Snapshot<K, V> {

    private static final Snapshot<?, ?> EMPTY = new Snapshot<>(List.of());

    final List<Registration<K, V>> all;
    private final List<List<Registration<K, V>>> byType;
    final boolean[] oldValueRequired;

    private Snapshot(List<Registration<K, V>> all) {
      this.all = List.copyOf(all);
      EventType[] types = EventType.values();
      List<List<Registration<K, V>>> lists = new ArrayList<>(types.length);
      this.oldValueRequired = new boolean[types.length];
      for (EventType type : types) {
        List<Registration<K, V>> forType = new ArrayList<>();
        for (Registration<K, V> registration : this.all) {
          if (registration.isFor(type)) {
            forType.add(registration);
            oldValueRequired[type.ordinal()] |= registration.isOldValueRequired();
          }
        }
        lists.add(List.copyOf(forType));
      }
      this.byType = List.copyOf(lists);
    }

    @SuppressWarnings("unchecked")
    static <K, V> Snapshot<K, V> empty() {
      return (Snapshot<K, V>) EMPTY;
    }

    List<Registration<K, V>> forType(EventType type) {
      return byType.get(type.ordinal());
    }

    Registration<K, V> find(CacheEntryListenerConfiguration<K, V> configuration) {
      for (Registration<K, V> registration : all) {
        if (registration.configuration().equals(configuration)) {
          return registration;
        }
      }
      return null;
    }

    Snapshot<K, V> with(Registration<K, V> registration) {
      List<Registration<K, V>> registrations = new ArrayList<>(all);
      registrations.add(registration);
      return new Snapshot<>(registrations);
    }

    Snapshot<K, V> without(Registration<K, V> registration) {
      List<Registration<K, V>> registrations = new ArrayList<>(all);
      registrations.remove(registration);
      return new Snapshot<>(registrations);
    }
  }

  /** The daemon threads that deliver asynchronous events of every cache in this JVM. */
  private static final class SharedPool {

    /*
     * Fixed size, so asynchronous listeners never cost more than this many threads however many
     * caches and registrations exist; idle threads time out, so an idle JVM holds none.
     */
    static final ThreadPoolExecutor INSTANCE = create();

    private static ThreadPoolExecutor create() {
      int threads = Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors()));
      ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
          new LinkedBlockingQueue<>(), new DaemonThreadFactory());
      executor.allowCoreThreadTimeOut(true);
      return executor;
    }
  }

  /** Names the listener threads and makes them daemons. */
  private static final class DaemonThreadFactory implements ThreadFactory {

    private final AtomicInteger counter = new AtomicInteger();

    @Override
    public Thread newThread(Runnable task) {
      Thread thread = new Thread(task, "aside-listener-" + counter.incrementAndGet());
      thread.setDaemon(true);
      /* Do not pin whichever application class loader happened to trigger thread creation. */
      thread.setContextClassLoader(EventDispatcher.class.getClassLoader());
      return thread;
    }
  }
}
