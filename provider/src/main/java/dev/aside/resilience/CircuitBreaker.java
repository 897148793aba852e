package dev.aside.resilience;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops sending commands to a Redis node that keeps failing, and lets a background probe decide when
 * it is healthy again: one per manager for a standalone or Sentinel-managed Redis, one per master
 * node of a Redis Cluster ({@link Breakers}).
 *
 * <pre>
 *   CLOSED     commands flow; {@code breakerFailures} consecutive failures open the breaker
 *   OPEN       every command fails at once, without touching Redis, until the open interval ends
 *   HALF_OPEN  the probe (PING, then replay of queued invalidations) is running; commands still fail fast
 * </pre>
 * A successful probe closes the breaker; a failed one reopens it for twice as long, capped at 2 s
 * (or the first interval, if longer): probing a dead Redis costs one refused PING, and recovery
 * should not wait. When the connection comes back the probe runs at once ({@link #probeNow}).
 * Only connection-level failures count (timeouts, refused or lost connections); a Redis error
 * reply such as {@code WRONGTYPE} is an answer, not a sign of sickness.
 *
 * <p>Opening is logged once per outage, at WARN, with the failure that opened it and the node it
 * guards (the redacted URI, or a cluster master's {@code host:port}); failed probes (HALF_OPEN back
 * to OPEN) are not. {@link RedisHealth} logs the closing, after the replay.
 */
public final class CircuitBreaker {
  /** The breaker's states. */
  public enum State { CLOSED, OPEN, HALF_OPEN }

  private static final Logger log = LoggerFactory.getLogger(CircuitBreaker.class);

  private final String label;
  private final String subject;
  private final String whileOpen;
  private final int threshold;
  private final long baseOpenNanos;
  private final long maxOpenNanos;
  private final AtomicInteger consecutiveFailures = new AtomicInteger();
  private final LongAdder opens = new LongAdder();
  private final LongAdder shortCircuited = new LongAdder();
  private volatile State state = State.CLOSED;
  private long openNanos;
  private long probeAt;

  /** The breaker of a whole deployment; {@code redactedUri} is the Redis URI as log lines show it (never with a password). */
  public CircuitBreaker(ResilienceSettings settings, String redactedUri) {
    this(settings, redactedUri, "Redis at ", "Reads are served by loaders, writes and removals queue"
        + " invalidations, until Redis answers again");
  }

  /** The breaker of one master of a Redis Cluster, at {@code address} ({@code host:port}). */
  static CircuitBreaker ofClusterNode(ResilienceSettings settings, String address) {
    return new CircuitBreaker(settings, address, "Redis Cluster master ", "Reads of the keys it serves are"
        + " served by loaders, their writes and removals queue invalidations, until it or a replica promoted in"
        + " its place answers; the other masters keep serving their keys");
  }

  private CircuitBreaker(ResilienceSettings settings, String label, String kind, String whileOpen) {
    this.label = Objects.requireNonNull(label);
    this.subject = kind + label;
    this.whileOpen = Objects.requireNonNull(whileOpen);
    this.threshold = settings.breakerFailures();
    this.baseOpenNanos = settings.breakerOpen().toNanos();
    this.maxOpenNanos = Math.max(baseOpenNanos, ResilienceSettings.MAX_OPEN.toNanos());
    this.openNanos = baseOpenNanos;
  }

  /** Whether a command may be sent now; counts the ones refused. */
  public boolean allowsRequest() {
    if (state == State.CLOSED) {
      return true;
    }
    shortCircuited.increment();
    return false;
  }

  public void recordSuccess() {
    if (consecutiveFailures.get() != 0) {
      consecutiveFailures.set(0);
    }
  }

  /** A command failed for a connection-level {@code reason}; the last of {@code breakerFailures} in a row opens. */
  public void recordFailure(String reason) {
    if (consecutiveFailures.incrementAndGet() >= threshold) {
      open(threshold + " commands in a row failed, the last: " + reason);
    }
  }

  /** Opens the breaker now, for {@code reason} (also used when Redis cannot be reached at all). */
  public synchronized void open(String reason) {
    if (state == State.CLOSED) {
      state = State.OPEN;
      opens.increment();
      openNanos = baseOpenNanos;
      probeAt = System.nanoTime() + openNanos;
      log.warn("{} is unavailable ({}): circuit breaker open. {}", subject, reason, whileOpen);
    }
  }

  /** Moves an open breaker whose interval has ended to half-open; true if the caller should probe. */
  synchronized boolean startProbe() {
    if (state == State.OPEN && System.nanoTime() - probeAt >= 0) {
      state = State.HALF_OPEN;
      return true;
    }
    return false;
  }

  /** Brings an open breaker's next probe forward to now: the connection is back, so Redis may answer. */
  synchronized void probeNow() {
    if (state == State.OPEN) {
      probeAt = System.nanoTime();
    }
  }

  synchronized void probeSucceeded() {
    state = State.CLOSED;
    consecutiveFailures.set(0);
    openNanos = baseOpenNanos;
  }

  synchronized void probeFailed() {
    state = State.OPEN;
    openNanos = Math.min(openNanos * 2, maxOpenNanos);
    probeAt = System.nanoTime() + openNanos;
  }

  /** The node this breaker guards: the redacted URI, or a cluster master's {@code host:port}. */
  public String label() {
    return label;
  }

  /** What this breaker guards, as log lines name it: {@code Redis at <redacted URI>} or {@code Redis Cluster master host:port}. */
  public String subject() {
    return subject;
  }

  public State state() {
    return state;
  }

  public long opens() {
    return opens.sum();
  }

  public long shortCircuited() {
    return shortCircuited.sum();
  }
}
