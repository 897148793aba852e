package dev.aside.near;

import static dev.aside.near.ClusterCaches.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aside.redis.Ttl;
import dev.aside.redis.TrackingConnector;
import dev.aside.testkit.RedisServer;
import dev.aside.testkit.RedisTest;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The invalidation feed over several nodes, as on a cluster, with three standalone servers standing for
 * masters and a connector whose topology the test changes: live only while every node is tracked, a new
 * live period on every change of the nodes, none on a topology event that leaves them as they were.
 */
@RedisTest
class MultiNodeFeedTest {
  private static final NearCacheSettings SETTINGS = new NearCacheSettings(1000, Duration.ofMinutes(5));
  private static final List<RedisServer> servers = new ArrayList<>();

  private String prefix;
  private Nodes nodes;
  private InvalidationFeed feed;
  private NearCache<String, String> near;
  private final Set<String> invalidated = ConcurrentHashMap.newKeySet();
  private final AtomicInteger clears = new AtomicInteger();

  @BeforeAll
  static void startServers() {
    for (int i = 0; i < 3; i++) {
      servers.add(RedisServer.start());
    }
  }

  @AfterAll
  static void stopServers() {
    servers.forEach(RedisServer::close);
  }

  @BeforeEach
  void openFeed() throws InterruptedException {
    prefix = "m" + UUID.randomUUID().toString().substring(0, 8);
    nodes = new Nodes(List.of("a", "b"));
    feed = new InvalidationFeed(nodes, prefix + ":", InvalidationFeed.Timing.defaults());
    assertThat(feed.awaitLive(Duration.ofSeconds(10))).as("live after construction").isTrue();
    feed.subscribe(prefix + ":", new InvalidationFeed.Listener() {
      @Override
      public void onInvalidate(byte[] redisKey) {
        invalidated.add(new String(redisKey, StandardCharsets.UTF_8));
      }

      @Override
      public void onInvalidateAll() {
        clears.incrementAndGet();
      }
    });
    near = new NearCache<>(SETTINGS, feed, prefix + ":c:", key -> new String(key, StandardCharsets.UTF_8), false);
  }

  @AfterEach
  void closeFeed() {
    servers.forEach(server -> {
      if (server.isPaused()) {
        server.resume();
      }
    });
    near.close();
    feed.close();
  }

  @Test
  void everyNodesWritesArriveAndNothingIsServedWhileOneNodeIsSilent() {
    assertThat(feed.connectionIds()).containsOnlyKeys("a", "b");
    set("a", "x");
    set("b", "y");
    await("invalidations from both nodes", Duration.ofSeconds(5),
        () -> invalidated.containsAll(Set.of(key("x"), key("y"))));
    assertThat(fill(key("x"))).isTrue();
    int clearsBefore = clears.get();

    server("b").pause();
    await("not live, cleared", Duration.ofSeconds(8), () -> !feed.isLive() && clears.get() > clearsBefore);
    assertThat(near.get(key("x"))).as("a's key is not served while b is silent").isNull();
    assertThat(near.reserve(key("x")).isLive()).isFalse();
    assertThat(feed.connectionIds()).containsOnlyKeys("a");

    server("b").resume();
    await("live again", Duration.ofSeconds(8), feed::isLive);
    assertThat(feed.connectionIds()).containsOnlyKeys("a", "b");
    assertThat(fill(key("x"))).isTrue();
    set("b", "z");
    await("b tracked again", Duration.ofSeconds(5), () -> invalidated.contains(key("z")));
  }

  @Test
  void aNodeAddedEndsTheLivePeriodUntilItIsTracked() {
    NearCache.Reservation before = near.reserve(key("x"));
    assertThat(before.isLive()).isTrue();
    int clearsBefore = clears.get();
    server("c").pause();

    nodes.change(List.of("a", "b", "c"));

    assertThat(feed.isLive()).as("not live as soon as the topology says so").isFalse();
    assertThat(clears.get()).isGreaterThan(clearsBefore);
    assertThat(near.fill(before, "v", bytes("v"), Ttl.ETERNAL)).as("a fill reserved before the change").isFalse();
    await("topology refreshes asked while c cannot be tracked", Duration.ofSeconds(15),
        () -> nodes.refreshes.get() >= 2);
    assertThat(feed.isLive()).isFalse();

    server("c").resume();
    await("live with c", Duration.ofSeconds(10), feed::isLive);
    assertThat(feed.connectionIds()).containsOnlyKeys("a", "b", "c");
    set("c", "w");
    await("c's writes arrive", Duration.ofSeconds(5), () -> invalidated.contains(key("w")));
  }

  @Test
  void aTopologyEventThatLeavesTheNodesAsTheyWereChangesNothing() {
    assertThat(fill(key("x"))).isTrue();
    long lost = feed.sessionsLost();

    nodes.change(List.of("b", "a"));

    assertThat(feed.isLive()).isTrue();
    assertThat(clears.get()).isZero();
    assertThat(feed.sessionsLost()).isEqualTo(lost);
    assertThat(near.get(key("x"))).as("still served").isNotNull();
  }

  @Test
  void aNodeRemovedEndsThePeriodAndClosesItsConnection() {
    nodes.change(List.of("a", "b", "c"));
    await("live with c", Duration.ofSeconds(10), feed::isLive);
    String name = clientName("c");
    assertThat(clientsNamed(server("c"), name)).isEqualTo(1);
    assertThat(fill(key("x"))).isTrue();
    NearCache.Reservation before = near.reserve(key("y"));
    int clearsBefore = clears.get();

    nodes.change(List.of("a", "b"));

    /* The period ends inside the topology event; the feed's thread may be live again (a and b are
       tracked) before the next line runs, so what is asserted is what the change must leave behind. */
    assertThat(clears.get()).as("cleared by the change").isGreaterThan(clearsBefore);
    assertThat(near.get(key("x"))).as("nothing kept from before the change").isNull();
    assertThat(near.fill(before, "v", bytes("v"), Ttl.ETERNAL)).as("a fill reserved before the change").isFalse();
    await("live again with a and b", Duration.ofSeconds(10), feed::isLive);
    assertThat(feed.connectionIds()).containsOnlyKeys("a", "b");
    await("c's connection closed", Duration.ofSeconds(5), () -> clientsNamed(server("c"), name) == 0);
  }

  // ---------------------------------------------------------------- helpers

  private String key(String text) {
    return prefix + ":c:" + text;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static RedisServer server(String node) {
    return servers.get(node.charAt(0) - 'a');
  }

  private String clientName(String node) {
    return prefix + "-" + node + "-invalidations";
  }

  /** Writes on one node, as another client of that node would. */
  private void set(String node, String text) {
    ClusterCaches.onNode(server(node), redis -> redis.set(key(text), "v"));
  }

  /** Reserves and fills {@code key} with "v" (the read itself does not matter here). */
  private boolean fill(String key) {
    NearCache.Reservation reservation = near.reserve(key);
    return near.fill(reservation, "v", bytes("v"), Ttl.ETERNAL);
  }

  private static long clientsNamed(RedisServer server, String name) {
    long[] count = {0};
    ClusterCaches.onNode(server, redis -> count[0] = redis.clientList().lines()
        .filter(line -> line.contains(" name=" + name + " ")).count());
    return count[0];
  }

  /** Nodes "a", "b", "c" (the three servers), of which a test-controlled list is the topology. */
  private final class Nodes implements TrackingConnector {
    private final Map<String, TrackingConnector> connectors = new LinkedHashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile List<String> current;
    final AtomicInteger refreshes = new AtomicInteger();

    Nodes(List<String> initial) {
      current = initial;
      for (String node : List.of("a", "b", "c")) {
        RedisURI uri = RedisURI.create(server(node).uri());
        uri.setClientName(prefix + "-" + node);
        connectors.put(node, TrackingConnector.of(uri, InvalidationFeed.Timing.defaults().connectTimeout()));
      }
    }

    /** Changes the topology and reports it, as the cluster client's event would (synchronously here). */
    void change(List<String> nodes) {
      current = nodes;
      listeners.forEach(Runnable::run);
    }

    @Override
    public CompletableFuture<StatefulRedisConnection<byte[], byte[]>> connect() {
      return CompletableFuture.failedFuture(new IllegalStateException("tracked node by node"));
    }

    @Override
    public List<String> nodes() {
      return current;
    }

    @Override
    public CompletableFuture<StatefulRedisConnection<byte[], byte[]>> connect(String node) {
      return connectors.get(node).connect();
    }

    @Override
    public Runnable onTopologyChange(Runnable action) {
      listeners.add(action);
      return () -> listeners.remove(action);
    }

    @Override
    public void refreshTopology() {
      refreshes.incrementAndGet();
    }

    @Override
    public void close() {
      connectors.values().forEach(TrackingConnector::close);
    }
  }
}
