package dev.aside.benchmarks;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The {@code outage} scenario's account of its reads: each read counted once, as failed (it threw or found
 * nothing, though the loader always finds a value), stale (older than the newest version whose
 * invalidation had returned before the read started) or fresh, in the phase in which it returned.
 *
 * <p>The phases are set by the thread that drives the fault: {@link #faultStarts} just before the fault,
 * {@link #redisAnswersAgain} just before the fault is lifted. A read that returns after that second mark
 * counts as after recovery even if it started during the outage, so the after-recovery counts are the
 * strict ones: nothing that could have read a revived Redis escapes them.
 */
final class OutageLedger {

  /** When a read returned, relative to the fault. */
  enum Phase {
    BEFORE_FAULT, OUTAGE, AFTER_REDIS_ANSWERS
  }

  private volatile long faultAt = Long.MAX_VALUE;
  private volatile long backAt = Long.MAX_VALUE;
  private volatile long closedAt = Long.MAX_VALUE;
  private final LongAdder staleAfterClosed = new LongAdder();
  private final LongAdder beyondBoundAfter = new LongAdder();
  private final Map<Phase, LongAdder> failed = adders();
  private final Map<Phase, LongAdder> stale = adders();
  private final Map<Phase, LongAdder> strictlyStale = adders();
  private final Map<Phase, LongAdder> reads = adders();

  /** Marks the start of the fault, on the {@link System#nanoTime()} clock. */
  void faultStarts(long nanoTime) {
    faultAt = nanoTime;
  }

  /** Marks the moment from which Redis may answer again, on the {@link System#nanoTime()} clock. */
  void redisAnswersAgain(long nanoTime) {
    backAt = nanoTime;
  }

  /** Marks the moment the reading JVM's circuit was seen closed again (it trusts Redis from then on). */
  void circuitClosed(long nanoTime) {
    closedAt = nanoTime;
  }

  /** The phase of a read that returned at {@code nanoTime}. */
  Phase phaseAt(long nanoTime) {
    if (nanoTime - backAt >= 0) {
      return Phase.AFTER_REDIS_ANSWERS;
    }
    return nanoTime - faultAt >= 0 ? Phase.OUTAGE : Phase.BEFORE_FAULT;
  }

  /**
   * Records one read that returned at {@code returnedAt}: {@code seen} is what it returned (null if it threw or
   * found nothing), {@code floor} the newest version whose invalidation had returned before it started.
   */
  Phase record(long returnedAt, Long seen, long floor) {
    return record(returnedAt, seen, floor, floor);
  }

  /**
   * {@link #record(long, Long, long)} with the outage's own floor: during the outage a read is stale only if
   * older than {@code outageFloor}, the newest version committed more than {@code outage-ttl} before it
   * started (the gutter's bound); {@link #strictlyStale} counts reads older than {@code floor} in every phase.
   */
  Phase record(long returnedAt, Long seen, long floor, long outageFloor) {
    return record(Long.MIN_VALUE, returnedAt, seen, floor, outageFloor);
  }

  /**
   * {@link #record(long, Long, long, long)} knowing when the read began: after Redis answered again, a read that
   * began once the circuit was closed is also counted in {@link #staleAfterCircuitClosed} if older than
   * {@code floor}, and any read in {@link #beyondBoundAfterRecovery} if older than {@code outageFloor} (until
   * the circuit closes, the reading JVM still serves the gutter, within its bound).
   */
  Phase record(long startedAt, long returnedAt, Long seen, long floor, long outageFloor) {
    Phase phase = phaseAt(returnedAt);
    if (phase == Phase.AFTER_REDIS_ANSWERS && seen != null) {
      if (startedAt - closedAt >= 0 && seen < floor) {
        staleAfterClosed.increment();
      }
      if (seen < outageFloor) {
        beyondBoundAfter.increment();
      }
    }
    reads.get(phase).increment();
    if (seen == null) {
      failed.get(phase).increment();
      return phase;
    }
    if (seen < (phase == Phase.OUTAGE ? outageFloor : floor)) {
      stale.get(phase).increment();
    }
    if (seen < floor) {
      strictlyStale.get(phase).increment();
    }
    return phase;
  }

  /** Reads begun after the circuit closed again, older than the newest version committed before they began. */
  long staleAfterCircuitClosed() {
    return staleAfterClosed.sum();
  }

  /** Reads returned after Redis answered again that are older than the gutter's bound allows. */
  long beyondBoundAfterRecovery() {
    return beyondBoundAfter.sum();
  }

  /** Reads older than the newest version committed before they started, whatever the phase's bound. */
  long strictlyStale(Phase phase) {
    return strictlyStale.get(phase).sum();
  }

  long reads(Phase phase) {
    return reads.get(phase).sum();
  }

  long failed(Phase phase) {
    return failed.get(phase).sum();
  }

  long failed() {
    return failed.values().stream().mapToLong(LongAdder::sum).sum();
  }

  long stale(Phase phase) {
    return stale.get(phase).sum();
  }

  /**
   * How many keys Redis held a value for that was older than the newest version whose invalidation had
   * returned: what a client that trusts Redis as soon as it answers would serve. {@code inRedis[k]} is the
   * version Redis held for key {@code k} (null: none), {@code committed[k]} the newest committed version.
   */
  static int staleKeys(Long[] inRedis, long[] committed) {
    int stale = 0;
    for (int k = 0; k < inRedis.length; k++) {
      if (inRedis[k] != null && inRedis[k] < committed[k]) {
        stale++;
      }
    }
    return stale;
  }

  private static Map<Phase, LongAdder> adders() {
    Map<Phase, LongAdder> adders = new EnumMap<>(Phase.class);
    for (Phase phase : Phase.values()) {
      adders.put(phase, new LongAdder());
    }
    return adders;
  }
}
