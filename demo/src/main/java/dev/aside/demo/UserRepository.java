package dev.aside.demo;

import dev.aside.cache.AsideCache;
import dev.aside.config.AsideConfiguration;
import java.time.Duration;
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

    UserRepository(CacheManager manager, UserDatabase database, Duration ttl, double ttlJitter, Duration negativeTtl) {
        this.manager = manager;
        this.database = database;
        manager.destroyCache(CACHE_NAME);
        this.cache = manager.createCache(CACHE_NAME, configuration(database, ttl, ttlJitter, negativeTtl));
    }

    /** The cache's configuration: read-through, modified-expiry TTL with jitter, negative caching, coalescing and leases. */
    static AsideConfiguration<Long, User> configuration(UserDatabase database, Duration ttl, double ttlJitter,
                                                        Duration negativeTtl) {
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
                .setLeaseWait(Duration.ofSeconds(2));
        return configuration;
    }

    @Override
    public String name() {
        return "Aside";
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
    public void close() {
        try {
            manager.destroyCache(CACHE_NAME);
        } catch (CacheException e) {
            LOG.warn("Could not destroy cache {}: {}", CACHE_NAME, e.toString());
        }
    }
}
