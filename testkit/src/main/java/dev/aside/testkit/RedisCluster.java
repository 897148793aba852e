package dev.aside.testkit;

import dev.aside.testkit.ClusterView.Node;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local Redis Cluster of private redis-server processes on free loopback ports, wired by this class itself
 * (no redis-cli), for tests, demos and benchmarks; single nodes are killed, paused and restarted through their
 * {@link RedisServer}.
 */
public final class RedisCluster implements AutoCloseable {

    /*
     * Wiring (start): every node is a RedisServer.clusterNode. The masters get distinct config epochs first
     * (CLUSTER SET-CONFIG-EPOCH, as redis-cli does, so that no epoch collision is left to resolve), the first node
     * MEETs every other, and once every node knows every other, the masters take equal slot ranges
     * (ADDSLOTSRANGE from Redis 7; one ADDSLOTS with every slot before, as the embedded 6.2 has no ranges) and each
     * replica REPLICATEs its master.
     *
     * start(), migrateSlot(), failover() and awaitPromotion() return only once the cluster is healthy again, as
     * ClusterSurvey defines it: every live node agrees on the slot owners and the roles, replicas are in sync.
     *
     * Roles are asked of the nodes every time (they change with failovers); node ids never change, since every
     * restart keeps the node's nodes.conf. The slot owners of the last healthy survey are remembered, so that
     * awaitPromotion still knows a dead master's slots when the cluster has already handed them over.
     */

    private static final Logger LOG = LoggerFactory.getLogger(RedisCluster.class);

    private static final String HOST = "127.0.0.1";
    private static final int SLOTS = ClusterView.SLOTS;
    private static final Duration DEFAULT_NODE_TIMEOUT = Duration.ofMillis(1_500);
    private static final Duration WIRING_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CHANGE_TIMEOUT = Duration.ofSeconds(60);
    /* A manual failover that has not promoted the replica by then is forced with TAKEOVER. */
    private static final Duration TAKEOVER_AFTER = Duration.ofSeconds(10);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);
    private static final long POLL_MILLIS = 50;
    private static final int MIGRATE_BATCH = 100;
    private static final int MIGRATE_TIMEOUT_MILLIS = 10_000;

    private final List<RedisServer> nodes;
    /* The masters at start: the seeds of uri(). */
    private final List<RedisServer> seeds;
    private final String password;
    private final Duration nodeTimeout;
    /* The slot owners' ports in the last healthy survey; null before the first. */
    private volatile int[] lastOwners;
    private boolean closed;

    private RedisCluster(List<RedisServer> nodes, int masters, String password, Duration nodeTimeout) {
        this.nodes = List.copyOf(nodes);
        this.seeds = this.nodes.subList(0, masters);
        this.password = password;
        this.nodeTimeout = Objects.requireNonNull(nodeTimeout, "nodeTimeout");
    }

    /**
     * Starts {@code masters} masters, each with {@code replicasPerMaster} replicas, and returns once the cluster is
     * healthy: cluster_state:ok on every node, every slot covered, every replica in sync with its master.
     */
    public static RedisCluster start(int masters, int replicasPerMaster) {
        return builder().masters(masters).replicasPerMaster(replicasPerMaster).start();
    }

    /** A builder for a cluster with a password, another node timeout or extra redis-server arguments. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The cluster's URI with the masters at start as seeds: {@code redis-cluster://127.0.0.1:p1,127.0.0.1:p2,...},
     * with {@code :password@} after the scheme when a password is set.
     */
    public String uri() {
        String auth = password == null ? ""
                : ":" + URLEncoder.encode(password, StandardCharsets.UTF_8).replace("+", "%20") + "@";
        return "redis-cluster://" + auth + seeds.stream().map(node -> HOST + ":" + node.port())
                .collect(Collectors.joining(","));
    }

    /** The {@code cluster-node-timeout} of every node: how long a silent master has before its replica takes over. */
    public Duration nodeTimeout() {
        return nodeTimeout;
    }

    /** Every node, masters at start first, then the replicas of the first master, of the second, and so on. */
    public List<RedisServer> nodes() {
        return nodes;
    }

    /** The live nodes (running, not paused) that are masters now, in the order of {@link #nodes()}. */
    public List<RedisServer> masters() {
        List<RedisServer> masters = new ArrayList<>();
        for (RedisServer node : nodes) {
            if (isLive(node) && ownLine(node).isMaster()) {
                masters.add(node);
            }
        }
        return masters;
    }

    /** The live nodes that are replicas of {@code master} now. */
    public List<RedisServer> replicasOf(RedisServer master) {
        String masterId = nodeId(master);
        List<RedisServer> replicas = new ArrayList<>();
        for (RedisServer node : nodes) {
            if (node != master && isLive(node) && masterId.equals(ownLine(node).masterId())) {
                replicas.add(node);
            }
        }
        return replicas;
    }

    /** The cluster id of {@code node}, asked of the node when it is live, else of the others; a restart keeps it. */
    public String nodeId(RedisServer node) {
        requireMember(node);
        if (isLive(node)) {
            return text(node, "CLUSTER", "MYID");
        }
        for (RedisServer other : nodes) {
            if (other != node && isLive(other)) {
                Optional<Node> seen = viewOf(other).byPort(node.port());
                if (seen.isPresent()) {
                    return seen.get().id();
                }
            }
        }
        throw new IllegalStateException("No live node of the cluster knows " + node);
    }

    /**
     * The live master that owns {@code slot} now, by its own account (when two claim it, the one with the higher
     * config epoch, as the cluster decides).
     */
    public RedisServer masterOf(int slot) {
        requireSlot(slot);
        RedisServer owner = null;
        long ownerEpoch = -1;
        for (RedisServer node : nodes) {
            if (!isLive(node)) {
                continue;
            }
            Node mine = ownLine(node);
            if (mine.isMaster() && mine.slots().get(slot) && mine.configEpoch() > ownerEpoch) {
                owner = node;
                ownerEpoch = mine.configEpoch();
            }
        }
        if (owner == null) {
            throw new IllegalStateException("No live master owns slot " + slot);
        }
        return owner;
    }

    /** The hash slot of {@code key}: CRC16 of the key, or of its first non-empty {@code {hash tag}}, modulo 16384. */
    public static int slot(byte[] key) {
        return KeySlot.of(Objects.requireNonNull(key, "key"));
    }

    /** The hash slot of the UTF-8 bytes of {@code key}. */
    public static int slot(String key) {
        return slot(Objects.requireNonNull(key, "key").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Moves {@code slot} and its keys to the master {@code target} as a resharding does: SETSLOT IMPORTING on the
     * target and MIGRATING on the owner, MIGRATE of its keys in batches (clients meanwhile get ASK for keys
     * already moved), then SETSLOT NODE on the target, the former owner and every other live master. Returns once
     * every live node sees the target as the owner and the cluster is healthy; a no-op when it already is.
     */
    public synchronized void migrateSlot(int slot, RedisServer target) {
        requireSlot(slot);
        requireOpen();
        requireLive(target, "migrateSlot");
        if (!ownLine(target).isMaster()) {
            throw new IllegalArgumentException(target + " is a replica; only a master can own slot " + slot);
        }
        RedisServer source = masterOf(slot);
        if (source == target) {
            return;
        }
        String sourceId = nodeId(source);
        String targetId = nodeId(target);
        run(target, "CLUSTER", "SETSLOT", slot, "IMPORTING", sourceId);
        run(source, "CLUSTER", "SETSLOT", slot, "MIGRATING", targetId);
        int moved = 0;
        try (NodeConnection connection = connect(source)) {
            while (true) {
                @SuppressWarnings("unchecked")
                List<Object> keys = (List<Object>) call(source, connection, "CLUSTER", "GETKEYSINSLOT", slot, MIGRATE_BATCH);
                if (keys.isEmpty()) {
                    break;
                }
                List<Object> migrate = new ArrayList<>(List.of("MIGRATE", HOST, target.port(), "", 0,
                        MIGRATE_TIMEOUT_MILLIS, "REPLACE"));
                if (password != null) {
                    migrate.addAll(List.of("AUTH", password));
                }
                migrate.add("KEYS");
                migrate.addAll(keys);
                call(source, connection, migrate.toArray());
                moved += keys.size();
            }
        }
        run(target, "CLUSTER", "SETSLOT", slot, "NODE", targetId);
        run(source, "CLUSTER", "SETSLOT", slot, "NODE", targetId);
        for (RedisServer other : nodes) {
            if (other != source && other != target && isLive(other) && ownLine(other).isMaster()) {
                run(other, "CLUSTER", "SETSLOT", slot, "NODE", targetId);
            }
        }
        await(CHANGE_TIMEOUT, "slot " + slot + " owned by " + target,
                survey -> survey.owners()[slot] == target.port() ? Boolean.TRUE : null);
        LOG.debug("Moved slot {} ({} keys) from {} to {}", slot, moved, source, target);
    }

    /**
     * Promotes {@code replica} to master of its master's slots: {@code CLUSTER FAILOVER}, or {@code FAILOVER FORCE}
     * when its master is down or paused ({@code TAKEOVER} if that has not worked within 10 s). Returns once
     * every live node sees it as master and the cluster is healthy.
     */
    public synchronized void failover(RedisServer replica) {
        requireOpen();
        requireLive(replica, "failover");
        Node mine = ownLine(replica);
        if (mine.isMaster()) {
            throw new IllegalArgumentException(replica + " is a master; failover needs a replica");
        }
        RedisServer master = viewOf(replica).byId(mine.masterId()).map(node -> nodeAt(node.port())).orElse(null);
        boolean masterAnswers = master != null && isLive(master);
        run(replica, masterAnswers ? new Object[] {"CLUSTER", "FAILOVER"} : new Object[] {"CLUSTER", "FAILOVER", "FORCE"});
        long takeoverAt = System.nanoTime() + TAKEOVER_AFTER.toNanos();
        boolean tookOver = false;
        long deadline = System.nanoTime() + CHANGE_TIMEOUT.toNanos();
        while (true) {
            ClusterSurvey survey = survey();
            if (survey.healthy() && survey.views().get(replica).myself().isMaster()) {
                LOG.debug("{} promoted to master", replica);
                return;
            }
            if (!tookOver && System.nanoTime() - takeoverAt > 0 && !ownLine(replica).isMaster()) {
                LOG.debug("{} not promoted within {} ms; CLUSTER FAILOVER TAKEOVER", replica, TAKEOVER_AFTER.toMillis());
                run(replica, "CLUSTER", "FAILOVER", "TAKEOVER");
                tookOver = true;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("Failover to " + replica + " did not complete within "
                        + CHANGE_TIMEOUT.toSeconds() + " s: " + describe(survey, "healthy, but it is no master yet"));
            }
            sleep(POLL_MILLIS);
        }
    }

    /**
     * Waits until the cluster has promoted a replica of {@code deadMaster} (killed or paused) by itself, after the
     * node timeout, and is healthy again; returns the new master of the dead master's slots.
     */
    public RedisServer awaitPromotion(RedisServer deadMaster, Duration timeout) {
        requireMember(deadMaster);
        Objects.requireNonNull(timeout, "timeout");
        BitSet slots = slotsOf(deadMaster);
        if (slots.isEmpty()) {
            throw new IllegalArgumentException(deadMaster + " owns no slots, as far as the live nodes and the last"
                    + " healthy survey say: nothing for a replica to take over");
        }
        int first = slots.nextSetBit(0);
        return await(timeout, "a replica of " + deadMaster + " promoted to master of its slots", survey -> {
            int port = survey.owners()[first];
            if (port == deadMaster.port()) {
                return null;
            }
            for (int slot = slots.nextSetBit(0); slot >= 0; slot = slots.nextSetBit(slot + 1)) {
                if (survey.owners()[slot] != port) {
                    return null;
                }
            }
            return nodeAt(port);
        });
    }

    /**
     * Waits until the cluster is healthy from every live node's view: state ok, every slot covered by a live
     * master, all views agreeing on slots and roles, live replicas in sync.
     */
    public void awaitHealthy(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        await(timeout, "a healthy cluster", survey -> Boolean.TRUE);
    }

    /** Stops every node and deletes their directories. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        for (RedisServer node : nodes) {
            try {
                node.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "RedisCluster" + nodes.stream().map(node -> Integer.toString(node.port()))
                .collect(Collectors.joining(",", "[", "]"));
    }

    /** Builds a cluster: its shape, a password, the node timeout, extra redis-server arguments for every node. */
    public static final class Builder {

        private int masters = 3;
        private int replicasPerMaster;
        private String password;
        private Duration nodeTimeout = DEFAULT_NODE_TIMEOUT;
        private final List<String> args = new ArrayList<>();

        private Builder() {
        }

        /** The number of masters (3 unless set); the slots are split evenly among them. */
        public Builder masters(int masters) {
            if (masters < 1) {
                throw new IllegalArgumentException("masters must be at least 1, was " + masters);
            }
            this.masters = masters;
            return this;
        }

        /** The number of replicas of each master (0 unless set). */
        public Builder replicasPerMaster(int replicasPerMaster) {
            if (replicasPerMaster < 0) {
                throw new IllegalArgumentException("replicasPerMaster must be at least 0, was " + replicasPerMaster);
            }
            this.replicasPerMaster = replicasPerMaster;
            return this;
        }

        /** Sets {@code requirepass} and {@code masterauth} on every node; {@link #uri()} carries the password. */
        public Builder password(String password) {
            this.password = Objects.requireNonNull(password, "password");
            return this;
        }

        /**
         * The {@code cluster-node-timeout} (1.5 s unless set): a master that does not answer for that long is
         * taken for failed and its replica promoted, about a second later.
         */
        public Builder nodeTimeout(Duration nodeTimeout) {
            this.nodeTimeout = Objects.requireNonNull(nodeTimeout, "nodeTimeout");
            return this;
        }

        /** Appends raw redis-server arguments for every node, e.g. {@code arg("--cluster-require-full-coverage", "no")}. */
        public Builder arg(String... args) {
            for (String arg : Objects.requireNonNull(args, "args")) {
                this.args.add(Objects.requireNonNull(arg, "arg"));
            }
            return this;
        }

        /** Starts and wires the cluster; returns once it is healthy. */
        public RedisCluster start() {
            int count = masters * (1 + replicasPerMaster);
            List<RedisServer> started = new ArrayList<>(count);
            try {
                for (int i = 0; i < count; i++) {
                    started.add(node().start());
                }
                RedisCluster cluster = new RedisCluster(started, masters, password, nodeTimeout);
                cluster.wire(masters, replicasPerMaster);
                LOG.debug("Started {} ({} masters, {} replicas each)", cluster, masters, replicasPerMaster);
                return cluster;
            } catch (RuntimeException e) {
                for (RedisServer node : started) {
                    try {
                        node.close();
                    } catch (RuntimeException suppressed) {
                        e.addSuppressed(suppressed);
                    }
                }
                throw e;
            }
        }

        private RedisServer.Builder node() {
            RedisServer.Builder node = RedisServer.builder().clusterNode(nodeTimeout)
                    /* A replica syncs at once (Redis 7 waits 5 s for more replicas by default), and a replica
                       whose link was down for long may still be promoted, so that tests need not time it. */
                    .arg("--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0",
                            "--cluster-replica-validity-factor", "0");
            if (password != null) {
                node.password(password).arg("--masterauth", password);
            }
            return node.arg(args.toArray(new String[0]));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // wiring

    private void wire(int masterCount, int replicasPerMaster) {
        for (int i = 0; i < masterCount; i++) {
            run(nodes.get(i), "CLUSTER", "SET-CONFIG-EPOCH", i + 1);
        }
        RedisServer first = nodes.get(0);
        for (RedisServer other : nodes.subList(1, nodes.size())) {
            run(first, "CLUSTER", "MEET", HOST, other.port());
        }
        awaitCondition(WIRING_TIMEOUT, "every node knowing every other", this::unmetNodes);

        boolean ranges = majorVersion(first) >= 7;
        for (int i = 0; i < masterCount; i++) {
            int from = i * SLOTS / masterCount;
            int to = (i + 1) * SLOTS / masterCount - 1;
            if (ranges) {
                run(nodes.get(i), "CLUSTER", "ADDSLOTSRANGE", from, to);
            } else {
                List<Object> command = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
                for (int slot = from; slot <= to; slot++) {
                    command.add(slot);
                }
                run(nodes.get(i), command.toArray());
            }
        }
        for (int i = 0; i < masterCount; i++) {
            String masterId = nodeId(nodes.get(i));
            for (int r = 0; r < replicasPerMaster; r++) {
                run(nodes.get(masterCount + i * replicasPerMaster + r), "CLUSTER", "REPLICATE", masterId);
            }
        }
        awaitHealthy(WIRING_TIMEOUT);
    }

    /* Why the MEETs are not done yet, or null once every node knows every other over a connected link. */
    private String unmetNodes() {
        for (RedisServer node : nodes) {
            ClusterView view = viewOf(node);
            if (view.nodes().size() != nodes.size()) {
                return node + " knows " + view.nodes().size() + " of " + nodes.size() + " nodes";
            }
            for (Node known : view.nodes()) {
                if (known.isHandshaking() || !known.connected()) {
                    return node + " is still getting to know the node on port " + known.port();
                }
            }
        }
        return null;
    }

    private int majorVersion(RedisServer node) {
        String version = ClusterSurvey.field(text(node, "INFO", "server"), "redis_version");
        return Integer.parseInt(version.substring(0, version.indexOf('.')));
    }

    // ---------------------------------------------------------------------------------------------------------
    // surveying

    /**
     * Surveys until the cluster is healthy and {@code done} gives a result for the survey (null: not yet);
     * returns that result, or throws after {@code timeout} naming what was still wrong.
     */
    private <T> T await(Duration timeout, String what, Function<ClusterSurvey, T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            ClusterSurvey survey = survey();
            T result = survey.healthy() ? done.apply(survey) : null;
            if (result != null) {
                return result;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("Waited " + timeout.toMillis() + " ms in vain for " + what + ": "
                        + describe(survey, "healthy, but not that yet"));
            }
            sleep(POLL_MILLIS);
        }
    }

    private static void awaitCondition(Duration timeout, String what, Supplier<String> problem) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String current;
        while ((current = problem.get()) != null) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("Waited " + timeout.toMillis() + " ms in vain for " + what + ": " + current);
            }
            sleep(POLL_MILLIS);
        }
    }

    /* Surveys the live nodes; remembers the slot owners when healthy. */
    private ClusterSurvey survey() {
        ClusterSurvey survey = ClusterSurvey.take(nodes, this::connect);
        if (survey.healthy()) {
            lastOwners = survey.owners().clone();
        }
        return survey;
    }

    private static String describe(ClusterSurvey survey, String whenHealthy) {
        return survey.problem() != null ? survey.problem() : whenHealthy;
    }

    /* The slots of a master: as a live node sees them now, else as the last healthy survey saw them. */
    private BitSet slotsOf(RedisServer master) {
        BitSet slots = new BitSet(SLOTS);
        for (RedisServer node : nodes) {
            if (node != master && isLive(node)) {
                viewOf(node).byPort(master.port()).ifPresent(seen -> slots.or(seen.slots()));
                break;
            }
        }
        int[] last = lastOwners;
        if (slots.isEmpty() && last != null) {
            for (int slot = 0; slot < SLOTS; slot++) {
                if (last[slot] == master.port()) {
                    slots.set(slot);
                }
            }
        }
        return slots;
    }

    // ---------------------------------------------------------------------------------------------------------
    // talking to nodes

    private ClusterView viewOf(RedisServer node) {
        return ClusterView.parse(text(node, "CLUSTER", "NODES"));
    }

    private Node ownLine(RedisServer node) {
        return viewOf(node).myself();
    }

    private NodeConnection connect(RedisServer node) {
        return NodeConnection.open(HOST, node.port(), password, COMMAND_TIMEOUT);
    }

    private Object run(RedisServer node, Object... command) {
        try (NodeConnection connection = connect(node)) {
            return call(node, connection, command);
        }
    }

    private String text(RedisServer node, Object... command) {
        Object reply = run(node, command);
        return reply instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(reply);
    }

    /* An error reply becomes an exception naming the node and the command's first words (never a password). */
    private static Object call(RedisServer node, NodeConnection connection, Object... command) {
        try {
            return connection.call(command);
        } catch (NodeConnection.ErrorReply e) {
            throw new IllegalStateException(node + " refused " + command[0] + " " + command[1] + ": " + e.getMessage(), e);
        }
    }

    private RedisServer nodeAt(int port) {
        for (RedisServer node : nodes) {
            if (node.port() == port) {
                return node;
            }
        }
        return null;
    }

    private static boolean isLive(RedisServer node) {
        return ClusterSurvey.isLive(node);
    }

    private void requireMember(RedisServer node) {
        Objects.requireNonNull(node, "node");
        if (!nodes.contains(node)) {
            throw new IllegalArgumentException(node + " is not a node of " + this);
        }
    }

    private void requireLive(RedisServer node, String operation) {
        requireMember(node);
        if (!isLive(node)) {
            throw new IllegalStateException(operation + " needs a running, unpaused node, but " + node + " is "
                    + (node.isRunning() ? "paused" : "not running"));
        }
    }

    private synchronized void requireOpen() {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
    }

    private static void requireSlot(int slot) {
        if (slot < 0 || slot >= SLOTS) {
            throw new IllegalArgumentException("slot must be in [0, " + SLOTS + "), was " + slot);
        }
    }

    private static void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the cluster", e);
        }
    }
}
