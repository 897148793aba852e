package dev.aside.cache;

import dev.aside.management.CacheStatistics;

/**
 * Every single-entry mutation of a cache, with the rules {@link Mutations} applies to it: which
 * arguments it checks, whether the writer is called before Redis, when it can be one Redis command,
 * what a Redis failure becomes, and what the JCache statistics count. One row per operation, so a
 * new operation is one more row plus what is specific to it.
 */
enum Operation {
  PUT(Checks.ENTRY, WriterCall.WRITE, Route.ONE_COMMAND_IF_PREDICTABLE, Failure.WRITE, Counting.PUT),
  GET_AND_PUT(Checks.ENTRY, WriterCall.WRITE, Route.ONE_COMMAND_IF_PREDICTABLE, Failure.WRITE, Counting.READ_THEN_PUT),
  PUT_IF_ABSENT(Checks.ENTRY, WriterCall.NONE, Route.ONE_COMMAND_IF_PREDICTABLE_WITHOUT_WRITER, Failure.WRITE,
      Counting.PUT_IF_ABSENT),
  REPLACE(Checks.ENTRY, WriterCall.NONE, Route.ONE_COMMAND_IF_PREDICTABLE_WITHOUT_WRITER, Failure.WRITE,
      Counting.READ_THEN_PUT),
  REPLACE_IF_EQUALS(Checks.ENTRY_AND_EXPECTED, WriterCall.NONE, Route.COMPARE_AND_SET, Failure.WRITE,
      Counting.READ_THEN_PUT),
  /** One entry of {@code putAll} that needs more than a plain {@code SET}: checked and written through as a batch. */
  PUT_OF_BATCH(Checks.NONE, WriterCall.NONE, Route.ONE_COMMAND_IF_PREDICTABLE, Failure.WRITE, Counting.PUT_UNTIMED),
  /** A value {@code loadAll} loaded: a load, not a put, so no writer call and no statistics. */
  STORE_LOADED(Checks.NONE, WriterCall.NONE, Route.ONE_COMMAND_IF_PREDICTABLE, Failure.WRITE, Counting.NONE),
  REMOVE(Checks.KEY, WriterCall.DELETE, Route.ONE_COMMAND, Failure.REMOVAL, Counting.REMOVAL),
  GET_AND_REMOVE(Checks.KEY, WriterCall.DELETE, Route.ONE_COMMAND, Failure.REMOVAL, Counting.READ_THEN_REMOVAL),
  REMOVE_IF_EQUALS(Checks.KEY_AND_EXPECTED, WriterCall.NONE, Route.COMPARE_AND_SET, Failure.WRITE,
      Counting.READ_THEN_REMOVAL),
  /** {@code iterator().remove()}. */
  REMOVE_ITERATED(Checks.OPEN, WriterCall.DELETE, Route.ONE_COMMAND, Failure.REMOVAL, Counting.REMOVAL),
  /** {@code invoke}: the processor's entry counts its own statistics as the spec asks (see {@link Processing}). */
  INVOKE(Checks.KEY, WriterCall.NONE, Route.COMPARE_AND_SET, Failure.WRITE, Counting.NONE);

  /** What is checked before anything else happens; every check but NONE starts with "the cache is open". */
  enum Checks { NONE, OPEN, KEY, KEY_AND_EXPECTED, ENTRY, ENTRY_AND_EXPECTED }

  /** The writer call made before Redis is touched, by an operation whose writer call does not depend on the entry. */
  enum WriterCall { NONE, WRITE, DELETE }

  /** When an operation is one Redis command (a script counts as one) rather than a compare-and-set. */
  enum Route {
    /** Always one command: it needs no TTL and no decision on the entry's value. */
    ONE_COMMAND,
    /** One command when the expiry policy's answers are known up front ({@code ExpiryTimes#isPredictable}). */
    ONE_COMMAND_IF_PREDICTABLE,
    /** As above, and only without a writer: a conditional operation calls the writer only if its condition holds. */
    ONE_COMMAND_IF_PREDICTABLE_WITHOUT_WRITER,
    /** Always read, decide, compare-and-set: the decision compares values or runs user code. */
    COMPARE_AND_SET;

    boolean isOneCommand(boolean predictableExpiry, boolean writeThrough) {
      return switch (this) {
        case ONE_COMMAND -> true;
        case ONE_COMMAND_IF_PREDICTABLE -> predictableExpiry;
        case ONE_COMMAND_IF_PREDICTABLE_WITHOUT_WRITER -> predictableExpiry && !writeThrough;
        case COMPARE_AND_SET -> false;
      };
    }
  }

  /** What a Redis failure becomes ({@link dev.aside.resilience.FailurePolicy}): a failed write, or a removal queued for replay. */
  enum Failure { WRITE, REMOVAL }

  /** What the JCache statistics count for one operation, given whether the entry was found and whether it changed. */
  enum Counting {
    NONE,
    /** A put, timed, if it stored. */
    PUT,
    /** A put, untimed (the batch is timed once), if it stored. */
    PUT_UNTIMED,
    /** A hit or miss, timed as a get; and a put if it stored. */
    READ_THEN_PUT,
    /** A miss and a timed put if it stored, else a hit; no get time. */
    PUT_IF_ABSENT,
    /** A removal, timed, if it removed. */
    REMOVAL,
    /** A hit or miss, timed as a get; and a removal if it removed. */
    READ_THEN_REMOVAL;

    void record(CacheStatistics statistics, boolean found, boolean changed, long startNanos) {
      switch (this) {
        case NONE -> { }
        case PUT -> countPut(statistics, changed, startNanos);
        case PUT_UNTIMED -> {
          if (changed) {
            statistics.recordPuts(1);
          }
        }
        case READ_THEN_PUT -> {
          countRead(statistics, found, startNanos);
          countPut(statistics, changed, startNanos);
        }
        case PUT_IF_ABSENT -> {
          if (changed) {
            statistics.recordPuts(1);
            statistics.recordMisses(1);
            statistics.recordPutTimeNanos(System.nanoTime() - startNanos);
          } else {
            statistics.recordHits(1);
          }
        }
        case REMOVAL -> countRemoval(statistics, changed, startNanos);
        case READ_THEN_REMOVAL -> {
          countRead(statistics, found, startNanos);
          countRemoval(statistics, changed, startNanos);
        }
      }
    }

    static void countRead(CacheStatistics statistics, boolean found, long startNanos) {
      if (found) {
        statistics.recordHits(1);
      } else {
        statistics.recordMisses(1);
      }
      statistics.recordGetTimeNanos(System.nanoTime() - startNanos);
    }

    static void countPut(CacheStatistics statistics, boolean changed, long startNanos) {
      if (changed) {
        statistics.recordPuts(1);
        statistics.recordPutTimeNanos(System.nanoTime() - startNanos);
      }
    }

    static void countRemoval(CacheStatistics statistics, boolean changed, long startNanos) {
      if (changed) {
        statistics.recordRemovals(1);
        statistics.recordRemoveTimeNanos(System.nanoTime() - startNanos);
      }
    }
  }

  final Checks checks;
  final WriterCall writerFirst;
  final Route route;
  final Failure failure;
  final Counting counting;

  Operation(Checks checks, WriterCall writerFirst, Route route, Failure failure, Counting counting) {
    this.checks = checks;
    this.writerFirst = writerFirst;
    this.route = route;
    this.failure = failure;
    this.counting = counting;
  }
}
