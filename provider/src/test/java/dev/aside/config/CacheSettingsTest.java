package dev.aside.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.Factory;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;
import javax.cache.expiry.TouchedExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;
import org.junit.jupiter.api.Test;

class CacheSettingsTest {
  private static final ClassLoader LOADER = CacheSettingsTest.class.getClassLoader();

  private static CacheSettings settings(String... nameThenText) {
    CacheSettings.Builder builder = new CacheSettings.Builder(LOADER);
    for (int i = 0; i < nameThenText.length; i += 2) {
      builder.put(nameThenText[i], nameThenText[i + 1]);
    }
    return builder.build();
  }

  private static MutableConfiguration<String, Integer> codeConfiguration() {
    return new MutableConfiguration<String, Integer>()
        .setTypes(String.class, Integer.class)
        .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(Duration.ONE_MINUTE))
        .setStatisticsEnabled(true)
        .setManagementEnabled(false)
        .setReadThrough(true)
        .setWriteThrough(false)
        .setStoreByValue(false)
        .setCacheLoaderFactory(FactoryBuilder.factoryOf(CodeLoader.class))
        .setCacheWriterFactory(FactoryBuilder.factoryOf(TestWriter.class))
        .addCacheEntryListenerConfiguration(LISTENER);
  }

  private static final CacheEntryListenerConfiguration<String, Integer> LISTENER =
      new MutableCacheEntryListenerConfiguration<>(
          FactoryBuilder.factoryOf(CreatedListener.class), null, true, false);

  @Test
  void absentSettingsKeepTheCodeValues() {
    MutableConfiguration<String, Integer> code = codeConfiguration();

    AsideConfiguration<String, Integer> result = CacheSettings.empty().applyTo(code);

    assertThat(result).isNotSameAs(code);
    assertThat(result.getKeyType()).isEqualTo(String.class);
    assertThat(result.getValueType()).isEqualTo(Integer.class);
    assertThat(result.getExpiryPolicyFactory()).isEqualTo(code.getExpiryPolicyFactory());
    assertThat(result.isStatisticsEnabled()).isTrue();
    assertThat(result.isReadThrough()).isTrue();
    assertThat(result.isStoreByValue()).isFalse();
    assertThat(result.getCacheLoaderFactory()).isEqualTo(FactoryBuilder.factoryOf(CodeLoader.class));
    assertThat(result.getCacheWriterFactory()).isEqualTo(FactoryBuilder.factoryOf(TestWriter.class));
    assertThat(result.getCacheEntryListenerConfigurations()).containsExactly(LISTENER);
    assertThat(result.getDeserializationAllowlist()).isEmpty();
    assertThat(CacheSettings.empty().isEmpty()).isTrue();
  }

  @Test
  void theGutterSettingsParseWithTheirDefaultsAndLimits() {
    AsideConfiguration<String, Integer> defaults = CacheSettings.empty().applyTo(codeConfiguration());
    assertThat(defaults.getOutageTtl()).isEqualTo(java.time.Duration.ZERO);
    assertThat(defaults.getOutageMaxBytes()).as("0: 5% of the heap").isZero();
    assertThat(defaults.getOutageMaxEntries()).as("0: no count bound").isZero();

    AsideConfiguration<String, Integer> set = settings("outage-ttl", "12500ms", "outage-max-bytes", "16m",
        "outage-max-entries", "5000").applyTo(codeConfiguration());
    assertThat(set.getOutageTtl()).isEqualTo(java.time.Duration.ofMillis(12_500));
    assertThat(set.getOutageMaxBytes()).isEqualTo(16L << 20);
    assertThat(set.getOutageMaxEntries()).isEqualTo(5000);

    assertThatThrownBy(() -> settings("outage-max-bytes", "-1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'-1' is not within 0..1024g");
    assertThatThrownBy(() -> settings("outage-max-entries", "lots"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'lots'");
  }

  @Test
  void invalidationReplicasAreAWholeNumberOffByDefault() {
    assertThat(CacheSettings.empty().applyTo(codeConfiguration()).getInvalidationReplicas()).as("off").isZero();
    assertThat(settings("invalidation-replicas", "2").applyTo(codeConfiguration()).getInvalidationReplicas())
        .isEqualTo(2);
    assertThatThrownBy(() -> settings("invalidation-replicas", "1.5"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'1.5' is not a whole number");
    assertThatThrownBy(() -> settings("invalidation-replicas", "-1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'-1' is not within");
  }

  @Test
  void fileSettingsWinOverTheCode() {
    MutableConfiguration<String, Integer> code = codeConfiguration();
    CacheSettings file = settings("expiry", "touched 2h", "statistics", "false", "management", "TRUE",
        "read-through", "false", "write-through", "true", "loader", TestLoader.class.getName());

    AsideConfiguration<String, Integer> result = file.applyTo(code);

    assertThat(result.getExpiryPolicyFactory())
        .isEqualTo(TouchedExpiryPolicy.factoryOf(new Duration(TimeUnit.HOURS, 2)));
    assertThat(result.isStatisticsEnabled()).isFalse();
    assertThat(result.isManagementEnabled()).isTrue();
    assertThat(result.isReadThrough()).isFalse();
    assertThat(result.isWriteThrough()).isTrue();
    assertThat(result.getCacheLoaderFactory()).isEqualTo(FactoryBuilder.factoryOf(TestLoader.class));
    /* Not in the file: still the code's. */
    assertThat(result.getCacheWriterFactory()).isEqualTo(FactoryBuilder.factoryOf(TestWriter.class));
    assertThat(result.getCacheEntryListenerConfigurations()).containsExactly(LISTENER);
    assertThat(result.getKeyType()).isEqualTo(String.class);
    assertThat(result.isStoreByValue()).isFalse();
    /* The code's configuration is left alone. */
    assertThat(code.isStatisticsEnabled()).isTrue();
    assertThat(code.getCacheLoaderFactory()).isEqualTo(FactoryBuilder.factoryOf(CodeLoader.class));
  }

  @Test
  void typesFromTheFile() {
    AsideConfiguration<Object, Object> result = settings("key-type", "java.lang.Long", "value-type", " java.lang.String ")
        .applyTo(new MutableConfiguration<>());

    assertThat(result.getKeyType()).isEqualTo(Long.class);
    assertThat(result.getValueType()).isEqualTo(String.class);

    AsideConfiguration<Object, Object> keyOnly = settings("key-type", "java.lang.Long")
        .applyTo(new MutableConfiguration<>().setTypes(Object.class, Object.class));
    assertThat(keyOnly.getKeyType()).isEqualTo(Long.class);
    assertThat(keyOnly.getValueType()).isEqualTo(Object.class);
  }

  @Test
  void plainConfigurationGivesTypesAndStoreByValue() {
    Configuration<String, Long> base = new Configuration<>() {
      @Override
      public Class<String> getKeyType() {
        return String.class;
      }

      @Override
      public Class<Long> getValueType() {
        return Long.class;
      }

      @Override
      public boolean isStoreByValue() {
        return false;
      }
    };

    AsideConfiguration<String, Long> result = settings("statistics", "true").applyTo(base);

    assertThat(result.getKeyType()).isEqualTo(String.class);
    assertThat(result.getValueType()).isEqualTo(Long.class);
    assertThat(result.isStoreByValue()).isFalse();
    assertThat(result.isStatisticsEnabled()).isTrue();
    assertThat(result.getCacheLoaderFactory()).isNull();
  }

  @Test
  void asideSettingsOfTheCodeAreCopiedAndAllowlistsAddUp() {
    AsideConfiguration<String, String> code = new AsideConfiguration<>();
    code.setDeserializationAllowlist(List.of("com.code.*"));
    CacheSettings defaults = settings("allow-classes", "com.defaults.*, com.code.*");
    CacheSettings cache = settings("allow-classes", "com.cache.**");

    AsideConfiguration<String, String> result = defaults.overriddenBy(cache).applyTo(code);

    assertThat(result.getDeserializationAllowlist())
        .containsExactly("com.code.*", "com.defaults.*", "com.cache.**");
    assertThat(CacheSettings.empty().applyTo(code).getDeserializationAllowlist()).containsExactly("com.code.*");
    assertThat(code.getDeserializationAllowlist()).containsExactly("com.code.*");
  }

  @Test
  void cacheSectionOverridesDefaults() {
    CacheSettings defaults = settings("expiry", "created 1m", "statistics", "true");
    CacheSettings cache = settings("expiry", "eternal");

    CacheSettings merged = defaults.overriddenBy(cache);
    AsideConfiguration<Object, Object> result = merged.applyTo(new MutableConfiguration<>());

    assertThat(result.getExpiryPolicyFactory().create().getExpiryForCreation()).isEqualTo(Duration.ETERNAL);
    assertThat(result.isStatisticsEnabled()).isTrue();
    assertThat(merged.toString()).isEqualTo("CacheSettings[expiry=eternal, statistics=true]");
  }

  @Test
  void expiryForms() {
    assertThat(expiry("created 250ms")).isEqualTo(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MILLISECONDS, 250)));
    assertThat(expiry("modified 2s").create()).isInstanceOf(ModifiedExpiryPolicy.class);
    assertThat(expiry("modified 2s").create().getExpiryForUpdate()).isEqualTo(new Duration(TimeUnit.SECONDS, 2));
    assertThat(expiry("Accessed   PT1M").create().getExpiryForAccess()).isEqualTo(new Duration(TimeUnit.MINUTES, 1));
    assertThat(expiry("accessed 1d").create()).isInstanceOf(AccessedExpiryPolicy.class);
    assertThat(expiry("touched 1h").create()).isInstanceOf(TouchedExpiryPolicy.class);
    assertThatThrownBy(() -> expiry("created")).hasMessageContaining("not an expiry");
    assertThatThrownBy(() -> expiry("eternal 1s")).hasMessageContaining("not an expiry");
    assertThatThrownBy(() -> expiry("created 0s")).hasMessageContaining("not positive");
    assertThatThrownBy(() -> expiry("created PT0.0001S")).hasMessageContaining("shorter than 1ms");
  }

  private static Factory<ExpiryPolicy> expiry(String text) {
    return settings("expiry", text).applyTo(new MutableConfiguration<>()).getExpiryPolicyFactory();
  }

  @Test
  void loaderAndWriterFactories() {
    AsideConfiguration<Object, Object> result = settings(
        "loader", TestLoaderFactory.class.getName(), "writer", TestWriter.class.getName())
        .applyTo(new MutableConfiguration<>());

    assertThat(result.getCacheLoaderFactory()).isInstanceOf(TestLoaderFactory.class);
    assertThat(result.getCacheLoaderFactory().create()).isInstanceOf(TestLoader.class);
    assertThat(result.getCacheWriterFactory()).isEqualTo(FactoryBuilder.factoryOf(TestWriter.class));

    AsideConfiguration<Object, Object> writerFactory = settings("writer", TestWriterFactory.class.getName())
        .applyTo(new MutableConfiguration<>());
    assertThat(writerFactory.getCacheWriterFactory()).isInstanceOf(TestWriterFactory.class);
  }

  @Test
  void unusableLoaderClassesAreRejected() {
    assertThatThrownBy(() -> settings("loader", TestWriter.class.getName()))
        .hasMessageContaining("neither a CacheLoader nor a Factory");
    assertThatThrownBy(() -> settings("loader", TestWriterFactory.class.getName()))
        .hasMessageContaining("is a Factory of " + TestWriter.class.getName());
    assertThatThrownBy(() -> settings("loader", NoDefaultConstructorLoader.class.getName()))
        .hasMessageContaining("no public no-argument constructor");
    assertThatThrownBy(() -> settings("writer", AbstractWriter.class.getName()))
        .hasMessageContaining("not a public concrete class");
    assertThatThrownBy(() -> settings("writer", "com.acme.NoSuchWriter"))
        .hasMessageContaining("'com.acme.NoSuchWriter' cannot be loaded");
  }

  @Test
  void unknownSettingIsNamed() {
    assertThatThrownBy(() -> settings("ttl", "1m"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown setting 'ttl'")
        .hasMessageContaining("expiry, statistics, management, read-through, write-through, loader, writer,"
            + " key-type, value-type, allow-classes");
  }

  /** A loader set by the code. */
  public static final class CodeLoader implements CacheLoader<String, Integer> {
    @Override
    public Integer load(String key) {
      return 1;
    }

    @Override
    public Map<String, Integer> loadAll(Iterable<? extends String> keys) {
      return Map.of();
    }
  }

  /** A loader named by the file. */
  public static final class TestLoader implements CacheLoader<Object, Object> {
    @Override
    public Object load(Object key) {
      return key;
    }

    @Override
    public Map<Object, Object> loadAll(Iterable<?> keys) {
      return Map.of();
    }
  }

  /** A factory of loaders named by the file. */
  public static final class TestLoaderFactory implements Factory<CacheLoader<Object, Object>> {
    private static final long serialVersionUID = 1L;

    @Override
    public CacheLoader<Object, Object> create() {
      return new TestLoader();
    }
  }

  /** A writer that writes nowhere. */
  public static class TestWriter implements CacheWriter<Object, Object> {
    @Override
    public void write(javax.cache.Cache.Entry<?, ?> entry) {}

    @Override
    public void writeAll(java.util.Collection<javax.cache.Cache.Entry<?, ?>> entries) {}

    @Override
    public void delete(Object key) {}

    @Override
    public void deleteAll(java.util.Collection<?> keys) {}
  }

  /** A factory of writers. */
  public static final class TestWriterFactory implements Factory<TestWriter> {
    private static final long serialVersionUID = 1L;

    @Override
    public TestWriter create() {
      return new TestWriter();
    }
  }

  /** A writer that cannot be instantiated. */
  public abstract static class AbstractWriter extends TestWriter {}

  /** A loader without a no-argument constructor. */
  public static final class NoDefaultConstructorLoader implements CacheLoader<Object, Object> {
    public NoDefaultConstructorLoader(String unused) {}

    @Override
    public Object load(Object key) {
      return key;
    }

    @Override
    public Map<Object, Object> loadAll(Iterable<?> keys) {
      return Map.of();
    }
  }

  /** A listener for the code's configuration. */
  public static final class CreatedListener implements CacheEntryCreatedListener<String, Integer> {
    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends Integer>> events) {}
  }
}
