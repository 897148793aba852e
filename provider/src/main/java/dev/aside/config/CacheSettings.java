package dev.aside.config;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.BinaryOperator;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.Factory;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;
import javax.cache.expiry.TouchedExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;

/**
 * An immutable set of optional per-cache settings read from a {@link ConfigFile}.
 *
 * <p>Precedence: a configuration file is deployment configuration, so a setting present in the file
 * wins over the value the code configured, and a setting absent from the file keeps the code's
 * value. Within a file, a {@code cache.<name>.<setting>} entry wins over {@code default.<setting>}.
 * The one exception is {@code allow-classes}: deserialization allowlists only ever add up, so the
 * code's patterns, the defaults' and the cache's are all kept.
 *
 * <p>Settings: {@code expiry} ({@code eternal}, {@code created|modified|accessed|touched <duration>}),
 * {@code statistics}, {@code management}, {@code read-through}, {@code write-through} (booleans),
 * {@code loader} and {@code writer} (class name of a {@code CacheLoader}/{@code CacheWriter} with a
 * public no-argument constructor, or of a {@code Factory} of one), {@code key-type} and
 * {@code value-type} (class names) and {@code allow-classes} (comma-separated allowlist patterns);
 * the read path's {@code coalescing} (boolean), {@code lease-ttl}, {@code lease-wait} and
 * {@code negative-ttl} (durations, {@code 0} for off), {@code ttl-jitter} ({@code 0.1} or {@code 10%})
 * and {@code refresh-ahead-beta} (a number, {@code 0} for off); failure handling's
 * {@code write-failures} ({@code throw} or {@code log}) and {@code max-value-size} ({@code 512k},
 * {@code 16m} or bytes); the near cache's {@code near-cache-max-entries} ({@code 0} for off) and
 * {@code near-cache-lifetime} and {@code near-cache-max-bytes} ({@code 64m}, {@code 1g}, {@code 0} for 5% of
 * the heap); the key namespace's {@code version} ({@code 2}, {@code 2026-12}; letters, digits,
 * {@code . _ -}); the gutter's {@code outage-ttl} ({@code 0} for off), {@code outage-max-bytes}
 * ({@code 16m}, {@code 0} for 5% of the heap) and {@code outage-max-entries} ({@code 0} for none);
 * replication's {@code invalidation-replicas} ({@code 0} for off). See
 * {@link AsideConfiguration}.
 */
public final class CacheSettings {
  private static final String EXPIRY_FORMS = "expected eternal, created <duration>,"
      + " modified <duration>, accessed <duration> or touched <duration>";

  /* The settings a file may hold, in the order they are applied. Adding a setting is one entry here
   * (plus its property on AsideConfiguration). */
  private static final Map<String, Setting<?>> SETTINGS = table(
      Setting.of("expiry", CacheSettings::expiry, MutableConfiguration::setExpiryPolicyFactory),
      Setting.of("statistics", bool(), MutableConfiguration::setStatisticsEnabled),
      Setting.of("management", bool(), MutableConfiguration::setManagementEnabled),
      Setting.of("read-through", bool(), MutableConfiguration::setReadThrough),
      Setting.of("write-through", bool(), MutableConfiguration::setWriteThrough),
      Setting.of("loader", (text, loader) -> factory(text, loader, CacheLoader.class),
          (AsideConfiguration<Object, Object> c, Factory<CacheLoader<Object, Object>> f) ->
              c.setCacheLoaderFactory(f)),
      Setting.of("writer", (text, loader) -> factory(text, loader, CacheWriter.class),
          (AsideConfiguration<Object, Object> c, Factory<CacheWriter<Object, Object>> f) ->
              c.setCacheWriterFactory(f)),
      Setting.of("key-type", CacheSettings::type, (c, type) -> c.setTypes(type, c.getValueType())),
      Setting.of("value-type", CacheSettings::type, (c, type) -> c.setTypes(c.getKeyType(), type)),
      new Setting<>("allow-classes", (text, loader) -> SettingValues.allowlist(text),
          CacheSettings::union,
          (c, patterns) -> c.setDeserializationAllowlist(union(c.getDeserializationAllowlist(), patterns))),
      Setting.of("coalescing", bool(), AsideConfiguration::setCoalescing),
      Setting.of("lease-ttl", (text, loader) -> SettingValues.durationOrZero(text), AsideConfiguration::setLeaseTtl),
      Setting.of("lease-wait", (text, loader) -> SettingValues.durationOrZero(text), AsideConfiguration::setLeaseWait),
      Setting.of("ttl-jitter", (text, loader) -> SettingValues.fraction(text), AsideConfiguration::setTtlJitter),
      Setting.of("negative-ttl", (text, loader) -> SettingValues.durationOrZero(text),
          AsideConfiguration::setNegativeTtl),
      Setting.of("refresh-ahead-beta", (text, loader) -> SettingValues.number(text, 0, 100),
          AsideConfiguration::setRefreshAheadBeta),
      Setting.of("write-failures", (text, loader) -> SettingValues.writeFailures(text),
          AsideConfiguration::setWriteFailures),
      Setting.of("max-value-size", (text, loader) -> SettingValues.size(text), AsideConfiguration::setMaxValueBytes),
      Setting.of("near-cache-max-entries", (text, loader) -> (long) SettingValues.number(text, 0, 1e9),
          AsideConfiguration::setNearCacheMaxEntries),
      Setting.of("near-cache-lifetime", (text, loader) -> SettingValues.duration(text),
          AsideConfiguration::setNearCacheLifetime),
      Setting.of("version", (text, loader) -> SettingValues.version(text), AsideConfiguration::setVersion),
      Setting.of("near-cache-max-bytes", (text, loader) -> SettingValues.byteCount(text),
          AsideConfiguration::setNearCacheMaxBytes),
      Setting.of("outage-ttl", (text, loader) -> SettingValues.durationOrZero(text), AsideConfiguration::setOutageTtl),
      Setting.of("outage-max-entries", (text, loader) -> (long) SettingValues.number(text, 0, 1e9),
          AsideConfiguration::setOutageMaxEntries),
      Setting.of("outage-max-bytes", (text, loader) -> SettingValues.byteCount(text),
          AsideConfiguration::setOutageMaxBytes),
      Setting.of("invalidation-replicas", (text, loader) -> SettingValues.wholeNumber(text, 0, 100),
          AsideConfiguration::setInvalidationReplicas));

  private static final CacheSettings EMPTY = new CacheSettings(Map.of());

  /* Setting name -> parsed value and the text it was parsed from; only settings present. */
  private final Map<String, Value> values;

  private CacheSettings(Map<String, Value> values) {
    this.values = Map.copyOf(Objects.requireNonNull(values));
  }

  /** No settings: {@link #applyTo} then just copies the code's configuration. */
  public static CacheSettings empty() {
    return EMPTY;
  }

  /** Whether no setting is present. */
  public boolean isEmpty() {
    return values.isEmpty();
  }

  /**
   * A new configuration copying {@code base}, then overriding it with every setting present here.
   * A {@link CompleteConfiguration} is copied whole (types, listeners, factories, flags, and Aside
   * settings of an {@link AsideConfiguration}); any other {@link Configuration} gives its types and
   * store-by-value flag. {@code base} itself is never modified.
   */
  public <K, V> AsideConfiguration<K, V> applyTo(Configuration<K, V> base) {
    Objects.requireNonNull(base);
    AsideConfiguration<K, V> result;
    if (base instanceof CompleteConfiguration<K, V> complete) {
      result = new AsideConfiguration<>(complete);
    } else {
      result = new AsideConfiguration<>();
      result.setTypes(base.getKeyType(), base.getValueType());
      result.setStoreByValue(base.isStoreByValue());
    }
    @SuppressWarnings("unchecked")
    AsideConfiguration<Object, Object> target = (AsideConfiguration<Object, Object>) result;
    for (Setting<?> setting : SETTINGS.values()) {
      Value value = values.get(setting.name);
      if (value != null) {
        setting.apply(target, value.parsed);
      }
    }
    return result;
  }

  /** The settings present, as {@code name=text} in application order. */
  @Override
  public String toString() {
    StringJoiner text = new StringJoiner(", ", "CacheSettings[", "]");
    for (String name : SETTINGS.keySet()) {
      Value value = values.get(name);
      if (value != null) {
        text.add(name + "=" + value.text);
      }
    }
    return text.toString();
  }

  /** The known setting names, in application order. */
  static String settingNames() {
    return String.join(", ", SETTINGS.keySet());
  }

  /** Collects the settings of one section of a file. */
  static final class Builder {
    private final ClassLoader loader;
    private final Map<String, Value> values = new HashMap<>();

    Builder(ClassLoader loader) {
      this.loader = Objects.requireNonNull(loader);
    }

    /**
     * Parses and adds setting {@code name}.
     *
     * @throws IllegalArgumentException if the setting is unknown or saying what is wrong with the value
     */
    Builder put(String name, String text) {
      Setting<?> setting = SETTINGS.get(name);
      if (setting == null) {
        throw new IllegalArgumentException("unknown setting '" + name + "'; known settings: " + settingNames());
      }
      values.put(name, new Value(setting.parser.apply(text, loader), text.trim()));
      return this;
    }

    CacheSettings build() {
      return values.isEmpty() ? EMPTY : new CacheSettings(values);
    }
  }

  /** These settings (the defaults) overridden, setting by setting, by {@code overrides}. */
  CacheSettings overriddenBy(CacheSettings overrides) {
    if (overrides.isEmpty()) {
      return this;
    }
    Map<String, Value> merged = new HashMap<>(values);
    overrides.values.forEach((name, value) ->
        merged.merge(name, value, (lower, higher) -> SETTINGS.get(name).merge(lower, higher)));
    return new CacheSettings(merged);
  }

  private static Factory<ExpiryPolicy> expiry(String text, ClassLoader loader) {
    String[] words = text.trim().split("\\s+");
    String kind = words[0].toLowerCase(Locale.ROOT);
    if (words.length == 1 && kind.equals("eternal")) {
      return EternalExpiryPolicy.factoryOf();
    }
    if (words.length != 2 || !List.of("created", "modified", "accessed", "touched").contains(kind)) {
      throw new IllegalArgumentException("'" + text.trim() + "' is not an expiry: " + EXPIRY_FORMS);
    }
    java.time.Duration duration = SettingValues.duration(words[1]);
    if (duration.toMillis() < 1) {
      throw new IllegalArgumentException("'" + words[1] + "' is shorter than 1ms");
    }
    Duration ttl = new Duration(TimeUnit.MILLISECONDS, duration.toMillis());
    switch (kind) {
      case "created":
        return CreatedExpiryPolicy.factoryOf(ttl);
      case "modified":
        return ModifiedExpiryPolicy.factoryOf(ttl);
      case "accessed":
        return AccessedExpiryPolicy.factoryOf(ttl);
      case "touched":
        return TouchedExpiryPolicy.factoryOf(ttl);
      default:
        throw new IllegalArgumentException("'" + text.trim() + "' is not an expiry: " + EXPIRY_FORMS);
    }
  }

  private static BiFunction<String, ClassLoader, Boolean> bool() {
    return (text, loader) -> SettingValues.bool(text);
  }

  @SuppressWarnings("unchecked")
  private static Class<Object> type(String text, ClassLoader loader) {
    return (Class<Object>) SettingValues.loadClass(text, loader);
  }

  /**
   * A factory of {@code product} from the name of a {@code product} class (a
   * {@link FactoryBuilder#factoryOf(Class)}) or of a {@link Factory} class (an instance of it).
   */
  @SuppressWarnings("unchecked")
  private static <T> Factory<T> factory(String text, ClassLoader loader, Class<?> product) {
    Class<?> type = SettingValues.loadClass(text, loader);
    if (product.isAssignableFrom(type)) {
      SettingValues.requireInstantiable(type);
      return FactoryBuilder.factoryOf((Class<T>) type);
    }
    if (!Factory.class.isAssignableFrom(type)) {
      throw new IllegalArgumentException("class '" + type.getName() + "' is neither a "
          + product.getSimpleName() + " nor a Factory of one");
    }
    SettingValues.requireInstantiable(type);
    Type made = factoryProduct(type);
    if (made instanceof Class<?> madeClass && !product.isAssignableFrom(madeClass)) {
      throw new IllegalArgumentException("class '" + type.getName() + "' is a Factory of "
          + madeClass.getName() + ", not of a " + product.getSimpleName());
    }
    try {
      return (Factory<T>) type.getConstructor().newInstance();
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IllegalArgumentException("class '" + type.getName() + "' cannot be instantiated: " + cause);
    }
  }

  /* The raw type argument T of Factory<T> as declared directly by 'type' or a superclass; null when
   * it is not declared that plainly (then the product is checked when the cache creates it). */
  private static Type factoryProduct(Class<?> type) {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      for (Type implemented : c.getGenericInterfaces()) {
        if (implemented instanceof ParameterizedType parameterized
            && parameterized.getRawType() == Factory.class) {
          Type argument = parameterized.getActualTypeArguments()[0];
          return argument instanceof ParameterizedType p ? p.getRawType() : argument;
        }
      }
    }
    return null;
  }

  private static List<String> union(List<String> first, List<String> second) {
    LinkedHashSet<String> all = new LinkedHashSet<>(first);
    all.addAll(second);
    return List.copyOf(all);
  }

  private static Map<String, Setting<?>> table(Setting<?>... settings) {
    Map<String, Setting<?>> table = new LinkedHashMap<>();
    for (Setting<?> setting : settings) {
      table.put(setting.name, setting);
    }
    return table;
  }

  /** A parsed setting value with the text it came from. */
  private record Value(Object parsed, String text) {}

  /** One file setting: how its text is parsed, how two values merge and how it is applied. */
  private static final class Setting<T> {
    final String name;
    final BiFunction<String, ClassLoader, T> parser;
    /* (lower precedence, higher precedence) -> effective; "the higher wins" unless accumulating. */
    final BinaryOperator<T> merger;
    final BiConsumer<AsideConfiguration<Object, Object>, T> applier;

    Setting(String name, BiFunction<String, ClassLoader, T> parser, BinaryOperator<T> merger,
        BiConsumer<AsideConfiguration<Object, Object>, T> applier) {
      this.name = Objects.requireNonNull(name);
      this.parser = Objects.requireNonNull(parser);
      this.merger = Objects.requireNonNull(merger);
      this.applier = Objects.requireNonNull(applier);
    }

    static <T> Setting<T> of(String name, BiFunction<String, ClassLoader, T> parser,
        BiConsumer<AsideConfiguration<Object, Object>, T> applier) {
      return new Setting<>(name, parser, (lower, higher) -> higher, applier);
    }

    @SuppressWarnings("unchecked")
    void apply(AsideConfiguration<Object, Object> target, Object value) {
      applier.accept(target, (T) value);
    }

    @SuppressWarnings("unchecked")
    Value merge(Value lower, Value higher) {
      T merged = merger.apply((T) lower.parsed, (T) higher.parsed);
      String text = merged == higher.parsed ? higher.text : lower.text + "," + higher.text;
      return new Value(merged, text);
    }
  }
}
