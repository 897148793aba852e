package dev.aside.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aside.management.MBeanRegistrar.MBeanKind;
import java.lang.management.ManagementFactory;
import java.util.Set;
import java.util.UUID;
import javax.cache.CacheException;
import javax.cache.configuration.MutableConfiguration;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Tests object names and registration on the platform MBean server. */
class MBeanRegistrarTest {

  private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

  /* A manager URI unique to this test instance, so tests never see each other's beans. */
  private final String uri = "redis://localhost:6379/" + UUID.randomUUID();

  @AfterEach
  void unregisterAll() throws Exception {
    for (ObjectName name : ours()) {
      server.unregisterMBean(name);
    }
  }

  @Test
  void objectNameFollowsTheSpecification() throws Exception {
    ObjectName name = MBeanRegistrar.objectName(MBeanKind.STATISTICS, "redis://h:6379/0", "c");
    assertThat(name).isEqualTo(
        new ObjectName("javax.cache:type=CacheStatistics,CacheManager=redis.//h.6379/0,Cache=c"));
    assertThat(MBeanRegistrar.objectName(MBeanKind.CONFIGURATION, "u", "c").getKeyProperty("type"))
        .isEqualTo("CacheConfiguration");
  }

  @Test
  void sanitisesSeparatorsInUriAndName() {
    ObjectName name =
        MBeanRegistrar.objectName(MBeanKind.STATISTICS, "a:b=c,d\ne", "x:y=z,w\nv");
    assertThat(name.getKeyProperty("CacheManager")).isEqualTo("a.b.c.d.e");
    assertThat(name.getKeyProperty("Cache")).isEqualTo("x.y.z.w.v");
    assertThat(name.isPattern()).isFalse();
  }

  @Test
  void quotesNamesThatWouldOtherwiseBePatterns() throws Exception {
    ObjectName name = MBeanRegistrar.objectName(MBeanKind.STATISTICS, uri, "what*ever?\"x\"");
    assertThat(name.isPattern()).isFalse();
    assertThat(ObjectName.unquote(name.getKeyProperty("Cache"))).isEqualTo("what*ever?\"x\"");

    MBeanRegistrar.register(new CacheStatistics(), MBeanKind.STATISTICS, uri, "what*ever?\"x\"");
    assertThat(MBeanRegistrar.isRegistered(MBeanKind.STATISTICS, uri, "what*ever?\"x\"")).isTrue();
  }

  @Test
  void registersAndUnregisters() throws Exception {
    assertThat(ours()).isEmpty();
    int before = all().size();

    MBeanRegistrar.register(new CacheStatistics(), MBeanKind.STATISTICS, uri, "new cache");
    MBeanRegistrar.register(new CacheConfigurationMXBean(MutableConfiguration::new),
        MBeanKind.CONFIGURATION, uri, "new cache");

    assertThat(ours()).containsExactlyInAnyOrder(
        MBeanRegistrar.objectName(MBeanKind.STATISTICS, uri, "new cache"),
        MBeanRegistrar.objectName(MBeanKind.CONFIGURATION, uri, "new cache"));
    assertThat(all()).hasSize(before + 2);
    assertThat(MBeanRegistrar.isRegistered(MBeanKind.STATISTICS, uri, "new cache")).isTrue();

    MBeanRegistrar.unregister(MBeanKind.STATISTICS, uri, "new cache");
    assertThat(ours()).containsExactly(
        MBeanRegistrar.objectName(MBeanKind.CONFIGURATION, uri, "new cache"));
    assertThat(MBeanRegistrar.isRegistered(MBeanKind.STATISTICS, uri, "new cache")).isFalse();

    MBeanRegistrar.unregister(MBeanKind.CONFIGURATION, uri, "new cache");
    assertThat(ours()).isEmpty();
    assertThat(all()).hasSize(before);
  }

  @Test
  void registeringTwiceIsANoOp() throws Exception {
    CacheStatistics first = new CacheStatistics();
    first.recordHits(7);
    MBeanRegistrar.register(first, MBeanKind.STATISTICS, uri, "c");
    MBeanRegistrar.register(new CacheStatistics(), MBeanKind.STATISTICS, uri, "c");

    assertThat(ours()).hasSize(1);
    ObjectName name = MBeanRegistrar.objectName(MBeanKind.STATISTICS, uri, "c");
    assertThat(server.getAttribute(name, "CacheHits")).isEqualTo(7L);
  }

  @Test
  void unregisteringAnAbsentBeanIsANoOp() throws Exception {
    MBeanRegistrar.unregister(MBeanKind.STATISTICS, uri, "never registered");
    assertThat(ours()).isEmpty();
  }

  @Test
  void exposesAttributesAndClearThroughJmx() throws Exception {
    CacheStatistics statistics = new CacheStatistics();
    statistics.recordHits(3);
    statistics.recordMisses(1);
    MBeanRegistrar.register(statistics, MBeanKind.STATISTICS, uri, "c");
    MBeanRegistrar.register(new CacheConfigurationMXBean(
            () -> new MutableConfiguration<Long, String>().setTypes(Long.class, String.class)),
        MBeanKind.CONFIGURATION, uri, "c");
    ObjectName statisticsName = MBeanRegistrar.objectName(MBeanKind.STATISTICS, uri, "c");
    ObjectName configurationName = MBeanRegistrar.objectName(MBeanKind.CONFIGURATION, uri, "c");

    assertThat(server.getAttribute(statisticsName, "CacheGets")).isEqualTo(4L);
    assertThat(server.getAttribute(statisticsName, "CacheHitPercentage")).isEqualTo(75.0f);
    assertThat(server.getAttribute(configurationName, "KeyType")).isEqualTo("java.lang.Long");
    assertThat(server.getAttribute(configurationName, "StoreByValue")).isEqualTo(true);

    server.invoke(statisticsName, "clear", null, null);
    assertThat(server.getAttribute(statisticsName, "CacheHits")).isEqualTo(0L);
    assertThat(statistics.getCacheGets()).isZero();
  }

  @Test
  void jmxFailuresBecomeCacheExceptions() {
    assertThatThrownBy(
        () -> MBeanRegistrar.register(new Object(), MBeanKind.STATISTICS, uri, "c"))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("Could not register MBean");
    assertThat(ours()).isEmpty();
  }

  /* What the TCK queries. */
  private Set<ObjectName> all() throws Exception {
    return server.queryNames(new ObjectName("javax.cache:*"), null);
  }

  private Set<ObjectName> ours() {
    try {
      return server.queryNames(
          new ObjectName("javax.cache:*,CacheManager=" + uri.replace(':', '.')), null);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
