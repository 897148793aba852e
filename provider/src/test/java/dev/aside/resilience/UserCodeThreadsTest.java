package dev.aside.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aside.config.AsideConfiguration;
import dev.aside.spi.AsideCachingProvider;
import dev.aside.testkit.RedisFixture;
import dev.aside.testkit.RedisTest;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CompletionListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Loaders, writers, listeners and entry processors never run on Lettuce's event-loop threads. */
@RedisTest
class UserCodeThreadsTest {
  @RegisterExtension
  static final RedisFixture<AsideCachingProvider> redis = RedisFixture.sharedOrPrivate(AsideCachingProvider::new);

  static final Set<String> threads = ConcurrentHashMap.newKeySet();

  /** Records its thread; loads "v" + key. */
  public static final class RecordingLoader implements CacheLoader<String, String> {
    @Override
    public String load(String key) {
      threads.add(Thread.currentThread().getName());
      return "v" + key;
    }

    @Override
    public Map<String, String> loadAll(Iterable<? extends String> keys) {
      threads.add(Thread.currentThread().getName());
      Map<String, String> loaded = new HashMap<>();
      keys.forEach(k -> loaded.put(k, "v" + k));
      return loaded;
    }
  }

  /** Records its thread. */
  public static final class RecordingWriter implements CacheWriter<String, String> {
    @Override
    public void write(Cache.Entry<? extends String, ? extends String> entry) {
      threads.add(Thread.currentThread().getName());
    }

    @Override
    public void writeAll(java.util.Collection<Cache.Entry<? extends String, ? extends String>> entries) {
      threads.add(Thread.currentThread().getName());
      entries.clear();
    }

    @Override
    public void delete(Object key) {
      threads.add(Thread.currentThread().getName());
    }

    @Override
    public void deleteAll(java.util.Collection<?> keys) {
      threads.add(Thread.currentThread().getName());
      keys.clear();
    }
  }

  /** Records its thread. */
  public static final class RecordingListener implements CacheEntryCreatedListener<String, String> {
    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      threads.add(Thread.currentThread().getName());
    }
  }

  /** One per entry the test creates: a (read through), b (put), c (invoke), d and e (loadAll). */
  static final CountDownLatch asyncEvents = new CountDownLatch(5);

  /** Records its thread and counts down {@link #asyncEvents} per event; registered as asynchronous. */
  public static final class AsyncRecordingListener implements CacheEntryCreatedListener<String, String> {
    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      threads.add(Thread.currentThread().getName());
      events.forEach(event -> asyncEvents.countDown());
    }
  }

  @Test
  void userCodeRunsOnCallerOrAsideThreads() throws Exception {
    CacheManager manager = redis.manager();
    try {
      AsideConfiguration<String, String> config = new AsideConfiguration<>();
      config.setTypes(String.class, String.class);
      config.setReadThrough(true);
      config.setWriteThrough(true);
      config.setCacheLoaderFactory(FactoryBuilder.factoryOf(RecordingLoader.class));
      config.setCacheWriterFactory(FactoryBuilder.factoryOf(RecordingWriter.class));
      config.addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
          FactoryBuilder.factoryOf(RecordingListener.class), null, false, true));
      config.addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
          FactoryBuilder.factoryOf(AsyncRecordingListener.class), null, false, false));
      Cache<String, String> cache = manager.createCache("c", config);

      cache.get("a");
      cache.put("b", "x");
      cache.invoke("c", (entry, args) -> {
        threads.add(Thread.currentThread().getName());
        entry.setValue("y");
        return null;
      });
      cache.remove("b");
      CountDownLatch loaded = new CountDownLatch(1);
      cache.loadAll(Set.of("d", "e"), true, new CompletionListener() {
        @Override
        public void onCompletion() {
          loaded.countDown();
        }

        @Override
        public void onException(Exception e) {
          loaded.countDown();
        }
      });
      assertThat(loaded.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(asyncEvents.await(10, TimeUnit.SECONDS)).as("the asynchronous listener saw every creation")
          .isTrue();
    } finally {
      manager.close();
    }
    assertThat(threads).isNotEmpty().noneMatch(name -> name.toLowerCase(java.util.Locale.ROOT).contains("lettuce")
        || name.toLowerCase(java.util.Locale.ROOT).contains("nioeventloop"));
  }
}
