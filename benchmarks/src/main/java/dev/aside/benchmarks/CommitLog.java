package dev.aside.benchmarks;

/**
 * The {@code outage} scenario's record of when each key's versions were committed (the source updated and
 * the invalidation returned), so a read can be judged against the newest version committed before a given
 * moment: the read's start (strict), or its start minus {@code outage-ttl} (the gutter's staleness bound).
 */
final class CommitLog {
  private static final int PER_KEY = 512;

  private final long[][] at;
  private final long[][] versions;
  private final int[] count;
  private final long initial;

  /** @param initial the version every key holds before any commit */
  CommitLog(int keys, long initial) {
    this.at = new long[keys][PER_KEY];
    this.versions = new long[keys][PER_KEY];
    this.count = new int[keys];
    this.initial = initial;
  }

  /** Version {@code version} of {@code key} was committed at {@code nanoTime} (calls for a key in time order). */
  void committed(int key, long version, long nanoTime) {
    synchronized (at[key]) {
      int slot = count[key]++ % PER_KEY;
      at[key][slot] = nanoTime;
      versions[key][slot] = version;
    }
  }

  /**
   * The newest version of {@code key} committed at or before {@code nanoTime}. If the log has wrapped past
   * that moment, the oldest version it still holds, minus one: a lower floor, so never a false stale read.
   */
  long floor(int key, long nanoTime) {
    synchronized (at[key]) {
      int n = count[key];
      long best = Long.MIN_VALUE;
      int oldest = Math.max(0, n - PER_KEY);
      for (int i = n - 1; i >= oldest; i--) {
        int slot = i % PER_KEY;
        if (at[key][slot] - nanoTime <= 0) {
          best = Math.max(best, versions[key][slot]);
          break;
        }
      }
      if (best != Long.MIN_VALUE) {
        return best;
      }
      return n > PER_KEY ? versions[key][oldest % PER_KEY] - 1 : initial;
    }
  }
}
