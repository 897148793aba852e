package dev.aside.testkit;

import static dev.aside.testkit.RedisClusterTest.keyOwnedBy;
import static dev.aside.testkit.RedisClusterTest.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A 3-master, 3-replica cluster losing a master, failing over on demand, and restarting nodes. */
@RedisTest
final class RedisClusterFailoverTest {

    private RedisCluster cluster;

    @BeforeEach
    void startCluster() {
        cluster = RedisCluster.start(3, 1);
    }

    @AfterEach
    void closeCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aKilledMasterIsReplacedByItsReplicaWhichServesItsKeys() {
        List<RedisServer> masters = cluster.masters();
        assertThat(masters).containsExactlyElementsOf(cluster.nodes().subList(0, 3));
        for (RedisServer each : masters) {
            List<RedisServer> replicas = cluster.replicasOf(each);
            assertThat(replicas).hasSize(1);
            assertThat(text(replicas.get(0), "INFO", "replication"))
                    .contains("role:slave", "master_port:" + each.port(), "master_link_status:up");
        }
        RedisServer master = masters.get(0);
        RedisServer replica = cluster.replicasOf(master).get(0);
        String key = keyOwnedBy(cluster, master, "row:");
        // WAIT counts the replicas that acknowledged its own connection's writes: on a fresh connection it
        // would wait for nothing, so the SET and its WAIT share one.
        try (NodeConnection connection = RedisClusterTest.connect(master)) {
            assertThat(connection.text("SET", key, "before")).isEqualTo("OK");
            assertThat(connection.text("WAIT", 1, 5_000)).as("replicated").isEqualTo("1");
        }

        master.kill();
        RedisServer promoted = cluster.awaitPromotion(master, Duration.ofSeconds(30));

        assertThat(promoted).isEqualTo(replica);
        assertThat(cluster.masters()).hasSize(3).doesNotContain(master).contains(replica);
        assertThat(cluster.masterOf(RedisCluster.slot(key))).isEqualTo(replica);
        cluster.awaitHealthy(Duration.ofSeconds(30));   // every live node's view agrees before the key is read
        assertThat(text(replica, "GET", key))
                .as(() -> "the replicated key on the promoted replica; its INFO replication: "
                        + text(replica, "INFO", "replication") + "; keyspace: " + text(replica, "INFO", "keyspace")
                        + "; CLUSTER NODES: " + text(replica, "CLUSTER", "NODES"))
                .isEqualTo("before");
        for (RedisServer node : cluster.nodes()) {
            if (node != master) {
                assertThat(text(node, "CLUSTER", "INFO")).as("%s", node).contains("cluster_state:ok");
            }
        }
    }

    @Test
    void aRestartedNodeKeepsItsIdAndAKilledMasterComesBackAsReplicaOfItsSuccessor() {
        RedisServer master = cluster.masters().get(1);
        RedisServer replica = cluster.replicasOf(master).get(0);
        String masterId = cluster.nodeId(master);
        String replicaId = cluster.nodeId(replica);

        replica.restart();
        cluster.awaitHealthy(Duration.ofSeconds(30));
        assertThat(cluster.nodeId(replica)).isEqualTo(replicaId);
        assertThat(cluster.replicasOf(master)).containsExactly(replica);

        master.kill();
        assertThat(cluster.nodeId(master)).as("as the others know it").isEqualTo(masterId);
        assertThat(cluster.awaitPromotion(master, Duration.ofSeconds(30))).isEqualTo(replica);
        master.restart();
        cluster.awaitHealthy(Duration.ofSeconds(30));

        assertThat(cluster.nodeId(master)).isEqualTo(masterId);
        assertThat(text(master, "CLUSTER", "MYID")).isEqualTo(masterId);
        assertThat(cluster.replicasOf(replica)).containsExactly(master);
        assertThat(cluster.masters()).doesNotContain(master).contains(replica);
    }

    @Test
    void aManualFailoverSwapsMasterAndReplicaAndOneAwayFromAPausedMasterIsForced() {
        RedisServer master = cluster.masters().get(2);
        RedisServer replica = cluster.replicasOf(master).get(0);
        int slot = ownedSlot(master);

        cluster.failover(replica);

        assertThat(cluster.masterOf(slot)).isEqualTo(replica);
        assertThat(cluster.replicasOf(replica)).containsExactly(master);
        assertThat(cluster.masters()).doesNotContain(master);

        RedisServer paused = cluster.masters().get(0);
        RedisServer successor = cluster.replicasOf(paused).get(0);
        int pausedSlot = ownedSlot(paused);
        paused.pause();
        cluster.failover(successor);

        assertThat(cluster.masterOf(pausedSlot)).isEqualTo(successor);
        paused.resume();
        cluster.awaitHealthy(Duration.ofSeconds(30));
        assertThat(cluster.replicasOf(successor)).containsExactly(paused);
    }

    private int ownedSlot(RedisServer master) {
        for (int slot = 0; ; slot += 97) {
            if (cluster.masterOf(slot) == master) {
                return slot;
            }
        }
    }
}
