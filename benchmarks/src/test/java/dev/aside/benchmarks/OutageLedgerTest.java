package dev.aside.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aside.benchmarks.OutageLedger.Phase;
import org.junit.jupiter.api.Test;

class OutageLedgerTest {

  private final OutageLedger ledger = new OutageLedger();

  @Test
  void aFailedReadIsCountedOnce() {
    ledger.record(10, null, 1);

    assertThat(ledger.failed()).isEqualTo(1);
    assertThat(ledger.reads(Phase.BEFORE_FAULT)).isEqualTo(1);
    assertThat(ledger.stale(Phase.BEFORE_FAULT)).isZero();
  }

  @Test
  void readsCountInThePhaseInWhichTheyReturned() {
    ledger.record(99, 1L, 2);
    ledger.faultStarts(100);
    ledger.record(100, 1L, 2);
    ledger.record(199, 5L, 2);
    ledger.redisAnswersAgain(200);
    ledger.record(200, 1L, 2);
    ledger.record(250, 3L, 3);

    assertThat(ledger.stale(Phase.BEFORE_FAULT)).as("stale in the healthy seconds: not the outage's").isEqualTo(1);
    assertThat(ledger.stale(Phase.OUTAGE)).isEqualTo(1);
    assertThat(ledger.stale(Phase.AFTER_REDIS_ANSWERS)).isEqualTo(1);
    assertThat(ledger.reads(Phase.OUTAGE)).isEqualTo(2);
    assertThat(ledger.reads(Phase.AFTER_REDIS_ANSWERS)).isEqualTo(2);
    assertThat(ledger.failed()).isZero();
  }

  @Test
  void beforeTheFaultEverythingIsBeforeTheFault() {
    assertThat(ledger.phaseAt(Long.MAX_VALUE - 1)).isEqualTo(Phase.BEFORE_FAULT);
  }

  @Test
  void aKeyIsStaleInRedisWhenItsValueIsOlderThanTheCommittedVersion() {
    Long[] inRedis = {3L, null, 2L, 7L};
    long[] committed = {3, 9, 4, 6};

    // Key 1 is not in Redis: nothing to serve. Key 3 holds a version not yet committed: not stale.
    assertThat(OutageLedger.staleKeys(inRedis, committed)).isEqualTo(1);
  }

  @Test
  void duringTheOutageAReadIsStaleOnlyBelowTheOutageFloorButStrictlyStaleBelowTheFloor() {
    ledger.faultStarts(100);
    ledger.record(150, 4L, 5, 4);   // within the gutter's bound: not stale, strictly stale
    ledger.record(160, 3L, 5, 4);   // older than the bound allows: stale
    ledger.redisAnswersAgain(200);
    ledger.record(250, 4L, 5, 4);   // after recovery the strict floor applies

    assertThat(ledger.stale(Phase.OUTAGE)).isEqualTo(1);
    assertThat(ledger.strictlyStale(Phase.OUTAGE)).isEqualTo(2);
    assertThat(ledger.stale(Phase.AFTER_REDIS_ANSWERS)).isEqualTo(1);
  }

  @Test
  void theCommitLogGivesTheNewestVersionCommittedByAMoment() {
    CommitLog log = new CommitLog(2, 1);
    log.committed(0, 2, 100);
    log.committed(0, 3, 200);

    assertThat(log.floor(0, 99)).isEqualTo(1);
    assertThat(log.floor(0, 100)).isEqualTo(2);
    assertThat(log.floor(0, 199)).isEqualTo(2);
    assertThat(log.floor(0, 500)).isEqualTo(3);
    assertThat(log.floor(1, 500)).isEqualTo(1);
  }
}
