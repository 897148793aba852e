package dev.aside.testkit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One node's view of its cluster, parsed from its {@code CLUSTER NODES} reply: every node it knows, with its
 * flags, its master and the slots it owns.
 *
 * <p>A line reads {@code <id> <ip:port@busport[,hostname]> <flags> <master-id|-> <ping-sent> <pong-recv>
 * <config-epoch> <link-state> <slot|from-to>...}; the bracketed {@code [slot->-id]} / {@code [slot-<-id]}
 * markers of a slot being migrated or imported are not ownership and are skipped.
 */
final class ClusterView {

    static final int SLOTS = 16_384;

    private final List<Node> nodes;

    private ClusterView(List<Node> nodes) {
        this.nodes = List.copyOf(nodes);
    }

    /** Parses a {@code CLUSTER NODES} reply. */
    static ClusterView parse(String reply) {
        Objects.requireNonNull(reply, "reply");
        List<Node> nodes = new ArrayList<>();
        for (String line : reply.split("\n")) {
            String trimmed = line.trim();
            if (!trimmed.isEmpty()) {
                nodes.add(Node.parse(trimmed));
            }
        }
        return new ClusterView(nodes);
    }

    /** Every node this view knows, in the order of the reply. */
    List<Node> nodes() {
        return nodes;
    }

    /** The node that gave this view. */
    Node myself() {
        return nodes.stream().filter(Node::isMyself).findFirst()
                .orElseThrow(() -> new IllegalStateException("CLUSTER NODES has no 'myself' line"));
    }

    Optional<Node> byPort(int port) {
        return nodes.stream().filter(node -> node.port() == port).findFirst();
    }

    Optional<Node> byId(String id) {
        return nodes.stream().filter(node -> node.id().equals(id)).findFirst();
    }

    /**
     * The port of the owner of every slot (-1 for a slot nobody owns); when two nodes claim a slot, the one with
     * the higher config epoch, as the cluster itself decides.
     */
    int[] ownerPorts() {
        int[] owners = new int[SLOTS];
        long[] epochs = new long[SLOTS];
        Arrays.fill(owners, -1);
        for (Node node : nodes) {
            BitSet slots = node.slots();
            for (int slot = slots.nextSetBit(0); slot >= 0; slot = slots.nextSetBit(slot + 1)) {
                if (owners[slot] == -1 || node.configEpoch() > epochs[slot]) {
                    owners[slot] = node.port();
                    epochs[slot] = node.configEpoch();
                }
            }
        }
        return owners;
    }

    /** One line of {@code CLUSTER NODES}. */
    record Node(String id, int port, Set<String> flags, String masterId, long configEpoch, boolean connected,
                BitSet slots) {

        static Node parse(String line) {
            String[] fields = line.split(" ");
            if (fields.length < 8) {
                throw new IllegalStateException("Unexpected CLUSTER NODES line: " + line);
            }
            String address = fields[1].split("[@,]")[0];
            int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
            BitSet slots = new BitSet(SLOTS);
            for (int i = 8; i < fields.length; i++) {
                String token = fields[i];
                if (token.startsWith("[")) {
                    continue;
                }
                int dash = token.indexOf('-');
                if (dash < 0) {
                    slots.set(Integer.parseInt(token));
                } else {
                    slots.set(Integer.parseInt(token.substring(0, dash)), Integer.parseInt(token.substring(dash + 1)) + 1);
                }
            }
            return new Node(fields[0], port, Set.of(fields[2].split(",")), fields[3].equals("-") ? null : fields[3],
                    Long.parseLong(fields[6]), fields[7].equals("connected"), slots);
        }

        boolean isMyself() {
            return flags.contains("myself");
        }

        boolean isMaster() {
            return flags.contains("master");
        }

        /** Whether the view's node takes this one for failed (FAIL agreed by the masters, not a mere PFAIL). */
        boolean isFailed() {
            return flags.contains("fail");
        }

        /** Whether the view's node is still getting to know this one. */
        boolean isHandshaking() {
            return flags.contains("handshake") || flags.contains("noaddr");
        }
    }
}
