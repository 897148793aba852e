package dev.aside.resilience;

import dev.aside.redis.KeyLayout;
import dev.aside.redis.RedisOperationException;
import dev.aside.redis.RedisStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background task that brings a manager back from a Redis outage, node by node: while a node's
 * breaker is open it probes that node ({@link RedisStore#probe}: PING, or on a cluster whether the
 * node reports the cluster serving keys), and once it answers it replays the node's queued
 * invalidations before closing the breaker, so the node's keys are trusted again only when nothing
 * stale is left. Queued invalidations are also replayed while breakers stay closed (a single failed
 * removal does not open one).
 *
 * <p>Per node ({@link Breakers}): a standalone or Sentinel Redis is one node; on a cluster each
 * master is. Every 100 ms a tick groups the queued keys by the node that serves each now (so a key
 * of a dead master whose replica was promoted belongs to that replica), and hands each node's work,
 * a probe or a replay, to a task of its own, at most one per node at a time: a paused node's probe
 * waits out the command timeout without delaying any other node's replay. A key stays untrusted
 * (its reads fail open) until its own invalidation was applied. Caches marked for clearing (the
 * queue overflowed) are cleared with {@code SCAN}, which needs every master, so only while no
 * breaker is open. A cluster node that no longer serves any slot (a master replaced by its replica,
 * or removed) has its breaker retired, logged if it was open.
 *
 * <p>Acknowledged replays: a key queued by a cache with {@code invalidation-replicas} is replayed
 * with as many replicas acknowledging it ({@link RedisStore#replayInvalidations}). A replay that
 * fewer replicas acknowledged leaves its keys queued (and untrusted) for the next tick, but does not
 * keep the node's breaker open: the node answers, and its other keys are trusted again.
 */
public final class RedisHealth implements ResilienceMetricsMXBean, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RedisHealth.class);
  private static final long TICK_MILLIS = 100;
  /* The busy mark of the task that clears overflowed caches; no node id is empty-bracketed. */
  private static final String CLEARING = "[clear]";
  private static final AtomicInteger THREADS = new AtomicInteger();

  /** One node's breaker, for metrics and tests: the node as logs name it, and its counters. */
  public record NodeCircuit(String node, CircuitBreaker.State state, long opens, long shortCircuited) {}

  private final RedisStore store;
  private final Breakers breakers;
  private final InvalidationQueue queue;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService nodeTasks;
  private final Set<String> busy = ConcurrentHashMap.newKeySet();
  private final List<Runnable> whenTrusted = new CopyOnWriteArrayList<>();

  public RedisHealth(RedisStore store, Breakers breakers, InvalidationQueue queue) {
    this.store = Objects.requireNonNull(store);
    this.breakers = Objects.requireNonNull(breakers);
    this.queue = Objects.requireNonNull(queue);
    this.scheduler = Executors.newSingleThreadScheduledExecutor(task -> daemon(task, "aside-health"));
    this.nodeTasks = Executors.newCachedThreadPool(task -> daemon(task, "aside-health-" + THREADS.incrementAndGet()));
    scheduler.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
  }

  private static Thread daemon(Runnable task, String name) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    return thread;
  }

  /**
   * Called when a connection to Redis (on a cluster, to any node) is re-established: open breakers
   * probe now rather than at the end of their interval. Runs on a Lettuce event loop, so it only
   * hands the probe over.
   */
  public void connectionRestored() {
    breakers.byNode().values().forEach(CircuitBreaker::probeNow);
    try {
      scheduler.execute(this::tick);
    } catch (RejectedExecutionException closed) {
      // The manager is closing: nothing to recover.
    }
  }

  /**
   * Runs {@code action} each time Redis is trusted again: after a breaker closed, or after queued
   * invalidations were replayed while breakers stayed closed. Returns what unregisters it.
   */
  public Runnable whenTrustedAgain(Runnable action) {
    whenTrusted.add(Objects.requireNonNull(action));
    return () -> whenTrusted.remove(action);
  }

  private void trusted() {
    whenTrusted.forEach(Runnable::run);
  }

  private void tick() {
    try {
      retireFormerMasters();
      for (Map.Entry<String, CircuitBreaker> node : breakers.byNode().entrySet()) {
        if (!busy.contains(node.getKey()) && node.getValue().startProbe()) {
          submit(node.getKey(), () -> probe(node.getKey(), node.getValue()));
        }
      }
      if (queue.isEmpty()) {
        return;
      }
      for (Map.Entry<String, List<byte[]>> pending : pendingByNode().entrySet()) {
        String node = pending.getKey();
        CircuitBreaker breaker = breakers.of(node);
        if ((breaker == null || breaker.state() == CircuitBreaker.State.CLOSED) && !busy.contains(node)) {
          submit(node, () -> replay(node));
        }
      }
      if (!queue.pendingNamespaces().isEmpty() && breakers.notClosed() == 0) {
        submit(CLEARING, this::clearAndTrust);
      }
    } catch (RuntimeException e) {
      log.debug("Health check failed; will retry: {}", e.toString());
    }
  }

  /** Runs {@code work} for {@code node} unless a task of that node is still running. */
  private void submit(String node, Runnable work) {
    if (!busy.add(node)) {
      return;
    }
    try {
      nodeTasks.execute(() -> {
        try {
          work.run();
        } finally {
          busy.remove(node);
        }
      });
    } catch (RejectedExecutionException closed) {
      busy.remove(node);
    }
  }

  /** Probe, replay the node's invalidations (and clear overflowed caches, once no other breaker is open), close. */
  private void probe(String node, CircuitBreaker breaker) {
    try {
      store.probe(node);
      int replayed = replayKeysOfAnswering(node);
      if (breakers.notClosed() == 1) {
        clearOverflowed();
      }
      breaker.probeSucceeded();
      trusted();
      log.info("{} answers again: {} queued invalidations replayed, circuit breaker closed", breaker.subject(),
          replayed);
    } catch (RuntimeException e) {
      breaker.probeFailed();
      store.refreshTopology();   // on a cluster, a replica may have been promoted in its place
      log.debug("{} still unavailable: {}", breaker.subject(), e.toString());
    }
  }

  /** Replays the invalidations of a node whose breaker is closed. */
  private void replay(String node) {
    try {
      if (replayKeysOf(node) > 0) {
        trusted();
      }
    } catch (RuntimeException e) {
      log.debug("Replaying invalidations failed; will retry: {}", e.toString());
    }
  }

  private void clearAndTrust() {
    try {
      clearOverflowed();
      trusted();
    } catch (RuntimeException e) {
      log.debug("Clearing caches marked during an outage failed; will retry: {}", e.toString());
    }
  }

  /**
   * Deletes the queued keys that {@code node} serves now, and their leases, each acknowledged by the
   * replicas its cache asks for; returns how many. Throws the first failure, after replaying what it could.
   */
  private int replayKeysOf(String node) {
    Map<Integer, List<byte[]>> byReplicas = new LinkedHashMap<>();
    for (byte[] key : pendingByNode().getOrDefault(node, List.of())) {
      byReplicas.computeIfAbsent(queue.replicasFor(key), n -> new ArrayList<>()).add(key);
    }
    int replayed = 0;
    RuntimeException failure = null;
    for (Map.Entry<Integer, List<byte[]>> group : byReplicas.entrySet()) {
      try {
        store.replayInvalidations(group.getValue(), group.getKey());
        queue.applied(group.getValue(), List.of());
        replayed += group.getValue().size();
      } catch (RuntimeException e) {
        failure = failure == null ? e : failure;
      }
    }
    if (failure != null) {
      throw failure;
    }
    return replayed;
  }

  /** {@link #replayKeysOf} on a node that answered its probe: replays that replicas did not acknowledge stay queued. */
  private int replayKeysOfAnswering(String node) {
    try {
      return replayKeysOf(node);
    } catch (RedisOperationException e) {
      if (!e.isUnacknowledged()) {
        throw e;
      }
      log.debug("{}: replicas did not acknowledge the replay of invalidations yet; they stay queued: {}", node,
          e.getMessage());
      return 0;
    }
  }

  private void clearOverflowed() {
    List<String> namespaces = queue.pendingNamespaces();
    for (String namespace : namespaces) {
      store.replayClear(KeyLayout.patternOf(namespace), queue.replicasForNamespace(namespace));
    }
    queue.applied(List.of(), namespaces);
  }

  /** The queued keys by the node serving each now. */
  private Map<String, List<byte[]>> pendingByNode() {
    List<byte[]> keys = queue.pendingKeys();
    if (breakers.single() != null) {
      return keys.isEmpty() ? Map.of() : Map.of(Breakers.DEPLOYMENT, keys);
    }
    Map<String, List<byte[]>> byNode = new LinkedHashMap<>();
    for (byte[] key : keys) {
      byNode.computeIfAbsent(store.nodeOf(key), node -> new ArrayList<>()).add(key);
    }
    return byNode;
  }

  /** Retires the breakers of cluster nodes that serve no slot now (once the topology is known). */
  private void retireFormerMasters() {
    if (breakers.single() != null) {
      return;
    }
    Set<String> masters = store.masters();
    if (masters.isEmpty()) {
      return;
    }
    for (String node : breakers.byNode().keySet()) {
      if (masters.contains(node) || busy.contains(node)) {
        continue;
      }
      CircuitBreaker retired = breakers.retire(node);
      if (retired == null || retired.state() == CircuitBreaker.State.CLOSED) {
        continue;
      }
      if (node.equals(Breakers.DEPLOYMENT)) {
        log.info("{} answers again: each master has its own circuit breaker from now on", retired.subject());
      } else {
        log.info("{} serves no slot any more (a replica was promoted in its place, or it left the cluster): its"
            + " circuit breaker is retired; its keys' queued invalidations are replayed on the masters that serve"
            + " them now", retired.subject());
      }
    }
  }

  /** Every node's breaker now (one for a standalone or Sentinel Redis). */
  public List<NodeCircuit> nodeCircuits() {
    List<NodeCircuit> circuits = new ArrayList<>();
    breakers.byNode().values().forEach(breaker -> circuits.add(
        new NodeCircuit(breaker.label(), breaker.state(), breaker.opens(), breaker.shortCircuited())));
    return circuits;
  }

  @Override
  public String getCircuitState() {
    return breakers.state().name();
  }

  @Override
  public int getOpenCircuits() {
    return breakers.notClosed();
  }

  @Override
  public Map<String, String> getNodeCircuitStates() {
    Map<String, String> states = new LinkedHashMap<>();
    breakers.byNode().values().forEach(breaker -> states.put(breaker.label(), breaker.state().name()));
    return states;
  }

  @Override
  public long getCircuitOpens() {
    return breakers.opens();
  }

  @Override
  public long getShortCircuitedCommands() {
    return breakers.shortCircuited();
  }

  @Override
  public int getPendingInvalidations() {
    return queue.size();
  }

  @Override
  public long getQueuedInvalidations() {
    return queue.queued();
  }

  @Override
  public long getReplayedInvalidations() {
    return queue.replayed();
  }

  @Override
  public long getInvalidationQueueOverflows() {
    return queue.overflows();
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    nodeTasks.shutdownNow();
  }
}
