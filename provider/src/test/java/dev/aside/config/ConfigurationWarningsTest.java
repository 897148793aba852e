package dev.aside.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aside.spi.AsideCachingProvider;
import dev.aside.testkit.RedisServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mistakes that used to be silent get a WARN: a {@code cache.<name>} section that no cache uses (with
 * the cache it was probably meant for), and an allowlist pattern that names a package without
 * {@code .*} or {@code .**}.
 */
class ConfigurationWarningsTest {
  private static RedisServer server;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    server = RedisServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** What the manager logs while {@code use} runs on it, then closes it. */
  private String logOf(String fileText, java.util.function.Consumer<CacheManager> use) throws IOException {
    Path file = dir.resolve("aside.properties");
    Files.writeString(file, "uri = " + server.uri() + "?prefix=warn\n" + fileText);
    PrintStream err = System.err;
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
    try {
      CacheManager manager = new AsideCachingProvider().getCacheManager(file.toUri(), getClass().getClassLoader());
      try {
        use.accept(manager);
      } finally {
        manager.close();
      }
    } finally {
      System.setErr(err);
    }
    return log.toString(StandardCharsets.UTF_8);
  }

  private static List<String> warnings(String log) {
    return log.lines().filter(line -> line.contains("WARN")).toList();
  }

  @Test
  void aSectionForACloseNameIsNamedWhenThatCacheIsCreated() throws IOException {
    String log = logOf("cache.product.expiry = created 1m\n",
        manager -> manager.createCache("products", new MutableConfiguration<>()));

    assertThat(warnings(log)).singleElement().asString()
        .contains("cache.product ").contains("did you mean cache.products?");
  }

  @Test
  void anUnusedSectionIsNamedWhenTheManagerCloses() throws IOException {
    String log = logOf("cache.orders.expiry = created 1m\ncache.usres.expiry = created 1m\n"
        + "cache.invoices.expiry = created 1m\n", manager -> {
          manager.createCache("users", new MutableConfiguration<>());
          manager.getCache("invoices");
        });

    assertThat(warnings(log)).hasSize(2)
        .anySatisfy(line -> assertThat(line).contains("cache.orders was used by no cache").doesNotContain("did you"))
        .anySatisfy(line -> assertThat(line).contains("cache.usres").contains("did you mean"));
  }

  @Test
  void usedSectionsAreNotWarnedAbout() throws IOException {
    String log = logOf("cache.users.expiry = created 1m\n",
        manager -> manager.createCache("users", new MutableConfiguration<>()));

    assertThat(warnings(log)).isEmpty();
  }

  @Test
  void anAllowlistPatternThatLooksLikeAPackageSaysToWriteDoubleStar() throws IOException {
    String log = logOf("default.allow-classes = com.example.warnings, com.example.Dto, com.example.dto.*\n",
        manager -> manager.createCache("users", new MutableConfiguration<>()));

    assertThat(warnings(log)).singleElement().asString()
        .contains("'com.example.warnings'").contains("com.example.warnings.**");
  }

  @Test
  void closeNames() {
    assertThat(CacheSectionUse.closest("product", List.of("orders", "products"))).hasValue("products");
    assertThat(CacheSectionUse.closest("usres", List.of("users"))).hasValue("users");
    assertThat(CacheSectionUse.closest("orders", List.of("users", "products"))).isEmpty();
    assertThat(CacheSectionUse.closest("a", List.of("bb"))).isEmpty();
    assertThat(SettingValues.looksLikePackage("com.acme")).isTrue();
    assertThat(SettingValues.looksLikePackage("com.acme.User")).isFalse();
    assertThat(SettingValues.looksLikePackage("com.acme.**")).isFalse();
  }
}
