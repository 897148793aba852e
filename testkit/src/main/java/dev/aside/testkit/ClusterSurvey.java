package dev.aside.testkit;

import dev.aside.testkit.ClusterView.Node;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * What the live nodes of a cluster say about it at one moment: healthy, with the slot owners they agree on and
 * each live node's view, or the first problem found.
 *
 * <p>Healthy means, asked of every live node (running and not paused): cluster_state:ok with all 16384 slots ok;
 * the same owner for every slot, and that owner live; every other live node in the role it claims for itself
 * (master, or replica of the same master) and flagged neither failed ({@code fail}) nor possibly failed
 * ({@code fail?}); every live replica of a live master with master_link_status:up. A client then finds the same
 * topology whichever node it asks.
 */
record ClusterSurvey(String problem, int[] owners, Map<RedisServer, ClusterView> views) {

    private static final int SLOTS = ClusterView.SLOTS;

    /** Asks every live node of {@code nodes}, over connections from {@code connect}. */
    static ClusterSurvey take(List<RedisServer> nodes, Function<RedisServer, NodeConnection> connect) {
        Map<RedisServer, ClusterView> views = new LinkedHashMap<>();
        Map<RedisServer, String> replication = new LinkedHashMap<>();
        for (RedisServer node : nodes) {
            if (!isLive(node)) {
                continue;
            }
            try (NodeConnection connection = connect.apply(node)) {
                String info = connection.text("CLUSTER", "INFO");
                String state = field(info, "cluster_state");
                if (!"ok".equals(state)) {
                    return problem(node + " reports cluster_state:" + state);
                }
                String slotsOk = field(info, "cluster_slots_ok");
                if (!Integer.toString(SLOTS).equals(slotsOk)) {
                    return problem(node + " has " + slotsOk + " of " + SLOTS + " slots ok");
                }
                views.put(node, ClusterView.parse(connection.text("CLUSTER", "NODES")));
                replication.put(node, connection.text("INFO", "replication"));
            } catch (RuntimeException e) {
                return problem(node + " does not answer: " + e.getMessage());
            }
        }
        if (views.isEmpty()) {
            return problem("no node is live");
        }
        int[] owners = null;
        RedisServer reference = null;
        for (Map.Entry<RedisServer, ClusterView> entry : views.entrySet()) {
            int[] seen = entry.getValue().ownerPorts();
            if (owners == null) {
                owners = seen;
                reference = entry.getKey();
                for (int slot = 0; slot < SLOTS; slot++) {
                    RedisServer owner = nodeAt(nodes, owners[slot]);
                    if (owner == null || !isLive(owner)) {
                        return problem(reference + " sees slot " + slot + " on port " + owners[slot]
                                + ", which is no live node");
                    }
                }
            } else if (!Arrays.equals(owners, seen)) {
                int slot = Arrays.mismatch(owners, seen);
                return problem(reference + " sees slot " + slot + " on port " + owners[slot] + ", " + entry.getKey()
                        + " on port " + seen[slot]);
            }
        }
        for (Map.Entry<RedisServer, ClusterView> entry : views.entrySet()) {
            String disagreement = disagreementAbout(entry.getKey(), entry.getValue().myself(), views);
            if (disagreement != null) {
                return problem(disagreement);
            }
            Node mine = entry.getValue().myself();
            if (!mine.isMaster()) {
                RedisServer master = entry.getValue().byId(mine.masterId()).map(known -> nodeAt(nodes, known.port()))
                        .orElse(null);
                if (master != null && isLive(master)
                        && !"up".equals(field(replication.get(entry.getKey()), "master_link_status"))) {
                    return problem(entry.getKey() + " is not in sync with its master " + master + " yet");
                }
            }
        }
        return new ClusterSurvey(null, owners, views);
    }

    /** Whether the cluster was healthy. */
    boolean healthy() {
        return problem == null;
    }

    /** Whether the node is running and not paused, so can be asked. */
    static boolean isLive(RedisServer node) {
        return node.isRunning() && !node.isPaused();
    }

    /** The value of {@code name:value} in an INFO-style reply, or null. */
    static String field(String info, String name) {
        String prefix = name + ":";
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(prefix)) {
                return line.substring(prefix.length()).trim();
            }
        }
        return null;
    }

    private static ClusterSurvey problem(String problem) {
        return new ClusterSurvey(problem, null, Map.of());
    }

    /* How another live node sees {@code node} otherwise than it sees itself, or null. */
    private static String disagreementAbout(RedisServer node, Node mine, Map<RedisServer, ClusterView> views) {
        for (Map.Entry<RedisServer, ClusterView> other : views.entrySet()) {
            if (other.getKey() == node) {
                continue;
            }
            Optional<Node> seen = other.getValue().byPort(node.port());
            if (seen.isEmpty()) {
                return other.getKey() + " does not know " + node;
            }
            if (seen.get().isFailed() || seen.get().flags().contains("fail?")) {
                return other.getKey() + " flags " + node + " " + seen.get().flags();
            }
            if (seen.get().isMaster() != mine.isMaster() || !Objects.equals(seen.get().masterId(), mine.masterId())) {
                return other.getKey() + " sees " + node + " as " + role(seen.get()) + ", it is " + role(mine);
            }
        }
        return null;
    }

    private static String role(Node node) {
        return node.isMaster() ? "master" : "replica of " + node.masterId();
    }

    private static RedisServer nodeAt(List<RedisServer> nodes, int port) {
        for (RedisServer node : nodes) {
            if (node.port() == port) {
                return node;
            }
        }
        return null;
    }
}
