package dev.aside.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The baseline: cache-aside as commonly written, without singleflight. GET; on a miss query the database and SET
 * with a fixed TTL; no coalescing, leases, jitter or negative caching; Lettuce's default client options (60 s
 * command timeout); any Redis error fails the request.
 */
final class NaiveCacheAside implements UserService {

    private static final String KEY_PREFIX = "aside-demo:naive:user:";
    private static final Set<String> ASIDE_ONLY_OPTIONS = Set.of("prefix", "timeout", "connectTimeout", "allow");

    private final UserDatabase database;
    private final long ttlSeconds;
    private final ObjectMapper json = new ObjectMapper();
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisCommands<String, String> redis;

    NaiveCacheAside(String asideUri, UserDatabase database, Duration ttl) {
        this.database = database;
        this.ttlSeconds = Math.max(1, ttl.toSeconds());
        this.client = RedisClient.create(lettuceUri(asideUri));
        this.connection = client.connect();
        this.redis = connection.sync();
        deleteOwnKeys();
    }

    @Override
    public String name() {
        return "naive cache-aside";
    }

    @Override
    public String description() {
        return String.format(Locale.ROOT, "The cache-aside article's code without its singleflight, on Lettuce"
                + " directly: GET; on a miss query the database and SET with a fixed %d s TTL; no coalescing, leases,"
                + " jitter or negative caching. Lettuce's default client options: 60 s command timeout, commands"
                + " queued while disconnected. A Redis error fails the request. Updates write the database, then DEL"
                + " the key.", ttlSeconds);
    }

    @Override
    public User find(long id) throws Exception {
        String key = KEY_PREFIX + id;
        String cached = redis.get(key);
        if (cached != null) {
            return json.readValue(cached, User.class);
        }
        User user = database.find(id);
        if (user != null) {
            redis.setex(key, ttlSeconds, json.writeValueAsString(user));
        }
        return user;
    }

    @Override
    public long update(long id) throws Exception {
        long version = database.update(id);
        redis.del(KEY_PREFIX + id);
        return version;
    }

    @Override
    public void evict(long id) {
        redis.del(KEY_PREFIX + id);
    }

    /** None: every concurrent miss of a key queries the database on its own. */
    @Override
    public OptionalLong coalescedLoads() {
        return OptionalLong.of(0);
    }

    @Override
    public void close() {
        try {
            deleteOwnKeys();
        } finally {
            connection.close();
            client.shutdown();
        }
    }

    private void deleteOwnKeys() {
        ScanArgs match = ScanArgs.Builder.matches(KEY_PREFIX + "*").limit(1000);
        KeyScanCursor<String> cursor = redis.scan(match);
        while (true) {
            if (!cursor.getKeys().isEmpty()) {
                redis.unlink(cursor.getKeys().toArray(String[]::new));
            }
            if (cursor.isFinished()) {
                return;
            }
            cursor = redis.scan(ScanCursor.of(cursor.getCursor()), match);
        }
    }

    /** The Aside URI less Aside's own options (its {@code timeout} among them), so Lettuce keeps its defaults. */
    static RedisURI lettuceUri(String asideUri) {
        int query = asideUri.indexOf('?');
        if (query < 0) {
            return RedisURI.create(asideUri);
        }
        String kept = Arrays.stream(asideUri.substring(query + 1).split("&"))
                .filter(option -> !ASIDE_ONLY_OPTIONS.contains(option.split("=", 2)[0]))
                .collect(Collectors.joining("&"));
        return RedisURI.create(asideUri.substring(0, query) + (kept.isEmpty() ? "" : "?" + kept));
    }
}
