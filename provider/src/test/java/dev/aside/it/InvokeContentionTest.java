package dev.aside.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aside.spi.AsideCachingProvider;
import dev.aside.testkit.RedisFixture;
import dev.aside.testkit.RedisTest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.processor.EntryProcessor;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Increments through {@code invoke} from many threads and two managers lose no update. */
@RedisTest
class InvokeContentionTest {
  @RegisterExtension
  static final RedisFixture<AsideCachingProvider> redis = RedisFixture.sharedOrPrivate(AsideCachingProvider::new);

  private static final int INCREMENTS = 250;

  private static final EntryProcessor<String, Long, Long> INCREMENT = (entry, args) -> {
    long next = entry.exists() ? entry.getValue() + 1 : 1;
    entry.setValue(next);
    return next;
  };

  /** 8 threads is the required case; 16 shows how contention holds up beyond it. */
  @ParameterizedTest(name = "{0} threads")
  @ValueSource(ints = {8, 16})
  void everyIncrementCounts(int threads) throws Exception {
    String prefix = redis.newPrefix();
    MutableConfiguration<String, Long> config =
        new MutableConfiguration<String, Long>().setTypes(String.class, Long.class);
    List<Cache<String, Long>> caches = List.of(
        redis.manager(prefix).createCache("counters", config),
        redis.manager(prefix).createCache("counters", config));

    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Long>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Cache<String, Long> cache = caches.get(t % 2);
        results.add(pool.submit(() -> {
          start.await();
          long lastSeen = 0;
          for (int i = 0; i < INCREMENTS; i++) {
            long value = cache.invoke("hits", INCREMENT);
            assertThat(value).isGreaterThan(lastSeen);
            lastSeen = value;
          }
          return lastSeen;
        }));
      }
      start.countDown();
      for (Future<Long> result : results) {
        assertThat(result.get(60, TimeUnit.SECONDS)).isBetween(1L, (long) threads * INCREMENTS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(caches.get(0).get("hits")).isEqualTo((long) threads * INCREMENTS);
    assertThat(caches.get(1).get("hits")).isEqualTo((long) threads * INCREMENTS);
  }
}
