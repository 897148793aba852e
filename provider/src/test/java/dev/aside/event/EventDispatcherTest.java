package dev.aside.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.io.Closeable;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.cache.Cache;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Factory;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryEventFilter;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryListener;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.event.EventType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Tests registration, filtering and synchronous and asynchronous delivery of events. */
class EventDispatcherTest {

  /* The dispatcher only hands the source to events, so a name-only stand-in is enough. */
  @SuppressWarnings("unchecked")
  private static final Cache<String, String> SOURCE = (Cache<String, String>) Proxy.newProxyInstance(
      EventDispatcherTest.class.getClassLoader(), new Class<?>[] {Cache.class},
      (proxy, method, args) -> {
        switch (method.getName()) {
          case "getName":
            return "test-cache";
          case "hashCode":
            return System.identityHashCode(proxy);
          case "equals":
            return proxy == args[0];
          case "toString":
            return "Cache[test-cache]";
          default:
            throw new UnsupportedOperationException(method.getName());
        }
      });

  private final EventDispatcher<String, String> dispatcher = new EventDispatcher<>(SOURCE);

  @AfterEach
  void close() {
    dispatcher.close();
  }

  @Test
  void deliversSynchronouslyOnTheCallingThreadBeforeReturning() {
    RecordingListener listener = new RecordingListener();
    dispatcher.register(configuration(listener, null, false, true));

    dispatcher.created("k", "v1");
    assertThat(listener.events()).hasSize(1);
    dispatcher.updated("k", "v2", "v1");
    assertThat(listener.events()).hasSize(2);
    dispatcher.removed("k", "v2");
    dispatcher.expired("j", "x");

    assertThat(listener.events()).extracting(CacheEntryEvent::getEventType).containsExactly(
        EventType.CREATED, EventType.UPDATED, EventType.REMOVED, EventType.EXPIRED);
    assertThat(listener.threads()).containsOnly(Thread.currentThread());
    assertThat(listener.events()).extracting(CacheEntryEvent::getSource).containsOnly(SOURCE);
  }

  @Test
  void eventValuesAndOldValues() {
    RecordingListener listener = new RecordingListener();
    dispatcher.register(configuration(listener, null, true, true));

    dispatcher.created("k", "v1");
    dispatcher.updated("k", "v2", "v1");
    dispatcher.updated("k", "v3", null);
    dispatcher.removed("k", "v3");
    dispatcher.expired("k", "v4");
    dispatcher.removed("k", null);

    List<CacheEntryEvent<? extends String, ? extends String>> events = listener.events();
    assertEvent(events.get(0), EventType.CREATED, "v1", null);
    assertEvent(events.get(1), EventType.UPDATED, "v2", "v1");
    assertEvent(events.get(2), EventType.UPDATED, "v3", null);
    /* JCache 1.1: for removed and expired events getValue() is the old value. */
    assertEvent(events.get(3), EventType.REMOVED, "v3", "v3");
    assertEvent(events.get(4), EventType.EXPIRED, "v4", "v4");
    assertEvent(events.get(5), EventType.REMOVED, null, null);
    assertThat(keys(events)).containsOnly("k");
  }

  @Test
  void oldValueIsPassedEvenWhenNotRequired() {
    RecordingListener listener = new RecordingListener();
    dispatcher.register(configuration(listener, null, false, true));

    dispatcher.updated("k", "v2", "v1");

    assertEvent(listener.events().get(0), EventType.UPDATED, "v2", "v1");
  }

  @Test
  void deliversOnlyTheTypesTheListenerImplements() {
    List<CacheEntryEvent<? extends String, ? extends String>> created = new ArrayList<>();
    CacheEntryCreatedListener<String, String> listener = events -> events.forEach(created::add);
    dispatcher.register(configuration(listener, null, false, true));

    assertThat(dispatcher.hasListeners()).isTrue();
    assertThat(dispatcher.hasListenersFor(EventType.CREATED)).isTrue();
    assertThat(dispatcher.hasListenersFor(EventType.UPDATED)).isFalse();
    assertThat(dispatcher.hasListenersFor(EventType.REMOVED)).isFalse();
    assertThat(dispatcher.hasListenersFor(EventType.EXPIRED)).isFalse();

    dispatcher.updated("k", "v2", "v1");
    dispatcher.removed("k", "v2");
    dispatcher.created("k", "v3");

    assertThat(created).hasSize(1);
    assertThat(created.get(0).getValue()).isEqualTo("v3");
  }

  @Test
  void reportsWhichTypesRequireOldValues() {
    assertThat(dispatcher.hasListeners()).isFalse();
    assertThat(dispatcher.requiresOldValue(EventType.UPDATED)).isFalse();

    CacheEntryUpdatedListener<String, String> updates = events -> { };
    dispatcher.register(configuration(updates, null, true, true));
    dispatcher.register(configuration(new RecordingListener(), null, false, false));

    assertThat(dispatcher.requiresOldValue(EventType.UPDATED)).isTrue();
    assertThat(dispatcher.requiresOldValue(EventType.REMOVED)).isFalse();
    assertThat(dispatcher.requiresOldValue(EventType.CREATED)).isFalse();
  }

  @Test
  void appliesFilters() {
    RecordingListener listener = new RecordingListener();
    CacheEntryEventFilter<String, String> vowels =
        event -> event.getValue() == null || event.getValue().matches(".*[aeiou].*");
    dispatcher.register(configuration(listener, vowels, false, true));

    dispatcher.created("1", "Sooty");
    dispatcher.created("2", "Bryn");
    dispatcher.updated("1", "Zyn", "Sooty");
    dispatcher.removed("1", "Zyn");
    dispatcher.removed("2", null);

    assertThat(listener.events()).extracting(CacheEntryEvent::getKey, CacheEntryEvent::getEventType)
        .containsExactly(
            tuple("1", EventType.CREATED),
            tuple("2", EventType.REMOVED));
  }

  @Test
  void listenerExceptionPropagatesAsIs() {
    CacheEntryListenerException thrown = new CacheEntryListenerException("boom");
    CacheEntryCreatedListener<String, String> failing = events -> {
      throw thrown;
    };
    dispatcher.register(configuration(failing, null, false, true));

    assertThatThrownBy(() -> dispatcher.created("k", "v")).isSameAs(thrown);
  }

  @Test
  void otherExceptionsAreWrappedAndErrorsPassUnwrapped() {
    CacheEntryCreatedListener<String, String> failing = events -> {
      throw new UnsupportedOperationException("nope");
    };
    CacheEntryRemovedListener<String, String> erring = events -> {
      throw new java.io.IOError(null);
    };
    dispatcher.register(configuration(failing, null, false, true));
    dispatcher.register(configuration(erring, null, false, true));

    assertThatThrownBy(() -> dispatcher.created("k", "v"))
        .isInstanceOf(CacheEntryListenerException.class)
        .hasCauseInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> dispatcher.removed("k", "v"))
        .isInstanceOf(java.io.IOError.class);
  }

  @Test
  void filterExceptionsAreWrapped() {
    CacheEntryEventFilter<String, String> failing = event -> {
      throw new IllegalStateException("bad filter");
    };
    dispatcher.register(configuration(new RecordingListener(), failing, false, true));

    assertThatThrownBy(() -> dispatcher.created("k", "v"))
        .isInstanceOf(CacheEntryListenerException.class)
        .hasCauseInstanceOf(IllegalStateException.class);
  }

  @Test
  void aFailingListenerDoesNotStarveTheOthers() {
    CacheEntryCreatedListener<String, String> failing = events -> {
      throw new CacheEntryListenerException("first");
    };
    RecordingListener second = new RecordingListener();
    dispatcher.register(configuration(failing, null, false, true));
    dispatcher.register(configuration(second, null, false, true));

    assertThatThrownBy(() -> dispatcher.created("k", "v")).hasMessage("first");
    assertThat(second.events()).hasSize(1);
  }

  @Test
  void deliversAsynchronouslyInPublishOrder() throws InterruptedException {
    int count = 2_000;
    CountDownLatch done = new CountDownLatch(count);
    RecordingListener listener = new RecordingListener(done);
    dispatcher.register(configuration(listener, null, false, false));

    for (int i = 0; i < count; i++) {
      dispatcher.created(Integer.toString(i), "v");
    }

    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    List<String> keys = keys(listener.events());
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      expected.add(Integer.toString(i));
    }
    assertThat(keys).isEqualTo(expected);
    assertThat(listener.threads()).doesNotContain(Thread.currentThread());
    assertThat(listener.threads()).allMatch(Thread::isDaemon);
  }

  @Test
  void asynchronousFailuresAreNotPropagated() throws InterruptedException {
    CountDownLatch second = new CountDownLatch(1);
    CacheEntryCreatedListener<String, String> listener = events -> {
      for (CacheEntryEvent<? extends String, ? extends String> event : events) {
        if (event.getKey().equals("fail")) {
          throw new IllegalStateException("async failure (expected by the test)");
        }
        second.countDown();
      }
    };
    dispatcher.register(configuration(listener, null, false, false));

    dispatcher.created("fail", "v");
    dispatcher.created("ok", "v");

    assertThat(second.await(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void rejectsDuplicateRegistration() {
    Factory<CacheEntryListener<? super String, ? super String>> factory = RecordingListener::new;
    dispatcher.register(new MutableCacheEntryListenerConfiguration<>(factory, null, false, true));

    assertThatThrownBy(() -> dispatcher.register(
        new MutableCacheEntryListenerConfiguration<>(factory, null, false, true)))
        .isInstanceOf(IllegalArgumentException.class);
    /* Same factory, different flags: a different configuration. */
    dispatcher.register(new MutableCacheEntryListenerConfiguration<>(factory, null, true, true));
  }

  @Test
  void deregisterStopsDeliveryAndClosesListenerAndFilter() {
    RecordingListener listener = new RecordingListener();
    ClosingFilter filter = new ClosingFilter();
    CacheEntryListenerConfiguration<String, String> configuration =
        configuration(listener, filter, false, true);
    dispatcher.register(configuration);
    dispatcher.created("k", "v");

    dispatcher.deregister(configuration);
    dispatcher.created("k2", "v");

    assertThat(listener.events()).hasSize(1);
    assertThat(listener.closed).isTrue();
    assertThat(filter.closed).isTrue();
    assertThat(dispatcher.hasListeners()).isFalse();
    assertThat(dispatcher.hasListenersFor(EventType.CREATED)).isFalse();

    dispatcher.deregister(configuration);
    /* Registering again after deregistration is allowed. */
    dispatcher.register(configuration);
  }

  @Test
  void deregisterOfAsynchronousListenerDeliversQueuedEventsThenCloses()
      throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch closedLatch = new CountDownLatch(1);
    RecordingListener listener = new RecordingListener() {
      @Override
      public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
        await(release);
        super.onCreated(events);
      }

      @Override
      public void close() {
        super.close();
        closedLatch.countDown();
      }
    };
    CacheEntryListenerConfiguration<String, String> configuration =
        configuration(listener, null, false, false);
    dispatcher.register(configuration);
    dispatcher.created("a", "v");
    dispatcher.created("b", "v");

    dispatcher.deregister(configuration);
    dispatcher.created("c", "v");
    release.countDown();

    assertThat(closedLatch.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(keys(listener.events())).containsExactly("a", "b");
  }

  @Test
  void closeDrainsAsynchronousEventsAndClosesListeners() {
    RecordingListener slow = new RecordingListener() {
      @Override
      public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
        sleep(20);
        super.onCreated(events);
      }
    };
    RecordingListener sync = new RecordingListener();
    ClosingFilter filter = new ClosingFilter();
    dispatcher.register(configuration(slow, null, false, false));
    dispatcher.register(configuration(sync, filter, false, true));
    for (int i = 0; i < 10; i++) {
      dispatcher.created(Integer.toString(i), "v");
    }

    dispatcher.close();

    assertThat(slow.events()).hasSize(10);
    assertThat(slow.closed).isTrue();
    assertThat(sync.closed).isTrue();
    assertThat(filter.closed).isTrue();
    assertThat(dispatcher.hasListeners()).isFalse();

    dispatcher.created("late", "v");
    assertThat(sync.events()).hasSize(10);
    assertThatThrownBy(() -> dispatcher.register(configuration(sync, null, true, true)))
        .isInstanceOf(IllegalStateException.class);
    dispatcher.close();
  }

  @Test
  void closeGivesUpOnAStuckListenerAfterTheTimeout() {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (EventDispatcher<String, String> bounded =
        new EventDispatcher<>(SOURCE, pool, Duration.ofMillis(200))) {
      RecordingListener stuck = new RecordingListener() {
        @Override
        public void onCreated(
            Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
          entered.countDown();
          await(release);
          super.onCreated(events);
        }
      };
      bounded.register(configuration(stuck, null, false, false));
      bounded.created("a", "v");
      bounded.created("b", "v");
      /* "a" is in flight before close(), however late the pool's thread started. */
      assertThat(entered.await(10, TimeUnit.SECONDS)).as("the listener got the first event").isTrue();

      long start = System.nanoTime();
      bounded.close(); // explicitly, to time it; the second close is a no-op
      long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

      /* It waited for the stuck listener, but for its own 200 ms, far less than the 5 s default. */
      assertThat(elapsedMillis).as("close() took, ms").isBetween(200L, 2_500L);
      assertThat(stuck.closed).isTrue();
      release.countDown();
      pool.shutdown();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      /* The event in flight finishes; the queued one is dropped. */
      assertThat(keys(stuck.events())).containsExactly("a");
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  @Test
  void closeFromInsideAnAsynchronousListenerDoesNotWaitForItself()
      throws InterruptedException {
    /*
     * A close timeout of 30 s, so that the bound below can leave a busy machine 10 s to start the delivery
     * and still tell a close that returned at once from one that waited for itself.
     */
    ExecutorService pool = Executors.newSingleThreadExecutor();
    EventDispatcher<String, String> patient = new EventDispatcher<>(SOURCE, pool, Duration.ofSeconds(30));
    try {
      CountDownLatch returned = new CountDownLatch(1);
      CacheEntryCreatedListener<String, String> closer = events -> {
        patient.close();
        returned.countDown();
      };
      patient.register(configuration(closer, null, false, false));

      long start = System.nanoTime();
      patient.created("k", "v");

      assertThat(returned.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(10_000);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void factoryReturningNullIsRejected() {
    Factory<CacheEntryListener<? super String, ? super String>> nothing = () -> null;
    assertThatThrownBy(() -> dispatcher.register(
        new MutableCacheEntryListenerConfiguration<>(nothing, null, false, true)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(dispatcher.hasListeners()).isFalse();
  }

  @Test
  void requiresArguments() {
    assertThatThrownBy(() -> new EventDispatcher<String, String>(null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> dispatcher.register(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> dispatcher.deregister(null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void eventsUnwrapToThemselvesOnly() {
    RecordingListener listener = new RecordingListener();
    dispatcher.register(configuration(listener, null, false, true));
    dispatcher.created("k", "v");
    CacheEntryEvent<? extends String, ? extends String> event = listener.events().get(0);

    assertThat(event.unwrap(AsideCacheEntryEvent.class)).isSameAs(event);
    assertThat(event.unwrap(CacheEntryEvent.class)).isSameAs(event);
    assertThatThrownBy(() -> event.unwrap(String.class))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(event.toString()).doesNotContain("v}").contains("CREATED");
  }

  private static void assertEvent(CacheEntryEvent<? extends String, ? extends String> event,
      EventType type, String value, String oldValue) {
    assertThat(event.getEventType()).isEqualTo(type);
    assertThat(event.getValue()).isEqualTo(value);
    assertThat(event.getOldValue()).isEqualTo(oldValue);
    assertThat(event.isOldValueAvailable()).isEqualTo(oldValue != null);
  }

  private static CacheEntryListenerConfiguration<String, String> configuration(
      CacheEntryListener<? super String, ? super String> listener,
      CacheEntryEventFilter<? super String, ? super String> filter, boolean oldValueRequired,
      boolean synchronous) {
    Factory<CacheEntryListener<? super String, ? super String>> listenerFactory = () -> listener;
    Factory<CacheEntryEventFilter<? super String, ? super String>> filterFactory =
        filter == null ? null : () -> filter;
    return new MutableCacheEntryListenerConfiguration<>(listenerFactory, filterFactory,
        oldValueRequired, synchronous);
  }

  private static List<String> keys(
      List<CacheEntryEvent<? extends String, ? extends String>> events) {
    List<String> keys = new ArrayList<>();
    events.forEach(event -> keys.add(event.getKey()));
    return keys;
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Records every event and the thread it arrived on. */
  static class RecordingListener implements CacheEntryCreatedListener<String, String>,
      CacheEntryUpdatedListener<String, String>, CacheEntryRemovedListener<String, String>,
      CacheEntryExpiredListener<String, String>, Closeable {

    private final List<CacheEntryEvent<? extends String, ? extends String>> events =
        Collections.synchronizedList(new ArrayList<>());
    private final List<Thread> threads = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch latch;
    volatile boolean closed;

    RecordingListener() {
      this(new CountDownLatch(0));
    }

    RecordingListener(CountDownLatch latch) {
      this.latch = latch;
    }

    List<CacheEntryEvent<? extends String, ? extends String>> events() {
      synchronized (events) {
        return new ArrayList<>(events);
      }
    }

    List<Thread> threads() {
      synchronized (threads) {
        return new ArrayList<>(threads);
      }
    }

    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      record(events);
    }

    @Override
    public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      record(events);
    }

    @Override
    public void onRemoved(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      record(events);
    }

    @Override
    public void onExpired(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      record(events);
    }

    @Override
    public void close() {
      closed = true;
    }

    private void record(Iterable<CacheEntryEvent<? extends String, ? extends String>> batch) {
      for (CacheEntryEvent<? extends String, ? extends String> event : batch) {
        events.add(event);
        threads.add(Thread.currentThread());
        latch.countDown();
      }
    }
  }

  /** A filter that accepts everything and records being closed. */
  static final class ClosingFilter implements CacheEntryEventFilter<String, String>, Closeable {

    volatile boolean closed;

    @Override
    public boolean evaluate(CacheEntryEvent<? extends String, ? extends String> event) {
      return true;
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
