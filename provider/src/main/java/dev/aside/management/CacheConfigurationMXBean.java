package dev.aside.management;

import java.util.Objects;
import java.util.function.Supplier;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.management.CacheMXBean;

/** The {@link CacheMXBean} of one cache: a read-only view of its live configuration. */
public final class CacheConfigurationMXBean implements CacheMXBean {

  /*
   * The supplier is asked on every attribute read, so the bean always reflects the cache's
   * current configuration (statistics or management toggled at runtime, for example) and never
   * holds a stale copy.
   */
  private final Supplier<? extends CompleteConfiguration<?, ?>> configuration;

  /**
   * Creates the bean.
   *
   * @param configuration supplies the cache's current configuration on each call
   */
  public CacheConfigurationMXBean(Supplier<? extends CompleteConfiguration<?, ?>> configuration) {
    this.configuration = Objects.requireNonNull(configuration, "configuration");
  }

  @Override
  public String getKeyType() {
    return current().getKeyType().getName();
  }

  @Override
  public String getValueType() {
    return current().getValueType().getName();
  }

  @Override
  public boolean isReadThrough() {
    return current().isReadThrough();
  }

  @Override
  public boolean isWriteThrough() {
    return current().isWriteThrough();
  }

  @Override
  public boolean isStoreByValue() {
    return current().isStoreByValue();
  }

  @Override
  public boolean isStatisticsEnabled() {
    return current().isStatisticsEnabled();
  }

  @Override
  public boolean isManagementEnabled() {
    return current().isManagementEnabled();
  }

  private CompleteConfiguration<?, ?> current() {
    return Objects.requireNonNull(configuration.get(), "configuration supplier returned null");
  }
}
