import dev.aside.config.AsideConfiguration;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.integration.CacheLoader;

/**
 * Aside through the plain JCache API, configured by {@code aside.properties} on the class path.
 *
 * <p>Needs {@code dev.aside:aside-provider} (and an SLF4J binding, if you want its log lines) on the
 * class path and a Redis server at {@code REDIS_URI}, by default {@code redis://127.0.0.1:6379}.
 */
public class JCacheQuickStart {

  public static void main(String[] args) {
    ClassLoader cl = JCacheQuickStart.class.getClassLoader();
    // Caching finds Aside through META-INF/services/javax.cache.spi.CachingProvider in its jar.
    // The classpath: URI names the configuration file, which names the Redis server.
    try (CacheManager manager = Caching.getCachingProvider()
        .getCacheManager(URI.create("classpath:aside.properties"), cl)) {

      // A cache created in code. The file's default.* settings (and a cache.greetings.* section,
      // if there were one) are applied over this configuration.
      MutableConfiguration<String, String> greetingsConfig = new MutableConfiguration<String, String>()
          .setTypes(String.class, String.class);
      Cache<String, String> greetings = manager.createCache("greetings", greetingsConfig);
      greetings.put("en", "Hello");                     // Redis key aside:greetings:{en}
      System.out.println(greetings.get("en"));          // Hello

      // Read-through: a miss calls the loader and stores what it returns. The file has a
      // cache.users section (expiry modified 10m, negative-ttl 30s, key-type java.lang.Long).
      AsideConfiguration<Long, String> usersConfig = new AsideConfiguration<>();
      usersConfig.setTypes(Long.class, String.class);
      usersConfig.setReadThrough(true);
      usersConfig.setCacheLoaderFactory(FactoryBuilder.factoryOf(UserNameLoader.class));
      usersConfig.setLeaseWait(Duration.ofSeconds(1));
      Cache<Long, String> users = manager.createCache("users", usersConfig);

      System.out.println(users.get(42L));               // loaded, then stored as aside:users:{42}
      System.out.println(users.get(42L));               // served from Redis
      System.out.println(users.get(-1L));               // null: the loader found nothing

      // The effective configuration: the code's, overridden by the file.
      AsideConfiguration<?, ?> effective = users.getConfiguration(AsideConfiguration.class);
      System.out.println("negative TTL " + effective.getNegativeTtl()
          + ", TTL jitter " + effective.getTtlJitter());
    }
  }

  /** Stands in for a database lookup; returns null when there is no such user. */
  public static class UserNameLoader implements CacheLoader<Long, String> {
    @Override
    public String load(Long id) {
      return id > 0 ? "user-" + id : null;
    }

    @Override
    public Map<Long, String> loadAll(Iterable<? extends Long> ids) {
      Map<Long, String> found = new HashMap<>();
      for (Long id : ids) {
        String name = load(id);
        if (name != null) {
          found.put(id, name);
        }
      }
      return found;
    }
  }
}
