package dev.aside.demo;

import dev.aside.spi.AsideCachingProvider;
import dev.aside.testkit.RedisServer;

/** The Redis the demo uses: the one named by {@code aside.uri} / {@code ASIDE_URI}, else a private redis-server it starts (and may kill). */
final class RedisTarget implements AutoCloseable {

    private final String uri;
    private final RedisServer server;
    private volatile boolean down;

    private RedisTarget(String uri, RedisServer server) {
        this.uri = uri;
        this.server = server;
    }

    /** The configured Redis, or a freshly started private one. */
    static RedisTarget fromEnvironment() {
        String configured = System.getProperty(AsideCachingProvider.URI_PROPERTY);
        if (configured == null || configured.isBlank()) {
            configured = System.getenv(AsideCachingProvider.URI_ENVIRONMENT);
        }
        if (configured != null && !configured.isBlank()) {
            return new RedisTarget(configured.trim(), null);
        }
        RedisServer server = RedisServer.start();
        return new RedisTarget(server.uri(), server);
    }

    /** The Redis URI (Aside's form; it may carry Aside options). */
    String uri() {
        return uri;
    }

    /** Whether the demo started this server itself and so may take it down. */
    boolean owned() {
        return server != null;
    }

    /** Whether the demo has taken the server down. */
    boolean isDown() {
        return down;
    }

    /** Kills the private server (SIGKILL). */
    void kill() {
        server.kill();
        down = true;
    }

    /** Starts a fresh, empty private server on the same port. */
    void restart() {
        server.restart();
        down = false;
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    public String toString() {
        return owned() ? "a private redis-server at " + uri : "the Redis at " + redacted(uri);
    }

    private static String redacted(String uri) {
        return uri.replaceAll("//[^@/]*@", "//***@");
    }
}
