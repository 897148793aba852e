package com.acme.shop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aside.spi.AsideCachingProvider;
import dev.aside.spring.boot.cache.AsideSpringCache;
import dev.aside.testkit.RedisServer;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
  /** Surefire runs in the spring module; the README and the marked files are relative to the repository root. */
  private static final Path REPOSITORY = Path.of("..");
  /** {@code <!-- path#tag -->} right before a fenced block: the block is that file's tagged region. */
  private static final Pattern MARKER = Pattern.compile("^<!-- ([\\w/.-]+)#([\\w-]+) -->$");
  private static RedisServer redis;
  private ConfigurableApplicationContext context;

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start();
    // The README's aside.properties takes its URI from here; a command timeout of 5 s rather than the default
    // 500 ms, as the testkit's URIs have it, so that a busy build machine does not fail the test.
    System.setProperty("REDIS_URI", redis.uri() + "?prefix=readme&connectTimeout=10s&timeout=5s");
  }

  @AfterAll
  static void stopRedis() {
    System.clearProperty("REDIS_URI");
    redis.close();
  }

  @AfterEach
  void close() {
    if (context != null) {
      context.close();
    }
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

  @Test
  void theReadmeShowsTheseFilesWordForWord() throws IOException {
    List<String> readme = Files.readAllLines(REPOSITORY.resolve("README.md"), StandardCharsets.UTF_8);
    List<String> checked = new ArrayList<>();
    for (int i = 0; i + 1 < readme.size(); i++) {
      Matcher marker = MARKER.matcher(readme.get(i));
      if (!marker.matches()) {
        continue;
      }
      assertThat(readme.get(i + 1)).as("README.md:%d: a fenced block follows its marker", i + 2).startsWith("```");
      int end = i + 2;
      while (!readme.get(end).equals("```")) {
        end++;
      }
      List<String> block = readme.subList(i + 2, end);
      assertThat(block).as("README.md:%d shows %s", i + 3, marker.group(0))
          .isEqualTo(region(REPOSITORY.resolve(marker.group(1)), marker.group(2)));
      checked.add(marker.group(2));
      i = end;
    }
    assertThat(checked).contains("application", "service", "aside-properties", "application-properties");
  }

  /** The lines between {@code tag::<tag>[]} and {@code end::<tag>[]} in {@code file}. */
  private static List<String> region(Path file, String tag) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    int start = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains("tag::" + tag + "[]")) {
        start = i + 1;
      } else if (lines.get(i).contains("end::" + tag + "[]")) {
        assertThat(start).as("tag::%s[] before end::%s[] in %s", tag, tag, file).isPositive();
        return lines.subList(start, i);
      }
    }
    throw new AssertionError("no region " + tag + " in " + file);
  }
}
