package dev.aside.benchmarks;

import dev.aside.management.ReadPathMetrics;
import dev.aside.spi.AsideCachingProvider;
import dev.aside.spring.boot.cache.AsideSpringCache;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code --via spring}: a Spring Boot application ({@link StampedeSpringApp}) configured as the
 * aside-spring-boot module configures one, read through its {@code @Cacheable(sync = true)} method.
 * The Aside cache manager comes from Aside's default URI ({@code aside.uri}); the Spring cache must be
 * an {@link AsideSpringCache}, whose Aside cache gives the wait counts.
 */
final class SpringReadPath implements StampedeReadPath {
  private final ConfigurableApplicationContext context;
  private final UserProfiles profiles;
  private final AsideSpringCache cache;

  private SpringReadPath(ConfigurableApplicationContext context) {
    this.context = context;
    this.profiles = context.getBean(UserProfiles.class);
    Cache springCache = context.getBean(CacheManager.class).getCache(UserProfiles.CACHE);
    if (!(springCache instanceof AsideSpringCache asideCache)) {
      throw new IllegalStateException("Spring's cache '" + UserProfiles.CACHE + "' is not Aside's but "
          + (springCache == null ? "missing" : springCache.getClass().getName()));
    }
    this.cache = asideCache;
  }

  /**
   * Starts the application. The system properties it needs are set for the startup only: {@code aside.uri}
   * (read when the cache manager is built) and Spring Boot's logging system, {@code none} because the
   * benchmark logs through slf4j-simple and standard output carries the worker's report (so no banner and
   * no startup lines either).
   */
  static SpringReadPath start(String managerUri, StampedeRepository repository) {
    SpringApplication application = new SpringApplication(StampedeSpringApp.class);
    application.setWebApplicationType(WebApplicationType.NONE);
    application.setBannerMode(Banner.Mode.OFF);
    application.setLogStartupInfo(false);
    application.addInitializers(context -> context.getBeanFactory().registerSingleton("repository", repository));
    Map<String, String> properties = Map.of(AsideCachingProvider.URI_PROPERTY, managerUri,
        LoggingSystem.SYSTEM_PROPERTY, LoggingSystem.NONE);
    Map<String, String> before = new HashMap<>();
    properties.forEach((name, value) -> before.put(name, System.setProperty(name, value)));
    try {
      return new SpringReadPath(application.run("--spring.cache.cache-names=" + UserProfiles.CACHE));
    } finally {
      before.forEach((name, value) -> {
        if (value == null) {
          System.clearProperty(name);
        } else {
          System.setProperty(name, value);
        }
      });
    }
  }

  @Override
  public String get(String key) {
    return profiles.find(key);
  }

  @Override
  public void put(String key, String value) {
    cache.put(key, value);
  }

  @Override
  public ReadPathMetrics metrics() {
    return cache.aside().readPathMetrics();
  }

  @Override
  public void close() {
    context.close();
  }
}
