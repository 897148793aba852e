package dev.aside.management;

import java.lang.management.ManagementFactory;
import java.util.Objects;
import javax.cache.CacheException;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers and unregisters a cache's MBeans on the platform {@link MBeanServer}.
 *
 * <p>Object names follow the JCache specification:
 * {@code javax.cache:type=<kind>,CacheManager=<uri>,Cache=<name>}, where every {@code :},
 * {@code =}, {@code ,} and newline in the URI and the cache name is replaced by {@code .}.
 *
 * <p><b>The cache manager URI is published as is.</b> Callers must pass it through
 * {@link dev.aside.config.RedactedUri}, because every JMX client can read object names.
 */
public final class MBeanRegistrar {

  private static final Logger LOG = LoggerFactory.getLogger(MBeanRegistrar.class);

  private static final String DOMAIN = "javax.cache";

  /** The MBeans a cache may expose, each with the {@code type} key of its object name. */
  public enum MBeanKind {
    /** The {@link javax.cache.management.CacheStatisticsMXBean}. */
    STATISTICS("CacheStatistics"),
    /** The {@link javax.cache.management.CacheMXBean}. */
    CONFIGURATION("CacheConfiguration"),
    /** Aside's {@link ReadPathMetricsMXBean}, in its own domain so JCache tooling counts only its own. */
    READ_PATH("dev.aside", "ReadPath"),
    /** Aside's manager-wide {@code ResilienceMetricsMXBean}; registered with an empty cache name. */
    RESILIENCE("dev.aside", "Resilience"),
    /** Aside's {@code NearCacheMetricsMXBean}, for caches with a near cache. */
    NEAR_CACHE("dev.aside", "NearCache");

    private final String domain;
    private final String type;

    MBeanKind(String type) {
      this(DOMAIN, type);
    }

    MBeanKind(String domain, String type) {
      this.domain = domain;
      this.type = type;
    }

    /**
     * Returns the value of the {@code type} key in this kind's object names.
     *
     * @return the object name type, e.g. {@code CacheStatistics}
     */
    public String type() {
      return type;
    }
  }

  private MBeanRegistrar() {
    throw new AssertionError("not instantiable");
  }

  /**
   * Registers {@code mbean} under the name of {@code kind} for the given cache; does nothing if
   * that name is already registered (by this or any earlier bean: callers unregister on close).
   *
   * @param mbean the MBean or MXBean to register
   * @param kind which of the cache's beans this is
   * @param cacheManagerUri the cache manager URI, already free of credentials
   * @param cacheName the cache name
   * @throws CacheException if JMX refuses the registration
   */
  public static void register(Object mbean, MBeanKind kind, String cacheManagerUri,
      String cacheName) {
    Objects.requireNonNull(mbean, "mbean");
    ObjectName name = objectName(kind, cacheManagerUri, cacheName);
    MBeanServer server = server();
    if (server.isRegistered(name)) {
      return;
    }
    try {
      server.registerMBean(mbean, name);
      LOG.debug("Registered MBean {}", name);
    } catch (InstanceAlreadyExistsException e) {
      /* Lost a race with a concurrent registration of the same name: same outcome. */
      LOG.debug("MBean {} was registered concurrently", name);
    } catch (JMException | RuntimeException e) {
      throw new CacheException("Could not register MBean " + name + ": " + e.getMessage(), e);
    }
  }

  /**
   * Unregisters the bean of {@code kind} for the given cache; does nothing if none is registered.
   *
   * @param kind which of the cache's beans to remove
   * @param cacheManagerUri the cache manager URI, already free of credentials
   * @param cacheName the cache name
   * @throws CacheException if JMX refuses the unregistration
   */
  public static void unregister(MBeanKind kind, String cacheManagerUri, String cacheName) {
    ObjectName name = objectName(kind, cacheManagerUri, cacheName);
    MBeanServer server = server();
    if (!server.isRegistered(name)) {
      return;
    }
    try {
      server.unregisterMBean(name);
      LOG.debug("Unregistered MBean {}", name);
    } catch (InstanceNotFoundException e) {
      /* Lost a race with a concurrent unregistration: same outcome. */
      LOG.debug("MBean {} was unregistered concurrently", name);
    } catch (JMException | RuntimeException e) {
      throw new CacheException("Could not unregister MBean " + name + ": " + e.getMessage(), e);
    }
  }

  /**
   * Tells whether the bean of {@code kind} for the given cache is registered.
   *
   * @param kind which of the cache's beans
   * @param cacheManagerUri the cache manager URI, already free of credentials
   * @param cacheName the cache name
   * @return true if an MBean is registered under that name
   */
  public static boolean isRegistered(MBeanKind kind, String cacheManagerUri, String cacheName) {
    return server().isRegistered(objectName(kind, cacheManagerUri, cacheName));
  }

  /**
   * Computes the object name of a cache's bean.
   *
   * @param kind which of the cache's beans
   * @param cacheManagerUri the cache manager URI, already free of credentials
   * @param cacheName the cache name
   * @return {@code javax.cache:type=<kind>,CacheManager=<uri>,Cache=<name>}
   * @throws CacheException if no valid object name can be formed
   */
  public static ObjectName objectName(MBeanKind kind, String cacheManagerUri, String cacheName) {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(cacheManagerUri, "cacheManagerUri");
    Objects.requireNonNull(cacheName, "cacheName");
    String name = kind.domain + ":type=" + kind.type()
        + ",CacheManager=" + safeValue(cacheManagerUri)
        + (cacheName.isEmpty() ? "" : ",Cache=" + safeValue(cacheName));
    try {
      return new ObjectName(name);
    } catch (MalformedObjectNameException e) {
      throw new CacheException("Invalid MBean name " + name + ": " + e.getMessage(), e);
    }
  }

  /*
   * The specification's rule (the TCK computes names the same way) only replaces the characters
   * that separate keys and values. A value that still holds a character ObjectName forbids in
   * unquoted values (" * ?) would become a pattern or be rejected, so it is quoted instead; such
   * names cannot match the specification's form anyway.
   */
  private static String safeValue(String value) {
    String replaced = value.replaceAll("[:=,\n]", ".");
    if (replaced.indexOf('"') >= 0 || replaced.indexOf('*') >= 0 || replaced.indexOf('?') >= 0) {
      return ObjectName.quote(replaced);
    }
    return replaced;
  }

  private static MBeanServer server() {
    return ManagementFactory.getPlatformMBeanServer();
  }
}
