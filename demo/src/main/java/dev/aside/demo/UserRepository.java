package dev.aside.demo;

import dev.aside.cache.AsideCache;
import dev.aside.config.AsideConfiguration;
import java.time.Duration;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.expiry.ModifiedExpiryPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The user service on Aside: reads through a JCache read-through cache in Redis, writes update the database then remove the entry. */
final class UserRepository implements UserService {

    static final String CACHE_NAME = "aside-demo-users";
    private static final Logger LOG = LoggerFactory.getLogger(UserRepository.class);

    private final CacheManager manager;
    private final UserDatabase database;
    private final Cache<Long, User> cache;
    private final String description;

    UserRepository(CacheManager manager, UserDatabase database, Duration ttl, double ttlJitter, Duration negativeTtl,
                   Duration outageTtl) {
        this.manager = manager;
        this.database = database;
        manager.destroyCache(CACHE_NAME);
        AsideConfiguration<Long, User> configuration = configuration(database, ttl, ttlJitter, negativeTtl, outageTtl);
        this.cache = manager.createCache(CACHE_NAME, configuration);
        this.description = describe(ttl, configuration);
    }

    /**
     * The cache's configuration: read-through, modified-expiry TTL with jitter, negative caching, coalescing,
     * leases, and the gutter ({@code outageTtl}; zero turns it off).
     */
    static AsideConfiguration<Long, User> configuration(UserDatabase database, Duration ttl, double ttlJitter,
                                                        Duration negativeTtl, Duration outageTtl) {
        AsideConfiguration<Long, User> configuration = new AsideConfiguration<>();
        configuration.setTypes(Long.class, User.class);
        configuration.setReadThrough(true);
        configuration.setCacheLoaderFactory(new FactoryBuilder.SingletonFactory<>(new UserLoader(database)));
        configuration.setExpiryPolicyFactory(ModifiedExpiryPolicy.factoryOf(
                new javax.cache.expiry.Duration(TimeUnit.MILLISECONDS, ttl.toMillis())));
        configuration.setStatisticsEnabled(true);
        configuration.setTtlJitter(ttlJitter)
                .setNegativeTtl(negativeTtl)
                .setCoalescing(true)
                .setLeaseTtl(Duration.ofSeconds(10))
                .setLeaseWait(Duration.ofSeconds(2))
                .setOutageTtl(outageTtl);
        return configuration;
    }

    private static String describe(Duration ttl, AsideConfiguration<Long, User> configuration) {
        Duration outageTtl = configuration.getOutageTtl();
        String gutter = outageTtl.isZero()
                ? " Gutter off (outage-ttl 0): during an outage every read goes to the database."
                : String.format(Locale.ROOT, " Gutter on (outage-ttl %s): while Redis is down, values read or loaded"
                        + " are kept in the JVM and served again for %s, so a read during an outage may be up to %s"
                        + " behind a write made through another JVM (this JVM's own writes are seen at once).",
                        seconds(outageTtl), seconds(outageTtl), seconds(outageTtl));
        return String.format(Locale.ROOT, "A read-through JCache cache in Redis whose CacheLoader queries the"
                        + " database: %s TTL with %.0f %% jitter, missing ids cached for %s (negative TTL), concurrent"
                        + " misses of a user share one load (coalescing in the JVM, a Redis lease across JVMs)."
                        + " Aside's defaults otherwise: 500 ms command timeout and a circuit breaker, and a Redis"
                        + " error turns into a database read (fail-open).%s Updates write the database, then remove"
                        + " the entry.",
                seconds(ttl), configuration.getTtlJitter() * 100, seconds(configuration.getNegativeTtl()), gutter);
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s"
                : String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }

    @Override
    public String name() {
        return "Aside";
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public User find(long id) {
        return cache.get(id);
    }

    @Override
    public long update(long id) throws Exception {
        long version = database.update(id);
        cache.remove(id);
        return version;
    }

    @Override
    public void evict(long id) {
        cache.remove(id);
    }

    @Override
    public OptionalLong coalescedLoads() {
        return OptionalLong.of(cache.unwrap(AsideCache.class).readPathMetrics().getCoalescedWaits());
    }

    @Override
    public OptionalLong gutterHits() {
        return OptionalLong.of(cache.unwrap(AsideCache.class).readPathMetrics().getOutageHits());
    }

    @Override
    public void close() {
        try {
            manager.destroyCache(CACHE_NAME);
        } catch (CacheException e) {
            LOG.warn("Could not destroy cache {}: {}", CACHE_NAME, e.toString());
        }
    }
}
