package dev.aside.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aside.spi.AsideCachingProvider;
import dev.aside.testkit.RedisFixture;
import dev.aside.testkit.RedisTest;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Caching;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Spring's cache abstraction on Aside, set up as the README's Spring Boot section says: two
 * application contexts stand for two instances of a service, each with its own cache manager over
 * one Redis.
 */
@RedisTest
class SpringCacheTest {
  @RegisterExtension
  static final RedisFixture<AsideCachingProvider> redis = RedisFixture.privateServer(AsideCachingProvider::new);
  private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
  @TempDir Path dir;

  /** A cached value, as an application would return it. */
  public record User(long id, String name) implements Serializable {}

  /** The service whose lookups are cached; counts the lookups that reach its "database". */
  public static class Users {
    private final AtomicInteger lookups = new AtomicInteger();

    /** Lookups so far (a method: callers hold Spring's proxy, whose own fields are unset). */
    public int lookups() {
      return lookups.get();
    }

    @Cacheable("users")
    public User find(long id) {
      lookups.incrementAndGet();
      return id == 404 ? null : new User(id, "user " + id);
    }

    @CacheEvict("users")
    public void rename(long id) {}

    /** A slow lookup behind {@code sync = true}: Spring asks the cache to let one caller load. */
    @Cacheable(cacheNames = "users", sync = true)
    public User findSlowly(long id) throws InterruptedException {
      lookups.incrementAndGet();
      Thread.sleep(200);
      return new User(id, "user " + id);
    }
  }

  @Configuration
  @EnableCaching
  @EnableAutoConfiguration
  static class App {
    @Bean
    Users users() {
      return new Users();
    }
  }

  @BeforeAll
  static void publishRedisUri() {
    System.setProperty("aside.test.redis-uri", redis.server().uri());
  }

  @AfterAll
  static void withdrawRedisUri() {
    System.clearProperty("aside.test.redis-uri");
  }

  @AfterEach
  void close() {
    contexts.forEach(ConfigurableApplicationContext::close);
    Caching.getCachingProvider(AsideCachingProvider.class.getName()).close();
  }

  /**
   * One instance of the service. Its cache manager is configured by {@code configLocation}; a
   * {@code classpath:} location is resolved by Spring, and two instances with one location share one
   * cache manager, as in one JVM.
   */
  private Users instance(String configLocation) {
    SpringApplication application = new SpringApplication(App.class);
    application.setWebApplicationType(WebApplicationType.NONE);
    ConfigurableApplicationContext context = application.run(
        "--spring.cache.type=jcache",
        "--spring.cache.jcache.provider=dev.aside.spi.AsideCachingProvider",
        "--spring.cache.jcache.config=" + configLocation,
        "--spring.cache.cache-names=users",
        "--spring.main.banner-mode=off");
    contexts.add(context);
    return context.getBean(Users.class);
  }

  /** One instance configured by an aside.properties of its own: a separate cache manager, as in another JVM. */
  private Users instance(String name, String allowClasses) throws IOException {
    Path config = dir.resolve(name + "-aside.properties");
    // A command timeout of 5 s rather than the default 500 ms, as the testkit's URIs have it, so that a busy
    // build machine does not fail the test.
    Files.writeString(config, "uri = " + redis.server().uri() + "?prefix=spring&timeout=5s\n"
        + "default.allow-classes = " + allowClasses + "\n");
    return instance(config.toUri().toString());
  }

  @Test
  void aValueCachedByOneInstanceIsServedToAnotherUntilEvicted() throws IOException {
    Users a = instance("classpath:dev/aside/spring/aside.properties");
    Users b = instance("b", "dev.aside.spring.**, org.springframework.cache.support.NullValue");

    assertThat(a.find(1)).isEqualTo(new User(1, "user 1"));
    assertThat(a.find(1)).isEqualTo(new User(1, "user 1"));
    assertThat(b.find(1)).as("served to instance b from Redis").isEqualTo(new User(1, "user 1"));
    assertThat(a.lookups()).isEqualTo(1);
    assertThat(b.lookups()).isEqualTo(0);

    a.rename(1);
    assertThat(b.find(1)).isEqualTo(new User(1, "user 1"));
    assertThat(b.lookups()).as("instance a's eviction reached instance b").isEqualTo(1);
  }

  /*
   * With sync = true Spring routes the lookup through Cache.invoke, expecting the cache to run one
   * loader per key while concurrent callers wait for its value.
   */
  @Test
  void concurrentCallersOfASyncCacheableMethodLoadOnce() throws Exception {
    Users a = instance("a", "dev.aside.spring.**, org.springframework.cache.support.NullValue");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<User>> calls = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        calls.add(pool.submit(() -> {
          start.await();
          return a.findSlowly(7);
        }));
      }
      start.countDown();
      for (Future<User> call : calls) {
        assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo(new User(7, "user 7"));
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(a.lookups()).as("lookups for 8 concurrent callers").isEqualTo(1);
  }

  @Test
  void aNullResultIsCachedWhenSpringsNullValueIsAllowed() throws IOException {
    Users a = instance("a", "dev.aside.spring.**, org.springframework.cache.support.NullValue");

    assertThat(a.find(404)).isNull();
    assertThat(a.find(404)).isNull();

    assertThat(a.lookups()).isEqualTo(1);
  }

  @Test
  void withoutTheAllowlistEveryReadIsALookupNeverAnError() throws IOException {
    Users a = instance("a", "com.acme.**");

    assertThat(a.find(1)).isEqualTo(new User(1, "user 1"));
    assertThat(a.find(1)).isEqualTo(new User(1, "user 1"));

    assertThat(a.lookups()).isEqualTo(2);
  }
}
