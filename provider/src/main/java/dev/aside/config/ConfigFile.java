package dev.aside.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Aside configuration file: Java properties (UTF-8) naming the Redis connection and the settings
 * of caches.
 *
 * <pre>
 * # Redis connection, in any form ConnectionSettings accepts; required.
 * uri = redis://app:${REDIS_PASSWORD}@redis.internal:6379/0?prefix=shop&amp;timeout=250ms
 *
 * # Settings of every cache.
 * default.expiry = created 10m
 * default.statistics = true
 *
 * # Settings of one cache, overriding the defaults; the name may hold dots, the setting is the
 * # part after the last dot.
 * cache.com.acme.User.expiry = accessed 1h
 * cache.com.acme.User.value-type = com.acme.User
 * </pre>
 *
 * <p>Keys: {@code uri}, {@code default.<setting>} and {@code cache.<cacheName>.<setting>}, with the
 * settings of {@link CacheSettings}. In every value, {@code ${name}} is replaced by the system
 * property {@code name}, else the environment variable {@code name}; {@code ${name:fallback}} uses
 * {@code fallback} when neither is set. A placeholder inside the {@code uri} is inserted as is, so a
 * password holding reserved characters must be percent-encoded. Unknown keys and settings, repeated
 * keys, bad values and classes that do not load are rejected with an
 * {@link IllegalArgumentException} naming the file and the key.
 *
 * <p>Files are read from {@code file:}, {@code classpath:} (resource name after the scheme, leading
 * {@code /} optional, through the cache manager's class loader) and {@code jar:} URIs.
 */
public final class ConfigFile {
  private static final Logger logger = LoggerFactory.getLogger(ConfigFile.class);

  private static final String URI_KEY = "uri";
  private static final String DEFAULT_SECTION = "default.";
  private static final String CACHE_SECTION = "cache.";
  private static final Set<String> SCHEMES = Set.of("file", "classpath", "jar");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}:]*)(?::([^}]*))?}");
  private static final Pattern PLACEHOLDER_NAME = Pattern.compile("[A-Za-z0-9_.-]+");

  private final URI location;
  private final ConnectionSettings connection;
  private final CacheSettings defaults;
  /* Cache name -> its own section merged over the defaults; sorted for stable output. */
  private final Map<String, CacheSettings> caches;

  private ConfigFile(URI location, ConnectionSettings connection, CacheSettings defaults,
      Map<String, CacheSettings> caches) {
    this.location = Objects.requireNonNull(location);
    this.connection = Objects.requireNonNull(connection);
    this.defaults = Objects.requireNonNull(defaults);
    this.caches = Collections.unmodifiableMap(new TreeMap<>(caches));
  }

  /** Whether {@code uri} names a configuration file rather than a Redis server. */
  public static boolean isConfigFile(URI uri) {
    return uri != null && uri.getScheme() != null
        && SCHEMES.contains(uri.getScheme().toLowerCase(Locale.ROOT));
  }

  /**
   * Reads and validates the configuration file at {@code location}.
   *
   * @param location a {@code file:}, {@code classpath:} or {@code jar:} URI
   * @param classLoader the cache manager's class loader, for {@code classpath:} resources and the
   *     classes the file names
   * @throws IllegalArgumentException if the file cannot be read or is invalid
   */
  public static ConfigFile load(URI location, ClassLoader classLoader) {
    Objects.requireNonNull(location);
    Objects.requireNonNull(classLoader);
    if (!isConfigFile(location)) {
      throw new IllegalArgumentException("Aside config file " + location
          + ": not a file:, classpath: or jar: URI");
    }
    Properties properties = read(location, classLoader);
    ConfigFile file = parse(location, properties, classLoader);
    logger.debug("Loaded Aside config file {}: connection {}, {} cache sections",
        location, file.connection, file.caches.size());
    return file;
  }

  /** The Redis connection ({@code uri} key). */
  public ConnectionSettings connection() {
    return connection;
  }

  /** Where this file was read from. */
  public URI location() {
    return location;
  }

  /** The names having a {@code cache.<name>.} section, sorted. */
  public Set<String> cacheNames() {
    return caches.keySet();
  }

  /** The defaults merged with the section of {@code cacheName}; just the defaults if it has none. */
  public CacheSettings settingsFor(String cacheName) {
    Objects.requireNonNull(cacheName);
    return caches.getOrDefault(cacheName, defaults);
  }

  @Override
  public String toString() {
    return "ConfigFile[" + location + ", uri=" + connection.redacted() + ", caches=" + caches.keySet() + "]";
  }

  private static Properties read(URI location, ClassLoader classLoader) {
    UniqueKeyProperties properties = new UniqueKeyProperties();
    try (InputStream in = open(location, classLoader);
        Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new IllegalArgumentException("Aside config file " + location + " cannot be read: " + e, e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Aside config file " + location + ": " + e.getMessage(), e);
    }
    if (!properties.repeated.isEmpty()) {
      throw problem(location, properties.repeated.first(), "given more than once");
    }
    return properties;
  }

  private static InputStream open(URI location, ClassLoader classLoader) throws IOException {
    if (location.getScheme().equalsIgnoreCase("classpath")) {
      String name = location.getSchemeSpecificPart();
      while (name.startsWith("/")) {
        name = name.substring(1);
      }
      InputStream in = classLoader.getResourceAsStream(name);
      if (in == null) {
        throw new IOException("no resource '" + name + "' on the class path");
      }
      return in;
    }
    return location.toURL().openStream();
  }

  private static ConfigFile parse(URI location, Properties properties, ClassLoader classLoader) {
    String uri = null;
    CacheSettings.Builder defaults = new CacheSettings.Builder(classLoader);
    Map<String, CacheSettings.Builder> caches = new LinkedHashMap<>();
    SortedSet<String> keys = new TreeSet<>(properties.stringPropertyNames());
    for (String key : keys) {
      String value = resolve(location, key, properties.getProperty(key));
      if (key.equals(URI_KEY)) {
        uri = value;
        continue;
      }
      try {
        if (key.startsWith(DEFAULT_SECTION)) {
          defaults.put(key.substring(DEFAULT_SECTION.length()), value);
        } else if (key.startsWith(CACHE_SECTION)) {
          String rest = key.substring(CACHE_SECTION.length());
          int dot = rest.lastIndexOf('.');
          if (dot <= 0 || dot == rest.length() - 1) {
            throw new IllegalArgumentException("expected cache.<cacheName>.<setting>");
          }
          caches.computeIfAbsent(rest.substring(0, dot), name -> new CacheSettings.Builder(classLoader))
              .put(rest.substring(dot + 1), value);
        } else {
          throw new IllegalArgumentException("unknown key; expected uri, default.<setting> or"
              + " cache.<cacheName>.<setting>");
        }
      } catch (IllegalArgumentException e) {
        throw problem(location, key, e.getMessage());
      }
    }
    if (uri == null || uri.isBlank()) {
      throw problem(location, URI_KEY, "missing; it names the Redis server, e.g. redis://host:6379");
    }
    ConnectionSettings connection;
    try {
      connection = ConnectionSettings.parse(uri);
    } catch (IllegalArgumentException e) {
      /* ConnectionSettings' messages show the URI redacted; the value itself is never quoted. */
      throw problem(location, URI_KEY, e.getMessage());
    }
    CacheSettings defaultSettings = defaults.build();
    Map<String, CacheSettings> merged = new LinkedHashMap<>();
    caches.forEach((name, section) -> merged.put(name, defaultSettings.overriddenBy(section.build())));
    return new ConfigFile(location, connection, defaultSettings, merged);
  }

  /* Placeholders are replaced once, left to right; a replacement is not scanned again. */
  private static String resolve(URI location, String key, String value) {
    if (value.indexOf("${") < 0) {
      return value;
    }
    Matcher matcher = PLACEHOLDER.matcher(value);
    StringBuilder resolved = new StringBuilder();
    int end = 0;
    while (matcher.find()) {
      String name = matcher.group(1);
      if (!PLACEHOLDER_NAME.matcher(name).matches()) {
        throw problem(location, key, "placeholder name '" + name + "' is not [A-Za-z0-9_.-]+");
      }
      String replacement = System.getProperty(name);
      if (replacement == null) {
        replacement = System.getenv(name);
      }
      if (replacement == null) {
        replacement = matcher.group(2);
      }
      if (replacement == null) {
        throw problem(location, key, "placeholder ${" + name + "} is neither a system property nor an"
            + " environment variable (use ${" + name + ":default} for a default)");
      }
      resolved.append(value, end, matcher.start()).append(replacement);
      end = matcher.end();
    }
    resolved.append(value, end, value.length());
    if (value.indexOf("${", end) >= 0) {
      throw problem(location, key, "unterminated placeholder '${'");
    }
    return resolved.toString();
  }

  private static IllegalArgumentException problem(URI location, String key, String what) {
    return new IllegalArgumentException("Aside config file " + location + ", key '" + key + "': " + what);
  }

  /** Properties that note a key given twice, which plain Properties silently override. */
  private static final class UniqueKeyProperties extends Properties {
    private static final long serialVersionUID = 1L;
    private final transient SortedSet<String> repeated = new TreeSet<>();

    @Override
    public synchronized Object put(Object key, Object value) {
      if (containsKey(key)) {
        repeated.add(String.valueOf(key));
      }
      return super.put(key, value);
    }
  }
}
