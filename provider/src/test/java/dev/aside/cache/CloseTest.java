package dev.aside.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aside.config.AsideConfiguration;
import dev.aside.spi.AsideCachingProvider;
import dev.aside.testkit.RedisFixture;
import dev.aside.testkit.RedisTest;
import java.io.Closeable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.integration.CacheLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Closing a cache while a {@code loadAll} runs in the background: the loader is closed only after it ended. */
@RedisTest
class CloseTest {
  @RegisterExtension
  static final RedisFixture<AsideCachingProvider> redis = RedisFixture.sharedOrPrivate(AsideCachingProvider::new);

  /** What happened to the loader, in order. */
  static final List<String> happened = new CopyOnWriteArrayList<>();
  static volatile CountDownLatch loading;
  static volatile CountDownLatch release;

  @AfterEach
  void stop() {
    happened.clear();
  }

  /** A loader holding a resource (a connection, say), whose loadAll waits until the test releases it. */
  public static final class ClosableLoader implements CacheLoader<String, String>, Closeable {
    @Override
    public String load(String key) {
      return "v";
    }

    @Override
    public Map<String, String> loadAll(Iterable<? extends String> keys) {
      happened.add("loadAll started");
      loading.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Map<String, String> found = new HashMap<>();
      keys.forEach(key -> found.put(key, "v"));
      happened.add("loadAll ended");
      return found;
    }

    @Override
    public void close() {
      happened.add("closed");
    }
  }

  @Test
  void closeWaitsForARunningLoadAllBeforeClosingTheLoader() throws Exception {
    loading = new CountDownLatch(1);
    release = new CountDownLatch(1);
    AsideConfiguration<String, String> config = new AsideConfiguration<>();
    config.setTypes(String.class, String.class);
    config.setCacheLoaderFactory(FactoryBuilder.factoryOf(ClosableLoader.class));
    Cache<String, String> cache = redis.manager().createCache("close-" + System.nanoTime(), config);

    cache.loadAll(Set.of("a", "b"), true, null);
    assertThat(loading.await(10, TimeUnit.SECONDS)).as("loadAll started").isTrue();
    Thread closer = new Thread(cache::close, "closer");
    closer.start();
    // Either close() returned (it did not wait) or it waits for the load: in both cases the loader's fate is known.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (closer.isAlive() && closer.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(happened).as("nothing closed while loadAll runs").containsExactly("loadAll started");
    release.countDown();
    closer.join(10_000);
    assertThat(closer.isAlive()).as("close() returned once the load ended").isFalse();

    assertThat(happened).containsExactly("loadAll started", "loadAll ended", "closed");
    assertThatThrownBy(() -> cache.loadAll(Set.of("c"), true, null)).isInstanceOf(IllegalStateException.class);
  }
}
