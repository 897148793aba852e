package dev.aside.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aside.testkit.ClusterView.Node;
import org.junit.jupiter.api.Test;

/** Parsing CLUSTER NODES as Redis 6.2 and 7 write it, mid-migration and after a failover. */
final class ClusterViewTest {

    private static final String A = "07c37dfeb235213a872192d90877d0cd55635b91";
    private static final String B = "67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1";
    private static final String C = "292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f";
    private static final String D = "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca";

    @Test
    void readsRolesSlotsAndFlagsSkippingMigrationMarkers() {
        ClusterView view = ClusterView.parse(String.join("\n",
                A + " 127.0.0.1:30004@40004,node-a myself,master - 0 0 7 connected 0-5460 [5461-<-" + B + "]",
                B + " 127.0.0.1:30002@40002 master - 0 1426238316232 2 connected 5461-10922 [5461->-" + A + "]",
                C + " 127.0.0.1:30003@40003 master,fail - 1426238313000 1426238312000 3 disconnected",
                D + " 127.0.0.1:30005@40005 slave " + A + " 0 1426238316232 7 connected",
                "") + "\n");

        assertThat(view.nodes()).hasSize(4);
        Node myself = view.myself();
        assertThat(myself.id()).isEqualTo(A);
        assertThat(myself.port()).isEqualTo(30004);
        assertThat(myself.isMaster()).isTrue();
        assertThat(myself.configEpoch()).isEqualTo(7);
        assertThat(myself.slots().cardinality()).as("5461 is only being imported").isEqualTo(5461);

        Node failed = view.byPort(30003).orElseThrow();
        assertThat(failed.isFailed()).isTrue();
        assertThat(failed.connected()).isFalse();
        assertThat(failed.slots().isEmpty()).isTrue();

        Node replica = view.byId(D).orElseThrow();
        assertThat(replica.isMaster()).isFalse();
        assertThat(replica.masterId()).isEqualTo(A);
        assertThat(view.byPort(30002).orElseThrow().flags()).doesNotContain("fail?");
    }

    @Test
    void ownerPortsGiveASlotClaimedTwiceToTheHigherConfigEpoch() {
        ClusterView view = ClusterView.parse(String.join("\n",
                A + " 127.0.0.1:30001@40001 myself,master - 0 0 1 connected 0-99",
                B + " 127.0.0.1:30002@40002 master - 0 0 4 connected 50 100-16383"));

        int[] owners = view.ownerPorts();

        assertThat(owners[0]).isEqualTo(30001);
        assertThat(owners[49]).isEqualTo(30001);
        assertThat(owners[50]).isEqualTo(30002);
        assertThat(owners[51]).isEqualTo(30001);
        assertThat(owners[16383]).isEqualTo(30002);
    }

    @Test
    void aSlotNobodyOwnsHasNoOwner() {
        ClusterView view = ClusterView.parse(A + " 127.0.0.1:30001@40001 myself,master - 0 0 1 connected 1-16383");

        assertThat(view.ownerPorts()[0]).isEqualTo(-1);
    }
}
