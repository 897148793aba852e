package dev.aside.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aside.config.AsideConfiguration;
import dev.aside.expiry.JitteredExpiryPolicy;
import dev.aside.spi.AsideCachingProvider;
import dev.aside.testkit.RedisFixture;
import dev.aside.testkit.RedisTest;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.io.Closeable;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** TTL jitter spreads expirations: 10,000 entries with a 10-minute TTL expire over [10, 11] minutes, roughly uniformly. */
@RedisTest
class JitterTest {
  @RegisterExtension
  static final RedisFixture<AsideCachingProvider> redis = RedisFixture.sharedOrPrivate(AsideCachingProvider::new);

  private static final long TEN_MINUTES = TimeUnit.MINUTES.toMillis(10);

  @Test
  void jitteredPolicySpreadsTtlsUniformlyOverTenPercent() throws Exception {
    MutableConfiguration<Integer, String> config = new MutableConfiguration<Integer, String>()
        .setTypes(Integer.class, String.class)
        .setExpiryPolicyFactory(JitteredExpiryPolicy.factoryOf(
            CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MINUTES, 10)), 0.10));
    assertSpread(redis.newManager().createCache("jittered", config), "jittered");
  }

  @Test
  void jitterIsAlsoACacheSetting() throws Exception {
    AsideConfiguration<Integer, String> config = new AsideConfiguration<>();
    config.setTypes(Integer.class, String.class);
    config.setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MINUTES, 10)));
    config.setTtlJitter(0.10);
    assertSpread(redis.newManager().createCache("configured", config), "configured");
  }

  /** An expiry policy holding a resource, as the TCK's are: the cache must close it when it closes. */
  public static final class ClosingPolicy implements ExpiryPolicy, Closeable, Serializable {
    private static final long serialVersionUID = 1L;
    static final AtomicInteger closed = new AtomicInteger();

    @Override
    public Duration getExpiryForCreation() {
      return new Duration(TimeUnit.MINUTES, 10);
    }

    @Override
    public Duration getExpiryForAccess() {
      return null;
    }

    @Override
    public Duration getExpiryForUpdate() {
      return null;
    }

    @Override
    public void close() {
      closed.incrementAndGet();
    }
  }

  @Test
  void aJitteredPolicyIsClosedWithItsCacheLikeAnyOther() {
    ClosingPolicy.closed.set(0);
    AsideConfiguration<Integer, String> config = new AsideConfiguration<>();
    config.setTypes(Integer.class, String.class);
    config.setExpiryPolicyFactory(FactoryBuilder.factoryOf(ClosingPolicy.class));
    config.setTtlJitter(0.10);
    Cache<Integer, String> cache = redis.newManager().createCache("closing", config);
    cache.put(1, "one");

    cache.close();

    assertThat(ClosingPolicy.closed).as("times the wrapped policy was closed").hasValue(1);
  }

  private void assertSpread(Cache<Integer, String> cache, String name) throws Exception {
    int entries = 10_000;
    long startedAt = System.currentTimeMillis();
    Map<Integer, String> batch = new HashMap<>();
    for (int i = 0; i < entries; i++) {
      batch.put(i, "v" + i);
      if (batch.size() == 1_000) {
        cache.putAll(batch);
        batch.clear();
      }
    }
    RedisAsyncCommands<String, String> async = redis.redis().getStatefulConnection().async();
    List<RedisFuture<Long>> ttls = new ArrayList<>();
    for (int i = 0; i < entries; i++) {
      ttls.add(async.pttl(redis.prefix() + ":" + name + ":{" + i + "}"));
    }
    long[] pttls = new long[entries];
    for (int i = 0; i < entries; i++) {
      pttls[i] = ttls.get(i).get(10, TimeUnit.SECONDS);
    }
    // Entries were written between startedAt and now: count that time back in, at its midpoint.
    long age = (System.currentTimeMillis() - startedAt) / 2;
    int[] buckets = new int[10];
    for (long pttl : pttls) {
      assertThat(pttl).isBetween(TEN_MINUTES - 60_000, TEN_MINUTES + TEN_MINUTES / 10);
      // Which tenth of the jitter window [10 min, 11 min] the TTL was set in.
      int bucket = (int) Math.min(9, Math.max(0, (pttl + age - TEN_MINUTES) * 10 / (TEN_MINUTES / 10)));
      buckets[bucket]++;
    }
    for (int count : buckets) {
      assertThat(count).as("per-tenth counts %s", java.util.Arrays.toString(buckets)).isBetween(800, 1_200);
    }
  }

  /** Counts how often it is asked. */
  public static final class CountingPolicy implements ExpiryPolicy {
    static final AtomicInteger calls = new AtomicInteger();

    @Override
    public Duration getExpiryForCreation() {
      calls.incrementAndGet();
      return new Duration(TimeUnit.MINUTES, 10);
    }

    @Override
    public Duration getExpiryForAccess() {
      calls.incrementAndGet();
      return null;
    }

    @Override
    public Duration getExpiryForUpdate() {
      calls.incrementAndGet();
      return null;
    }
  }

  @Test
  void jitterAddsNoExpiryPolicyCalls() {
    MutableConfiguration<Integer, String> config = new MutableConfiguration<Integer, String>()
        .setTypes(Integer.class, String.class)
        .setExpiryPolicyFactory(JitteredExpiryPolicy.factoryOf(FactoryBuilder.factoryOf(CountingPolicy.class), 0.1));
    Cache<Integer, String> cache = redis.newManager().createCache("counted", config);
    CountingPolicy.calls.set(0);

    cache.put(1, "a");       // creation: 1 call
    cache.put(1, "b");       // update: 1 call
    cache.get(1);            // access: 1 call

    assertThat(CountingPolicy.calls).hasValue(3);
    long pttl = redis.redis().pttl(redis.prefix() + ":counted:{1}");
    assertThat(pttl).isBetween(TEN_MINUTES - 60_000, TEN_MINUTES + TEN_MINUTES / 10);
  }
}
