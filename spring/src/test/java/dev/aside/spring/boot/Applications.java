package dev.aside.spring.boot;

import dev.aside.spi.AsideCachingProvider;
import dev.aside.testkit.RedisServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.cache.Caching;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Spring Boot applications of one test, each an instance of a service: started with properties, closed
 * together. An instance given a configuration file of its own has its own Aside cache manager, as in
 * another JVM of the fleet.
 */
public final class Applications implements AutoCloseable {
  private static final AtomicInteger TESTS = new AtomicInteger();
  private final String prefix = "spring-boot-" + TESTS.incrementAndGet();
  private final RedisServer redis;
  private final Path dir;
  private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

  public Applications(RedisServer redis, Path dir) {
    this.redis = redis;
    this.dir = dir;
  }

  /** Starts {@code app} with these {@code --name=value} arguments (and a quiet banner). */
  public ConfigurableApplicationContext start(Class<?> app, String... args) {
    SpringApplication application = new SpringApplication(app);
    application.setWebApplicationType(WebApplicationType.NONE);
    ConfigurableApplicationContext context = application.run(
        Stream.concat(Stream.of("--spring.main.banner-mode=off"), Stream.of(args)).toArray(String[]::new));
    contexts.add(context);
    return context;
  }

  /**
   * An Aside configuration file of its own for an instance named {@code name}: this Redis, and a key prefix
   * shared by the instances of this test only. Commands time out after 5 s rather than the default 500 ms, as
   * the testkit's URIs have it, so that a busy build machine does not fail tests about other things.
   */
  public String configFile(String name, String... extraLines) {
    return write(name, "&connectTimeout=10s&timeout=5s", extraLines);
  }

  /** As {@link #configFile}, but with the default command timeout: for a test of an outage with default settings. */
  public String configFileWithDefaultCommandTimeout(String name, String... extraLines) {
    return write(name, "&connectTimeout=10s", extraLines);
  }

  private String write(String name, String options, String... extraLines) {
    Path config = dir.resolve(name + "-aside.properties");
    StringBuilder text = new StringBuilder("uri = " + redis.uri() + "?prefix=" + prefix + options + "\n"
        + "default.allow-classes = dev.aside.spring.boot.**, org.springframework.cache.support.NullValue\n");
    for (String line : extraLines) {
      text.append(line).append('\n');
    }
    try {
      Files.writeString(config, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return config.toUri().toString();
  }

  @Override
  public void close() {
    contexts.forEach(ConfigurableApplicationContext::close);
    Caching.getCachingProvider(AsideCachingProvider.class.getName()).close();
  }
}
