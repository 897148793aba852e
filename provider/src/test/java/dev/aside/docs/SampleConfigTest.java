package dev.aside.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aside.config.AsideConfiguration;
import dev.aside.config.CacheSettings;
import dev.aside.config.ConfigFile;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * META-INF-sample/aside.properties is the reference users copy: it must load as it stands, and
 * every setting it shows, active or commented out, must be one Aside knows (and every setting Aside
 * knows must be shown).
 */
class SampleConfigTest {
  static final Path SAMPLE = ReadmeSnippetsTest.REPOSITORY.resolve("META-INF-sample/aside.properties");
  private static final ClassLoader LOADER = SampleConfigTest.class.getClassLoader();

  /* An active setting line, or one commented out as "#default.x = ..." (no space after '#'). */
  private static final Pattern SETTING_LINE =
      Pattern.compile("^(#?)((?:default|cache\\.\\S+)\\.([a-z-]+))\\s*=\\s*(.*)$");

  @TempDir
  Path dir;

  @Test
  void sampleLoadsThroughConfigFile() {
    ConfigFile file = ConfigFile.load(SAMPLE.toAbsolutePath().normalize().toUri(), LOADER);

    if (System.getProperty("REDIS_URI") == null && System.getenv("REDIS_URI") == null) {
      assertThat(file.connection().redacted()).isEqualTo("redis://127.0.0.1:6379");
      assertThat(file.connection().redisUri().getPort()).isEqualTo(6379);
    }
    assertThat(file.cacheNames()).containsExactly("com.acme.Product", "users");

    AsideConfiguration<Object, Object> defaults = applied(file, "some-other-cache");
    assertThat(defaults.getExpiryPolicyFactory())
        .isEqualTo(CreatedExpiryPolicy.factoryOf(new javax.cache.expiry.Duration(TimeUnit.MINUTES, 10)));
    assertThat(defaults.isStatisticsEnabled()).isTrue();
    assertThat(defaults.getTtlJitter()).isEqualTo(0.1);
    assertThat(defaults.isCoalescing()).isTrue();
    assertThat(defaults.getLeaseTtl()).isEqualTo(Duration.ofSeconds(10));
    assertThat(defaults.getLeaseWait()).isEqualTo(Duration.ofSeconds(2));
    assertThat(defaults.getNegativeTtl()).isEqualTo(Duration.ZERO);

    AsideConfiguration<Object, Object> users = applied(file, "users");
    assertThat(users.getExpiryPolicyFactory())
        .isEqualTo(ModifiedExpiryPolicy.factoryOf(new javax.cache.expiry.Duration(TimeUnit.MINUTES, 10)));
    assertThat(users.getNegativeTtl()).isEqualTo(Duration.ofSeconds(30));
    assertThat(users.getKeyType()).isEqualTo(Long.class);
    assertThat(users.getTtlJitter()).isEqualTo(0.1);

    AsideConfiguration<Object, Object> product = applied(file, "com.acme.Product");
    assertThat(product.getExpiryPolicyFactory())
        .isEqualTo(CreatedExpiryPolicy.factoryOf(new javax.cache.expiry.Duration(TimeUnit.HOURS, 1)));
    assertThat(product.getDeserializationAllowlist()).containsExactly("org.hibernate.**", "com.acme.**");
  }

  @Test
  void everySettingShownIsKnownAndEveryKnownSettingIsShown() throws Exception {
    Set<String> known = knownSettings();
    Set<String> shown = new TreeSet<>();
    for (Line line : settingLines()) {
      assertThat(known).as("setting '%s' of line %d of %s", line.setting, line.number, SAMPLE)
          .contains(line.setting);
      shown.add(line.setting);
    }
    assertThat(shown).as("settings shown in %s (add a commented example line for a new setting)",
        SAMPLE).containsAll(known);
  }

  @Test
  void everyCommentedExampleParses() throws Exception {
    for (Line line : settingLines()) {
      if (!line.commented) {
        continue;
      }
      Path file = dir.resolve("line" + line.number + ".properties");
      Files.writeString(file, "uri = redis://127.0.0.1:6379\n" + line.key + " = " + line.value + "\n",
          StandardCharsets.UTF_8);
      try {
        ConfigFile.load(file.toUri(), LOADER);
      } catch (IllegalArgumentException e) {
        /* Example application classes (com.acme...) are not on this class path; anything else must parse. */
        assertThat(e.getMessage()).as("line %d of %s: %s", line.number, SAMPLE, line.text)
            .contains("cannot be loaded").contains("com.acme.");
      }
    }
  }

  private static AsideConfiguration<Object, Object> applied(ConfigFile file, String cacheName) {
    return file.settingsFor(cacheName).applyTo(new MutableConfiguration<>());
  }

  /** The setting names CacheSettings accepts, through its package-private list. */
  private static Set<String> knownSettings() throws ReflectiveOperationException {
    Method names = CacheSettings.class.getDeclaredMethod("settingNames");
    names.setAccessible(true);
    String list = (String) names.invoke(null);
    Set<String> known = new LinkedHashSet<>(Arrays.asList(list.split(",\\s*")));
    assertThat(known).contains("expiry", "statistics", "allow-classes");
    return known;
  }

  private record Line(int number, String text, boolean commented, String key, String setting, String value) {}

  private static List<Line> settingLines() throws IOException {
    List<String> lines = Files.readAllLines(SAMPLE, StandardCharsets.UTF_8);
    List<Line> settings = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher matcher = SETTING_LINE.matcher(lines.get(i).trim());
      if (matcher.matches()) {
        settings.add(new Line(i + 1, lines.get(i), !matcher.group(1).isEmpty(), matcher.group(2),
            matcher.group(3), matcher.group(4)));
      }
    }
    assertThat(settings).as("setting lines of %s", SAMPLE).isNotEmpty();
    return settings;
  }
}
