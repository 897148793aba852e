package dev.aside.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A 3-master cluster wired by the testkit: every slot served, the client's slot function, resharding. */
@RedisTest
final class RedisClusterTest {

    private static RedisCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = RedisCluster.start(3, 0);
    }

    @AfterAll
    static void closeCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void everySlotIsCoveredAndEachMasterServesItsOwnKeysAndRedirectsTheOthers() {
        List<RedisServer> masters = cluster.masters();
        assertThat(masters).hasSize(3).containsExactlyElementsOf(cluster.nodes());
        assertThat(cluster.uri()).isEqualTo("redis-cluster://" + masters.stream()
                .map(master -> "127.0.0.1:" + master.port()).collect(Collectors.joining(",")));
        for (RedisServer node : cluster.nodes()) {
            String info = text(node, "CLUSTER", "INFO");
            assertThat(info).as("CLUSTER INFO of %s", node)
                    .contains("cluster_state:ok", "cluster_slots_assigned:16384", "cluster_slots_ok:16384",
                            "cluster_known_nodes:3", "cluster_size:3");
        }

        for (RedisServer master : masters) {
            String key = keyOwnedBy(cluster, master, "row:");
            assertThat(text(master, "SET", key, "v-" + key)).isEqualTo("OK");
            assertThat(text(master, "GET", key)).isEqualTo("v-" + key);
            for (RedisServer other : masters) {
                if (other != master) {
                    assertThatThrownBy(() -> text(other, "GET", key))
                            .hasMessage("MOVED " + RedisCluster.slot(key) + " 127.0.0.1:" + master.port());
                }
            }
        }
    }

    @Test
    void slotAgreesWithClusterKeyslotIncludingHashTags() {
        List<byte[]> keys = new ArrayList<>();
        for (String key : List.of("", "a", "foo", "123456789", "{user1000}.following", "{user1000}.followers",
                "foo{}{bar}", "foo{{bar}}zap", "foo{bar}{zap}", "{}", "{", "}", "}{", "{a", "a}", "{}a{b}", "x{y}",
                "é{ü}", "cache:{users}:42", "{{}}", "a{b{c}d}e")) {
            keys.add(key.getBytes(StandardCharsets.UTF_8));
        }
        Random random = new Random(42);
        for (int i = 0; i < 300; i++) {
            byte[] key = new byte[random.nextInt(24)];
            random.nextBytes(key);
            if (i % 3 == 0 && key.length > 4) {
                key[random.nextInt(key.length)] = '{';
                key[random.nextInt(key.length)] = '}';
            }
            keys.add(key);
        }
        RedisServer node = cluster.nodes().get(0);
        try (NodeConnection connection = connect(node)) {
            for (byte[] key : keys) {
                Object expected = connection.call("CLUSTER", "KEYSLOT", key);
                assertThat((long) RedisCluster.slot(key)).as("slot of %s", new String(key, StandardCharsets.ISO_8859_1))
                        .isEqualTo(expected);
            }
        }
        assertThat(RedisCluster.slot("{user1000}.following")).isEqualTo(RedisCluster.slot("user1000"));
    }

    @Test
    void migrateSlotMovesTheKeysAndTheOwnershipSeenByEveryNode() {
        String tag = "{migrating}";
        int slot = RedisCluster.slot(tag);
        RedisServer source = cluster.masterOf(slot);
        RedisServer target = cluster.masters().stream().filter(master -> master != source).findFirst().orElseThrow();
        Map<String, String> rows = new LinkedHashMap<>();
        for (int i = 0; i < 250; i++) {
            rows.put(tag + ":" + i, "value-" + i);
        }
        rows.forEach((key, value) -> assertThat(text(source, "SET", key, value)).isEqualTo("OK"));
        String neighbour = keyOwnedBy(cluster, source, "stays:");
        text(source, "SET", neighbour, "here");

        cluster.migrateSlot(slot, target);

        assertThat(cluster.masterOf(slot)).isEqualTo(target);
        rows.forEach((key, value) -> assertThat(text(target, "GET", key)).as(key).isEqualTo(value));
        assertThat(text(source, "CLUSTER", "COUNTKEYSINSLOT", slot)).isEqualTo("0");
        for (RedisServer node : cluster.nodes()) {
            if (node != target) {
                assertThatThrownBy(() -> text(node, "GET", tag + ":0")).as("GET on %s", node)
                        .hasMessage("MOVED " + slot + " 127.0.0.1:" + target.port());
            }
        }
        assertThat(text(source, "GET", neighbour)).as("a key of another slot stays").isEqualTo("here");

        cluster.migrateSlot(slot, source);
        assertThat(cluster.masterOf(slot)).isEqualTo(source);
        assertThat(text(source, "GET", tag + ":249")).isEqualTo("value-249");
    }

    @Test
    void aClusterWithAPasswordAsksForItAndCarriesItInItsUri() {
        try (RedisCluster secured = RedisCluster.builder().masters(2).replicasPerMaster(1).password("s 3cret").start()) {
            RedisServer first = secured.masters().get(0);
            assertThat(secured.uri()).isEqualTo("redis-cluster://:s%203cret@127.0.0.1:" + first.port()
                    + ",127.0.0.1:" + secured.masters().get(1).port());
            assertThatThrownBy(() -> text(first, "CLUSTER", "INFO")).hasMessageStartingWith("NOAUTH");
            assertThat(secured.replicasOf(first)).hasSize(1);

            int slot = RedisCluster.slot("{secured}");
            RedisServer source = secured.masterOf(slot);
            RedisServer target = secured.masters().stream().filter(m -> m != source).findFirst().orElseThrow();
            try (NodeConnection connection = NodeConnection.open("127.0.0.1", source.port(), "s 3cret",
                    Duration.ofSeconds(5))) {
                assertThat(connection.text("SET", "{secured}:1", "v")).isEqualTo("OK");
            }
            secured.migrateSlot(slot, target);
            try (NodeConnection connection = NodeConnection.open("127.0.0.1", target.port(), "s 3cret",
                    Duration.ofSeconds(5))) {
                assertThat(connection.text("GET", "{secured}:1")).isEqualTo("v");
            }
        }
    }

    @Test
    void badArgumentsAreNamed() {
        assertThatThrownBy(() -> cluster.masterOf(16384)).hasMessageContaining("slot must be in [0, 16384)");
        assertThatThrownBy(() -> RedisCluster.builder().masters(0)).hasMessageContaining("masters must be at least 1");
        try (RedisServer stranger = RedisServer.start()) {
            assertThatThrownBy(() -> cluster.migrateSlot(0, stranger)).hasMessageContaining("is not a node of");
        }
    }

    /** The first key {@code prefix + i} whose slot {@code master} owns. */
    static String keyOwnedBy(RedisCluster cluster, RedisServer master, String prefix) {
        for (int i = 0; ; i++) {
            String key = prefix + i;
            if (cluster.masterOf(RedisCluster.slot(key)) == master) {
                return key;
            }
        }
    }

    static NodeConnection connect(RedisServer node) {
        return NodeConnection.open("127.0.0.1", node.port(), null, Duration.ofSeconds(5));
    }

    /** One command over a fresh raw connection; an error reply is thrown with the reply line as its message. */
    static String text(RedisServer node, Object... command) {
        try (NodeConnection connection = connect(node)) {
            return connection.text(command);
        }
    }
}
