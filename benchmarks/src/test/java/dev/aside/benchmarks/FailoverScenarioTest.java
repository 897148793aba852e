package dev.aside.benchmarks;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A failover run whose figures would mean nothing fails, and says why. */
class FailoverScenarioTest {

  private static OutageLedger ledgerWithReadsDuringTheFailover() {
    OutageLedger ledger = new OutageLedger();
    ledger.record(10, 1L, 1);
    ledger.faultStarts(100);
    ledger.record(150, 1L, 1);
    ledger.redisAnswersAgain(200);
    ledger.record(250, 1L, 1);
    return ledger;
  }

  @Test
  void aRunThatTestedAFailoverPasses() {
    assertThatCode(() -> FailoverScenario.checkMeaningful(ledgerWithReadsDuringTheFailover(), 10, 0.98, 0.6, 5.1))
        .doesNotThrowAnyException();
  }

  @Test
  void aKillThatDidNotReachTheReadsFailsTheRun() {
    assertThatThrownBy(() -> FailoverScenario.checkMeaningful(ledgerWithReadsDuringTheFailover(), 10, 0.98, 0.99, 0))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("did not reach the reads");
  }

  @Test
  void noInvalidationAfterThePromotionOrNoRecoveryFailsTheRun() {
    assertThatThrownBy(() -> FailoverScenario.checkMeaningful(ledgerWithReadsDuringTheFailover(), 0, 0.98, 0.6, -1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no invalidation was acknowledged after the promotion")
        .hasMessageContaining("never held 95%");
  }

  @Test
  void noReadDuringTheFailoverFailsTheRun() {
    OutageLedger ledger = new OutageLedger();
    ledger.faultStarts(100);
    ledger.redisAnswersAgain(200);
    assertThatThrownBy(() -> FailoverScenario.checkMeaningful(ledger, 10, 0.98, 0.6, 5))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no read returned during the failover");
  }
}
