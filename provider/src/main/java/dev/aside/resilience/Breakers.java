package dev.aside.resilience;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The circuit breakers of one manager, one per Redis node that serves its keys: the one master of
 * a standalone or Sentinel-managed Redis, or each master of a Redis Cluster.
 *
 * <p>A node is named by its cluster node id, as Lettuce's view of the topology gives it for the
 * master of a key's slot. {@link #DEPLOYMENT} names the whole deployment: the one node of a
 * standalone Redis, and on a cluster whatever has no known master (before the topology is known, or
 * a slot no master serves). A cluster node's breaker is made, closed, on its first command; a
 * replica promoted in a dead master's place is another node with its own breaker, so its keys are
 * served again as soon as the client's topology routes them there, while the dead master's breaker
 * stays open until {@link RedisHealth} retires it (the topology no longer gives it slots). The counts
 * of retired breakers stay in the totals.
 *
 * <p>Standalone costs what a single breaker costs: {@link #single()} is the breaker of every key,
 * and the store asks for it without looking a node up.
 */
public final class Breakers {
  /** The node id of the whole deployment (see the class comment). */
  public static final String DEPLOYMENT = "";

  private final ResilienceSettings settings;
  private final String redactedUri;
  private final CircuitBreaker single;
  private final ConcurrentMap<String, CircuitBreaker> byNode = new ConcurrentHashMap<>();
  private final LongAdder retiredOpens = new LongAdder();
  private final LongAdder retiredShortCircuits = new LongAdder();

  private Breakers(ResilienceSettings settings, String redactedUri, boolean perNode) {
    this.settings = Objects.requireNonNull(settings);
    this.redactedUri = Objects.requireNonNull(redactedUri);
    this.single = perNode ? null : new CircuitBreaker(settings, redactedUri);
    if (single != null) {
      byNode.put(DEPLOYMENT, single);
    }
  }

  /** One breaker for every key: a standalone or Sentinel-managed Redis, at {@code redactedUri} (as logs show it). */
  public static Breakers single(ResilienceSettings settings, String redactedUri) {
    return new Breakers(settings, redactedUri, false);
  }

  /** A breaker per master of the Redis Cluster at {@code redactedUri} (as logs show it). */
  public static Breakers perClusterNode(ResilienceSettings settings, String redactedUri) {
    return new Breakers(settings, redactedUri, true);
  }

  /** The breaker of every key of a standalone or Sentinel deployment; null on a cluster. */
  public CircuitBreaker single() {
    return single;
  }

  /** The breaker of {@code node}, or null if the node has none yet (standalone: the one breaker, whatever the node). */
  public CircuitBreaker of(String node) {
    return single != null ? single : byNode.get(node);
  }

  /** The breaker of {@code node}, made closed if it has none; {@code address} ({@code host:port}) names the node in logs. */
  public CircuitBreaker add(String node, String address) {
    if (single != null) {
      return single;
    }
    return byNode.computeIfAbsent(node, id -> id.equals(DEPLOYMENT) ? new CircuitBreaker(settings, redactedUri)
        : CircuitBreaker.ofClusterNode(settings, address));
  }

  /** The breaker of the whole deployment (see {@link #DEPLOYMENT}), made if needed. */
  public CircuitBreaker deployment() {
    return add(DEPLOYMENT, null);
  }

  /** The current breakers by node, a snapshot. */
  public Map<String, CircuitBreaker> byNode() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(byNode));
  }

  /** Forgets the breaker of a node that no longer serves keys, keeping its counts; returns it, or null. */
  CircuitBreaker retire(String node) {
    if (single != null) {
      return null;
    }
    CircuitBreaker retired = byNode.remove(node);
    if (retired != null) {
      retiredOpens.add(retired.opens());
      retiredShortCircuits.add(retired.shortCircuited());
    }
    return retired;
  }

  /** The worst state of any breaker: OPEN if one is open, else HALF_OPEN if one is probing, else CLOSED. */
  public CircuitBreaker.State state() {
    if (single != null) {
      return single.state();
    }
    CircuitBreaker.State worst = CircuitBreaker.State.CLOSED;
    for (CircuitBreaker breaker : byNode.values()) {
      CircuitBreaker.State state = breaker.state();
      if (state == CircuitBreaker.State.OPEN) {
        return state;
      }
      if (state == CircuitBreaker.State.HALF_OPEN) {
        worst = state;
      }
    }
    return worst;
  }

  /** How many breakers are not closed (open or probing). */
  public int notClosed() {
    int count = 0;
    for (CircuitBreaker breaker : byNode.values()) {
      if (breaker.state() != CircuitBreaker.State.CLOSED) {
        count++;
      }
    }
    return count;
  }

  /** Times any breaker opened, retired ones included. */
  public long opens() {
    long sum = retiredOpens.sum();
    for (CircuitBreaker breaker : byNode.values()) {
      sum += breaker.opens();
    }
    return sum;
  }

  /** Commands refused by any breaker, retired ones included. */
  public long shortCircuited() {
    long sum = retiredShortCircuits.sum();
    for (CircuitBreaker breaker : byNode.values()) {
      sum += breaker.shortCircuited();
    }
    return sum;
  }
}
