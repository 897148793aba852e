package dev.aside.tck;

import dev.aside.testkit.RedisServer;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the Redis server the TCK talks to for one launcher session and points the provider's default URI at it. */
public final class TckRedis implements LauncherSessionListener {

    private static final Logger LOG = LoggerFactory.getLogger(TckRedis.class);

    /** System property the provider resolves its default URI from. */
    static final String URI_PROPERTY = "aside.uri";

    /** System property that the configuration file's {@code uri} setting reads the server's address from. */
    static final String SERVER_PROPERTY = "aside.tck.redis";

    /*
     * The TCK's default URI names a configuration file rather than the server: the file also allows
     * the TCK's own domain classes to be deserialized, and a plain URI keeps the TCK's computed MBean
     * names free of characters such as '?' and '*' that JMX reads as patterns.
     */
    private static final String CONFIG_URI = "classpath:aside-tck.properties";

    /** System property naming another configuration file for a run (the near-cache run names its own). */
    static final String CONFIG_PROPERTY = "aside.tck.config";

    private RedisServer server;

    /** Created by the JUnit Platform through ServiceLoader. */
    public TckRedis() {
    }

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        server = RedisServer.startOrExternal();
        String uri = server.uri();
        System.setProperty(SERVER_PROPERTY, uri);
        System.setProperty(URI_PROPERTY, System.getProperty(CONFIG_PROPERTY, CONFIG_URI));
        LOG.info("TCK runs against Redis at {}:{}", server.host(), server.port());
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        if (server != null) {
            server.close();
            server = null;
            System.clearProperty(URI_PROPERTY);
            System.clearProperty(SERVER_PROPERTY);
        }
    }
}
