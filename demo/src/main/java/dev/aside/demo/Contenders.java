package dev.aside.demo;

import dev.aside.spi.AsideCachingProvider;
import java.net.URI;
import java.time.Duration;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.spi.CachingProvider;

/** Runs the workload against each contender, each time on a freshly seeded database and fresh cache contents. */
final class Contenders {

    private final DemoOptions options;
    private final Workload workload;
    private final UserDatabase database;
    private final RedisTarget redis;
    private final ProgressLine progress;
    private final CachingProvider provider = Caching.getCachingProvider(AsideCachingProvider.class.getName());

    Contenders(DemoOptions options, Workload workload, UserDatabase database, RedisTarget redis,
               ProgressLine progress) {
        this.options = options;
        this.workload = workload;
        this.database = database;
        this.redis = redis;
        this.progress = progress;
    }

    /** The user service on Aside: a measured run, or else a short warm-up. */
    RunReport aside(boolean measured) throws Exception {
        database.reset(options.users());
        CacheManager manager = provider.getCacheManager(URI.create(redis.uri()), Contenders.class.getClassLoader());
        try (UserRepository repository = new UserRepository(manager, database, options.ttl(), options.ttlJitter(),
                options.negativeTtl(), options.outageTtl())) {
            return run(repository, measured);
        } finally {
            manager.close();
        }
    }

    /** The user service on the naive cache-aside: a measured run, or else a short warm-up. */
    RunReport naive(boolean measured) throws Exception {
        database.reset(options.users());
        try (NaiveCacheAside naive = new NaiveCacheAside(redis.uri(), database, options.ttl())) {
            return run(naive, measured);
        }
    }

    /** How long a warm-up lasts: a fifth of the run, between 1 and 3 seconds. */
    Duration warmUp() {
        return Duration.ofMillis(Math.max(1000, Math.min(3000, options.duration().toMillis() / 5)));
    }

    private RunReport run(UserService service, boolean measured) throws InterruptedException {
        WorkloadRun run = measured ? WorkloadRun.measured(options, workload, service, database, redis, progress)
                : WorkloadRun.rehearsal(options, warmUp(), workload, service, database, redis);
        return run.run();
    }
}
