package dev.aside.tck;

import dev.aside.testkit.RedisCluster;
import dev.aside.testkit.RedisServer;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the Redis the TCK talks to for one launcher session (a server, or a local Redis Cluster when
 * {@value #CLUSTER_PROPERTY} says how many masters) and points the provider's default URI at it.
 */
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

    /** System property with a number of masters: the run talks to a Redis Cluster of that many (the cluster run). */
    static final String CLUSTER_PROPERTY = "aside.tck.cluster";

    private RedisServer server;
    private RedisCluster cluster;

    /** Created by the JUnit Platform through ServiceLoader. */
    public TckRedis() {
    }

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        String masters = System.getProperty(CLUSTER_PROPERTY);
        String uri;
        if (masters != null) {
            cluster = RedisCluster.start(Integer.parseInt(masters), 0);
            // The TCK checks semantics, not latency: on a loaded 2-core machine a SCAN over every master
            // (clear, removeAll) can outlast the 500 ms default command timeout.
            uri = cluster.uri() + "?timeout=5s";
        } else {
            server = RedisServer.startOrExternal();
            uri = server.uri();
        }
        System.setProperty(SERVER_PROPERTY, uri);
        System.setProperty(URI_PROPERTY, System.getProperty(CONFIG_PROPERTY, CONFIG_URI));
        LOG.info("TCK runs against Redis at {}", uri);
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        if (server != null) {
            server.close();
            server = null;
        }
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
        System.clearProperty(URI_PROPERTY);
        System.clearProperty(SERVER_PROPERTY);
    }
}
