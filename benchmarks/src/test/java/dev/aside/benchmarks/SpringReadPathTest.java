package dev.aside.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aside.testkit.RedisServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code stampede --via spring} in one JVM: callers of the application's {@code @Cacheable(sync = true)}
 * method that miss together share one repository call, and wait for it in the Aside cache underneath.
 */
class SpringReadPathTest {
  private static final int CALLERS = 8;

  @Test
  @Timeout(120)
  void concurrentMissesOfTheCacheableMethodCallTheRepositoryOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(CALLERS);
    try (RedisServer redis = RedisServer.start();
        StampedeRepository repository = new StampedeRepository(redis.uri(), "spring-path:loads", 1000);
        SpringReadPath path = SpringReadPath.start(redis.uri() + "?prefix=spring-path", repository)) {
      CyclicBarrier together = new CyclicBarrier(CALLERS);
      List<Future<String>> answers = new ArrayList<>();
      for (int i = 0; i < CALLERS; i++) {
        answers.add(pool.submit(() -> {
          together.await();
          return path.get("user-42");
        }));
      }
      for (Future<String> answer : answers) {
        assertThat(answer.get(60, TimeUnit.SECONDS)).isEqualTo(StampedeRepository.valueOf("user-42"));
      }

      assertThat(repository.calls()).as("repository calls by %d concurrent callers", CALLERS).isEqualTo(1);
      assertThat(path.metrics().getCoalescedWaits()).as("callers that waited for the load in Aside").isPositive();
    } finally {
      pool.shutdownNow();
    }
  }
}
