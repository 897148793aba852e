package dev.aside.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The breakers of a manager: one for every key of a standalone Redis; one per cluster master, so
 * that one master's failures open its own breaker only, and the totals survive a retired breaker.
 */
class BreakersTest {
  private static final ResilienceSettings SETTINGS = new ResilienceSettings(2, Duration.ofSeconds(1), 100, 0, Duration.ofMillis(500));

  @Test
  void aStandaloneRedisHasOneBreakerForEveryNode() {
    Breakers breakers = Breakers.single(SETTINGS, "redis://127.0.0.1:6379");
    CircuitBreaker single = breakers.single();

    assertThat(breakers.of(Breakers.DEPLOYMENT)).isSameAs(single);
    assertThat(breakers.of("any")).isSameAs(single);
    assertThat(breakers.add("any", "127.0.0.1:7000")).isSameAs(single);
    assertThat(breakers.deployment()).isSameAs(single);
    assertThat(single.subject()).isEqualTo("Redis at redis://127.0.0.1:6379");
    assertThat(breakers.retire(Breakers.DEPLOYMENT)).isNull();
    assertThat(breakers.byNode()).containsOnlyKeys(Breakers.DEPLOYMENT);
  }

  @Test
  void oneMastersFailuresOpenItsOwnBreakerOnly() {
    Breakers breakers = Breakers.perClusterNode(SETTINGS, "redis-cluster://127.0.0.1:7000");
    assertThat(breakers.single()).isNull();
    assertThat(breakers.of("a")).as("no breaker before the node's first command").isNull();
    CircuitBreaker a = breakers.add("a", "127.0.0.1:7000");
    CircuitBreaker b = breakers.add("b", "127.0.0.1:7001");
    assertThat(breakers.add("a", "ignored")).isSameAs(a);
    assertThat(a.subject()).isEqualTo("Redis Cluster master 127.0.0.1:7000");

    a.recordFailure("GET timed out");
    a.recordFailure("GET timed out");

    assertThat(a.state()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(b.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(b.allowsRequest()).isTrue();
    assertThat(a.allowsRequest()).isFalse();
    assertThat(breakers.state()).as("the worst").isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(breakers.notClosed()).isOne();
    assertThat(breakers.opens()).isOne();
    assertThat(breakers.shortCircuited()).isOne();
  }

  @Test
  void aRetiredBreakerKeepsItsCountsInTheTotals() {
    Breakers breakers = Breakers.perClusterNode(SETTINGS, "redis-cluster://127.0.0.1:7000");
    CircuitBreaker dead = breakers.add("dead", "127.0.0.1:7000");
    dead.open("killed");
    dead.allowsRequest();
    dead.allowsRequest();

    assertThat(breakers.retire("dead")).isSameAs(dead);

    assertThat(breakers.byNode()).isEmpty();
    assertThat(breakers.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(breakers.opens()).isOne();
    assertThat(breakers.shortCircuited()).isEqualTo(2);
    assertThat(breakers.add("dead", "127.0.0.1:7000")).as("a node back in the topology starts afresh")
        .isNotSameAs(dead).extracting(CircuitBreaker::state).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void theDeploymentBreakerOfAClusterNamesTheUri() {
    Breakers breakers = Breakers.perClusterNode(SETTINGS, "redis-cluster://:***@127.0.0.1:7000");
    assertThat(breakers.deployment().subject()).isEqualTo("Redis at redis-cluster://:***@127.0.0.1:7000");
    assertThat(breakers.of(Breakers.DEPLOYMENT)).isSameAs(breakers.deployment());
  }
}
