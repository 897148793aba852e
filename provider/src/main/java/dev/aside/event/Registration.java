package dev.aside.event;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Factory;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryEventFilter;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryListener;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.event.EventType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One registered listener configuration: its listener, optional filter and delivery mode. */
final class Registration<K, V> {

  private static final Logger LOG = LoggerFactory.getLogger(Registration.class);

  private final CacheEntryListenerConfiguration<K, V> configuration;
  private final CacheEntryListener<? super K, ? super V> listener;
  private final CacheEntryEventFilter<? super K, ? super V> filter;

  /*
   * Null for synchronous registrations. For asynchronous ones, every event and finally the
   * closing of the listener and filter go through this executor, so they run one at a time and
   * in publish order; `terminated` completes once the closing task has run.
   */
  private final SerialExecutor async;
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();

  /* Set when queued events must be dropped rather than delivered (shutdown timed out). */
  private volatile boolean abandoned;
  private final AtomicBoolean resourcesClosed = new AtomicBoolean();

  private Registration(CacheEntryListenerConfiguration<K, V> configuration,
      CacheEntryListener<? super K, ? super V> listener,
      CacheEntryEventFilter<? super K, ? super V> filter, Executor pool) {
    this.configuration = configuration;
    this.listener = listener;
    this.filter = filter;
    this.async = configuration.isSynchronous() ? null : new SerialExecutor(pool);
  }

  /**
   * Instantiates the listener and filter of {@code configuration}.
   *
   * @throws IllegalArgumentException if the configuration has no listener factory, or a factory
   *     returns null
   */
  static <K, V> Registration<K, V> create(CacheEntryListenerConfiguration<K, V> configuration,
      Executor pool) {
    Objects.requireNonNull(configuration, "configuration");
    Objects.requireNonNull(pool, "pool");
    Factory<CacheEntryListener<? super K, ? super V>> listenerFactory =
        configuration.getCacheEntryListenerFactory();
    if (listenerFactory == null) {
      throw new IllegalArgumentException("Listener configuration has no listener factory: "
          + configuration);
    }
    CacheEntryListener<? super K, ? super V> listener = listenerFactory.create();
    if (listener == null) {
      throw new IllegalArgumentException("Listener factory returned null: " + listenerFactory);
    }
    CacheEntryEventFilter<? super K, ? super V> filter = null;
    Factory<CacheEntryEventFilter<? super K, ? super V>> filterFactory =
        configuration.getCacheEntryEventFilterFactory();
    if (filterFactory != null) {
      try {
        filter = filterFactory.create();
      } catch (RuntimeException | Error e) {
        closeQuietly(listener);
        throw e;
      }
      if (filter == null) {
        closeQuietly(listener);
        throw new IllegalArgumentException("Filter factory returned null: " + filterFactory);
      }
    }
    return new Registration<>(configuration, listener, filter, pool);
  }

  CacheEntryListenerConfiguration<K, V> configuration() {
    return configuration;
  }

  boolean isSynchronous() {
    return async == null;
  }

  boolean isOldValueRequired() {
    return configuration.isOldValueRequired();
  }

  /** Tells whether the listener implements the sub-interface for {@code type}. */
  boolean isFor(EventType type) {
    switch (type) {
      case CREATED:
        return listener instanceof CacheEntryCreatedListener;
      case UPDATED:
        return listener instanceof CacheEntryUpdatedListener;
      case REMOVED:
        return listener instanceof CacheEntryRemovedListener;
      case EXPIRED:
        return listener instanceof CacheEntryExpiredListener;
      default:
        return false;
    }
  }

  /**
   * Delivers {@code event} on the calling thread.
   *
   * @throws CacheEntryListenerException if the filter or listener threw an exception (wrapped
   *     unless it already was a {@link CacheEntryListenerException}); errors pass unwrapped
   */
  void deliverSynchronously(AsideCacheEntryEvent<K, V> event) {
    try {
      deliver(event);
    } catch (CacheEntryListenerException e) {
      throw e;
    } catch (Exception e) {
      throw new CacheEntryListenerException("Cache entry listener " + listener.getClass().getName()
          + " failed on a " + event.getEventType() + " event", e);
    }
  }

  /** Queues {@code event} for delivery on this registration's serial executor. */
  void deliverAsynchronously(AsideCacheEntryEvent<K, V> event) {
    async.execute(() -> {
      if (abandoned || resourcesClosed.get()) {
        /* Published concurrently with shutdown, or dropped on timeout: the listener is gone. */
        return;
      }
      try {
        deliver(event);
      } catch (VirtualMachineError e) {
        throw e;
      } catch (Throwable e) {
        /* Asynchronous listeners cannot fail the operation that caused the event. */
        LOG.warn("Asynchronous cache entry listener {} failed on {}",
            listener.getClass().getName(), event, e);
      }
    });
  }

  /**
   * Stops this registration: synchronous ones close their listener and filter at once,
   * asynchronous ones after the events already queued have been delivered.
   *
   * @return completes once the listener and filter are closed
   */
  CompletableFuture<Void> shutdown() {
    if (async == null) {
      closeResources();
      terminated.complete(null);
    } else {
      async.execute(() -> {
        closeResources();
        terminated.complete(null);
      });
    }
    return terminated;
  }

  /** Drops whatever events are still queued and closes the listener and filter now. */
  void abandon() {
    abandoned = true;
    closeResources();
  }

  /** Tells whether the calling thread is delivering this registration's asynchronous events. */
  boolean isDeliveringOnCurrentThread() {
    return async != null && async.isRunningOnCurrentThread();
  }

  @SuppressWarnings("unchecked")
  private void deliver(AsideCacheEntryEvent<K, V> event) {
    if (filter != null && !((CacheEntryEventFilter<K, V>) filter).evaluate(event)) {
      return;
    }
    List<CacheEntryEvent<? extends K, ? extends V>> events = List.of(event);
    switch (event.getEventType()) {
      case CREATED:
        ((CacheEntryCreatedListener<K, V>) listener).onCreated(events);
        break;
      case UPDATED:
        ((CacheEntryUpdatedListener<K, V>) listener).onUpdated(events);
        break;
      case REMOVED:
        ((CacheEntryRemovedListener<K, V>) listener).onRemoved(events);
        break;
      case EXPIRED:
        ((CacheEntryExpiredListener<K, V>) listener).onExpired(events);
        break;
      default:
        throw new IllegalStateException("Unknown event type " + event.getEventType());
    }
  }

  private void closeResources() {
    if (resourcesClosed.compareAndSet(false, true)) {
      closeQuietly(listener);
      if (filter != null) {
        closeQuietly(filter);
      }
    }
  }

  private static void closeQuietly(Object resource) {
    if (resource instanceof Closeable) {
      try {
        ((Closeable) resource).close();
      } catch (IOException | RuntimeException e) {
        LOG.warn("Failed to close {}", resource.getClass().getName(), e);
      }
    }
  }
}
