/**
 * JMX management for Aside caches: the {@code CacheStatisticsMXBean} counters a cache records
 * into ({@link dev.aside.management.CacheStatistics}), the {@code CacheMXBean} view of a cache's
 * live configuration ({@link dev.aside.management.CacheConfigurationMXBean}), and the
 * registration of both on the platform {@code MBeanServer} under the object names the JCache
 * specification prescribes ({@link dev.aside.management.MBeanRegistrar}). Statistics are local
 * to this JVM: they count the operations this process performed, not those of other clients of
 * the same Redis keyspace.
 */
package dev.aside.management;
