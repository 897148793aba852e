package dev.aside.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.expiry.EternalExpiryPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigFileTest {
  private static final String PASSWORD = "s3cretPa55";
  private static final ClassLoader LOADER = ConfigFileTest.class.getClassLoader();

  @TempDir
  Path dir;

  private ConfigFile load(String content) throws IOException {
    Path file = dir.resolve("aside.properties");
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return ConfigFile.load(file.toUri(), LOADER);
  }

  private static AsideConfiguration<Object, Object> applied(ConfigFile file, String cacheName) {
    return file.settingsFor(cacheName).applyTo(new MutableConfiguration<>());
  }

  @Test
  void classpathFileWithDefaultsAndPerCacheOverrides() {
    ConfigFile file = ConfigFile.load(URI.create("classpath:config/aside-test.properties"), LOADER);

    assertThat(file.location()).isEqualTo(URI.create("classpath:config/aside-test.properties"));
    assertThat(file.connection().prefix()).isEqualTo("shop");
    assertThat(file.connection().redisUri().getHost()).isEqualTo("redis.test");
    assertThat(file.connection().redisUri().getDatabase()).isEqualTo(2);
    assertThat(file.connection().commandTimeout()).isEqualTo(java.time.Duration.ofMillis(250));
    assertThat(file.connection().redisUri().getCredentialsProvider().resolveCredentials().block()
        .getPassword()).containsExactly("fallback-pw".toCharArray());
    assertThat(file.cacheNames()).containsExactly("com.acme.User", "sessions");

    AsideConfiguration<Object, Object> user = applied(file, "com.acme.User");
    assertThat(user.getExpiryPolicyFactory())
        .isEqualTo(AccessedExpiryPolicy.factoryOf(new Duration(TimeUnit.HOURS, 1)));
    assertThat(user.isStatisticsEnabled()).isTrue();
    assertThat(user.getKeyType()).isEqualTo(Long.class);
    assertThat(user.getValueType()).isEqualTo(String.class);
    assertThat(user.getDeserializationAllowlist()).containsExactly("com.acme.dto.*", "com.acme.model.**");

    AsideConfiguration<Object, Object> sessions = applied(file, "sessions");
    assertThat(sessions.isManagementEnabled()).isTrue();
    assertThat(sessions.isStatisticsEnabled()).isTrue();
    assertThat(sessions.getExpiryPolicyFactory())
        .isEqualTo(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MINUTES, 10)));
    assertThat(sessions.getDeserializationAllowlist()).containsExactly("com.acme.dto.*");

    AsideConfiguration<Object, Object> undeclared = applied(file, "orders");
    assertThat(undeclared.isManagementEnabled()).isFalse();
    assertThat(undeclared.isStatisticsEnabled()).isTrue();
    assertThat(undeclared.getKeyType()).isEqualTo(Object.class);
    assertThat(file.toString()).doesNotContain("fallback-pw").contains("redis://app:***@redis.test:6380/2");
  }

  @Test
  void classpathNameMayStartWithASlash() {
    ConfigFile file = ConfigFile.load(URI.create("classpath:/config/aside-test.properties"), LOADER);

    assertThat(file.cacheNames()).contains("sessions");
  }

  @Test
  void missingClasspathResourceIsReported() {
    assertThatThrownBy(() -> ConfigFile.load(URI.create("classpath:config/nope.properties"), LOADER))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("classpath:config/nope.properties")
        .hasMessageContaining("config/nope.properties");
  }

  @Test
  void systemPropertyPlaceholderWins() {
    System.setProperty("aside.test.password", PASSWORD);
    try {
      ConfigFile file = ConfigFile.load(URI.create("classpath:config/aside-test.properties"), LOADER);

      assertThat(file.connection().redisUri().getCredentialsProvider().resolveCredentials().block()
          .getPassword()).containsExactly(PASSWORD.toCharArray());
      assertThat(file.toString()).doesNotContain(PASSWORD);
    } finally {
      System.clearProperty("aside.test.password");
    }
  }

  @Test
  void environmentVariablePlaceholder() throws IOException {
    Map.Entry<String, String> variable = System.getenv().entrySet().stream()
        .filter(e -> e.getKey().matches("[A-Za-z0-9_]+") && e.getValue().matches("[A-Za-z0-9_./-]{1,64}"))
        .filter(e -> System.getProperty(e.getKey()) == null)
        .findFirst().orElseThrow();

    ConfigFile file = load("uri = redis://localhost\ndefault.value-type = java.lang.String\n"
        + "cache.c.key-type = java.lang.${ASIDE_TEST_UNSET_VARIABLE_X:Long}\n"
        + "cache.c.allow-classes = x.${" + variable.getKey() + "}.*\n");

    assertThat(applied(file, "c").getKeyType()).isEqualTo(Long.class);
    assertThat(applied(file, "c").getDeserializationAllowlist())
        .containsExactly("x." + variable.getValue() + ".*");
  }

  @Test
  void missingPlaceholderIsNamed() {
    assertThatThrownBy(() -> load("uri = redis://:${ASIDE_TEST_UNSET_PASSWORD_X}@localhost\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("aside.properties")
        .hasMessageContaining("key 'uri'")
        .hasMessageContaining("${ASIDE_TEST_UNSET_PASSWORD_X}");
  }

  @Test
  void unterminatedPlaceholderIsRejected() {
    assertThatThrownBy(() -> load("uri = redis://localhost\ndefault.expiry = created ${x\n"))
        .hasMessageContaining("key 'default.expiry'").hasMessageContaining("unterminated");
  }

  @Test
  void fileUriWithDottedCacheNames() throws IOException {
    ConfigFile file = load("""
        # comment
        uri = redis://localhost?prefix=p
        cache.org.hibernate.cache.spi.QueryResultsRegion.expiry = modified 30s
        cache.a.b.c.statistics = false
        default.statistics = true
        """);

    assertThat(file.location()).isEqualTo(dir.resolve("aside.properties").toUri());
    assertThat(file.cacheNames()).containsExactly("a.b.c", "org.hibernate.cache.spi.QueryResultsRegion");
    assertThat(applied(file, "a.b.c").isStatisticsEnabled()).isFalse();
    assertThat(applied(file, "org.hibernate.cache.spi.QueryResultsRegion").isStatisticsEnabled()).isTrue();
  }

  @Test
  void jarUri() throws IOException {
    Path jar = dir.resolve("conf.jar");
    try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out)) {
      zip.putNextEntry(new JarEntry("META-INF/aside.properties"));
      zip.write("uri = rediss://cache:6390\ndefault.expiry = eternal\n".getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    }
    URI location = URI.create("jar:" + jar.toUri() + "!/META-INF/aside.properties");

    ConfigFile file = ConfigFile.load(location, LOADER);

    assertThat(file.connection().tls()).isTrue();
    assertThat(applied(file, "any").getExpiryPolicyFactory()).isEqualTo(EternalExpiryPolicy.factoryOf());
  }

  @Test
  void unknownSettingNamesFileAndKey() {
    assertThatThrownBy(() -> ConfigFile.load(URI.create("classpath:config/unknown-setting.properties"), LOADER))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("classpath:config/unknown-setting.properties")
        .hasMessageContaining("key 'cache.orders.expirey'")
        .hasMessageContaining("unknown setting 'expirey'")
        .hasMessageContaining("expiry, statistics");
  }

  @ParameterizedTest
  @ValueSource(strings = {"defaults.expiry", "caches.x.expiry", "url", "cache.expiry", "cache..expiry", "cache.x."})
  void unknownOrIncompleteKeyIsRejected(String key) {
    assertThatThrownBy(() -> load("uri = redis://localhost\n" + key + " = eternal\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("key '" + key + "'");
  }

  @Test
  void badValuesAreRejectedWithKeyAndReason() {
    assertThatThrownBy(() -> load("uri = redis://localhost\ndefault.expiry = later 5m\n"))
        .hasMessageContaining("key 'default.expiry'").hasMessageContaining("'later 5m' is not an expiry");
    assertThatThrownBy(() -> load("uri = redis://localhost\ndefault.expiry = created 5 minutes\n"))
        .hasMessageContaining("key 'default.expiry'");
    assertThatThrownBy(() -> load("uri = redis://localhost\ncache.c.statistics = yes\n"))
        .hasMessageContaining("key 'cache.c.statistics'").hasMessageContaining("true or false");
    assertThatThrownBy(() -> load("uri = redis://localhost\ncache.c.value-type = com.acme.Missing\n"))
        .hasMessageContaining("key 'cache.c.value-type'").hasMessageContaining("com.acme.Missing");
    assertThatThrownBy(() -> load("uri = redis://localhost\ncache.c.loader = java.lang.String\n"))
        .hasMessageContaining("key 'cache.c.loader'").hasMessageContaining("neither a CacheLoader");
    assertThatThrownBy(() -> load("uri = redis://localhost\ncache.c.allow-classes = !com.x.*\n"))
        .hasMessageContaining("key 'cache.c.allow-classes'");
  }

  @Test
  void missingUriIsRejected() {
    assertThatThrownBy(() -> load("default.expiry = eternal\n"))
        .hasMessageContaining("key 'uri'").hasMessageContaining("missing");
  }

  @Test
  void badUriNeverShowsThePassword() {
    System.setProperty("aside.test.password", PASSWORD);
    try {
      assertThatThrownBy(() -> load("uri = redis://app:${aside.test.password}@h:6379?bogus=1\n"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("key 'uri'")
          .hasMessageContaining("unknown option 'bogus'")
          .hasMessageContaining("redis://app:***@h:6379")
          .hasMessageNotContaining(PASSWORD);
      assertThatThrownBy(() -> load("uri = redis://app:${aside.test.password} @h:6379\n"))
          .hasMessageContaining("key 'uri'")
          .hasMessageNotContaining(PASSWORD);
    } finally {
      System.clearProperty("aside.test.password");
    }
  }

  @Test
  void repeatedKeyIsRejected() {
    assertThatThrownBy(() -> load("uri = redis://a\nuri = redis://b\n"))
        .hasMessageContaining("key 'uri'").hasMessageContaining("more than once");
  }

  @Test
  void missingFileIsReported() {
    URI missing = dir.resolve("absent.properties").toUri();

    assertThatThrownBy(() -> ConfigFile.load(missing, LOADER))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("absent.properties");
  }

  @Test
  void recognisesConfigFileUris() {
    assertThat(ConfigFile.isConfigFile(URI.create("file:/etc/aside.properties"))).isTrue();
    assertThat(ConfigFile.isConfigFile(URI.create("classpath:aside.properties"))).isTrue();
    assertThat(ConfigFile.isConfigFile(URI.create("jar:file:/a.jar!/aside.properties"))).isTrue();
    assertThat(ConfigFile.isConfigFile(URI.create("redis://localhost"))).isFalse();
    assertThat(ConfigFile.isConfigFile(URI.create("aside.properties"))).isFalse();
    assertThatThrownBy(() -> ConfigFile.load(URI.create("redis://localhost"), LOADER))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
