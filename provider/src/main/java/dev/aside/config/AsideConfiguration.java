package dev.aside.config;

import java.util.List;
import java.util.Objects;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.MutableConfiguration;

/**
 * The programmatic configuration of an Aside cache: a {@link MutableConfiguration} plus Aside's own
 * settings.
 *
 * <p>Aside settings and their defaults:
 * <ul>
 *   <li>{@link #getDeserializationAllowlist() deserialization allowlist}: extra
 *       {@link java.io.ObjectInputFilter} patterns ({@code com.acme.Dto}, {@code com.acme.dto.*},
 *       {@code com.acme.**}) of classes that may be deserialized from this cache's values, on top of
 *       Aside's JDK defaults, the declared key and value types and the connection URI's
 *       {@code allow} option. Default: empty.
 * </ul>
 *
 * <p>The fluent setters inherited from {@link MutableConfiguration} return the same instance typed
 * as {@code MutableConfiguration}.
 *
 * @param <K> the type of keys
 * @param <V> the type of values
 */
public class AsideConfiguration<K, V> extends MutableConfiguration<K, V> {
  private static final long serialVersionUID = 1L;

  /* Always an unmodifiable List.copyOf, hence serializable and safe to hand out. */
  private List<String> deserializationAllowlist = List.of();

  /** A configuration with the JCache defaults and Aside's defaults. */
  public AsideConfiguration() {}

  /**
   * A copy of {@code other}; if it is an {@code AsideConfiguration}, its Aside settings are copied
   * too, else they take their defaults.
   */
  public AsideConfiguration(CompleteConfiguration<K, V> other) {
    super(Objects.requireNonNull(other));
    if (other instanceof AsideConfiguration<?, ?> aside) {
      this.deserializationAllowlist = aside.deserializationAllowlist;
    }
  }

  /** Extra deserialization allowlist patterns of this cache; default empty. */
  public List<String> getDeserializationAllowlist() {
    return deserializationAllowlist;
  }

  /**
   * Sets the extra deserialization allowlist patterns of this cache, replacing any set before.
   *
   * @throws IllegalArgumentException if a pattern is empty, a rejection ({@code !}), a limit
   *     ({@code maxdepth=}), holds a {@code ;} or would allow every class
   */
  public AsideConfiguration<K, V> setDeserializationAllowlist(List<String> patterns) {
    Objects.requireNonNull(patterns);
    patterns.forEach(Objects::requireNonNull);
    this.deserializationAllowlist =
        patterns.isEmpty() ? List.of() : SettingValues.allowlist(String.join(",", patterns));
    return this;
  }

  @Override
  public boolean equals(Object object) {
    return object instanceof AsideConfiguration<?, ?> other
        && super.equals(other)
        && deserializationAllowlist.equals(other.deserializationAllowlist);
  }

  @Override
  public int hashCode() {
    return 31 * super.hashCode() + deserializationAllowlist.hashCode();
  }
}
