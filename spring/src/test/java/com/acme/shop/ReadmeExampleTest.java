package com.acme.shop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aside.spi.AsideCachingProvider;
import dev.aside.spring.boot.cache.AsideSpringCache;
import dev.aside.testkit.RedisServer;
import io.micrometer.core.instrument.MeterRegistry;
import javax.cache.Caching;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.cache.CacheManager;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The README's Spring Boot section, word for word: its application class, service, aside.properties and
 * application.properties are the tagged regions of this package's sources and of the test resources.
 */
class ReadmeExampleTest {
  private static RedisServer redis;
  private ConfigurableApplicationContext context;

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start();
    System.setProperty("REDIS_URI", redis.uri() + "?prefix=readme&connectTimeout=10s");
  }

  @AfterAll
  static void stopRedis() {
    System.clearProperty("REDIS_URI");
    redis.close();
  }

  @AfterEach
  void close() {
    context.close();
    Caching.getCachingProvider(AsideCachingProvider.class.getName()).close();
  }

  @Test
  void theReadmesApplicationCachesOnAside() {
    SpringApplication application = new SpringApplication(ShopApplication.class);
    application.setWebApplicationType(WebApplicationType.NONE);
    // The README's application.properties, kept beside this test so that it applies to this test only.
    context = application.run("--spring.main.banner-mode=off",
        "--spring.config.location=classpath:com/acme/shop/application.properties");
    ProductService products = context.getBean(ProductService.class);
    ProductRepository repository = context.getBean(ProductRepository.class);
    repository.save(new Product(1, "tea"));

    assertThat(context.getBean(CacheManager.class).getCache("products")).isInstanceOf(AsideSpringCache.class);
    assertThat(products.find(1)).isEqualTo(new Product(1, "tea"));
    assertThat(products.find(1)).isEqualTo(new Product(1, "tea"));
    assertThat(repository.reads()).isEqualTo(1);

    products.update(new Product(1, "green tea"));
    assertThat(products.find(1)).isEqualTo(new Product(1, "green tea"));
    assertThat(repository.reads()).isEqualTo(2);

    MeterRegistry meters = context.getBean(MeterRegistry.class);
    assertThat(meters.get("aside.cache.puts.dropped").tag("cacheManager", "shop").functionCounter().count()).isZero();
  }
}
