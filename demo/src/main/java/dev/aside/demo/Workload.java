package dev.aside.demo;

import java.util.SplittableRandom;

/**
 * The request mix: reads and updates of Zipf-popular users (user 1 the hottest), and reads of ids that do not
 * exist, themselves Zipf-popular; every thread draws its own deterministic sequence, so both runs see the same one.
 */
final class Workload {

    /** What a request does. */
    enum Kind { READ, READ_MISSING, UPDATE }

    /** One request: its kind and the user id. */
    record Operation(Kind kind, long id) {
    }

    /** The id of the hottest user. */
    static final long HOT_ID = 1;

    private final int users;
    private final double updateShare;
    private final double missingShare;
    private final long seed;
    private final Zipf existing;
    private final Zipf missing;

    Workload(int users, int missingUsers, double zipfExponent, double updateShare, double missingShare, long seed) {
        this.users = users;
        this.updateShare = updateShare;
        this.missingShare = missingShare;
        this.seed = seed;
        this.existing = new Zipf(users, zipfExponent);
        this.missing = new Zipf(missingUsers, zipfExponent);
    }

    /** The number of users in the database (ids 1..users). */
    int users() {
        return users;
    }

    /** The share of reads that go to the hottest user. */
    double hotShare() {
        return existing.topShare();
    }

    /** The operation sequence of one worker thread, the same in every run. */
    Stream stream(int thread) {
        return new Stream(new SplittableRandom(seed * 31 + thread));
    }

    /** A worker's deterministic operation sequence. */
    final class Stream {
        private final SplittableRandom random;

        private Stream(SplittableRandom random) {
            this.random = random;
        }

        /** The next operation. */
        Operation next() {
            if (random.nextDouble() < updateShare) {
                return new Operation(Kind.UPDATE, existing.sample(random));
            }
            if (random.nextDouble() < missingShare) {
                return new Operation(Kind.READ_MISSING, users + (long) missing.sample(random));
            }
            return new Operation(Kind.READ, existing.sample(random));
        }
    }
}
