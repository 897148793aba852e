package dev.aside.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;

/** Tests the configuration view exposed over JMX. */
class CacheConfigurationMXBeanTest {

  @Test
  void reportsConfiguration() {
    MutableConfiguration<Long, String> configuration = new MutableConfiguration<Long, String>()
        .setTypes(Long.class, String.class)
        .setStoreByValue(false)
        .setStatisticsEnabled(true);
    CacheConfigurationMXBean bean = new CacheConfigurationMXBean(() -> configuration);

    assertThat(bean.getKeyType()).isEqualTo("java.lang.Long");
    assertThat(bean.getValueType()).isEqualTo("java.lang.String");
    assertThat(bean.isReadThrough()).isFalse();
    assertThat(bean.isWriteThrough()).isFalse();
    assertThat(bean.isStoreByValue()).isFalse();
    assertThat(bean.isStatisticsEnabled()).isTrue();
    assertThat(bean.isManagementEnabled()).isFalse();
  }

  @Test
  void followsTheLiveConfiguration() {
    MutableConfiguration<Object, Object> configuration = new MutableConfiguration<>();
    CacheConfigurationMXBean bean = new CacheConfigurationMXBean(() -> configuration);
    assertThat(bean.getKeyType()).isEqualTo("java.lang.Object");
    assertThat(bean.isManagementEnabled()).isFalse();

    configuration.setManagementEnabled(true).setReadThrough(true).setWriteThrough(true);

    assertThat(bean.isManagementEnabled()).isTrue();
    assertThat(bean.isReadThrough()).isTrue();
    assertThat(bean.isWriteThrough()).isTrue();
  }

  @Test
  void requiresSupplier() {
    assertThatThrownBy(() -> new CacheConfigurationMXBean(null))
        .isInstanceOf(NullPointerException.class);
  }
}
