package dev.aside.demo;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Per user, the newest version whose database update and cache invalidation have both completed: a read that began
 * later and returned an older version is a stale read.
 */
final class CommittedVersions {

    private final AtomicLongArray versions;

    /** Every user starts committed at version 1, as seeded. */
    CommittedVersions(int users) {
        versions = new AtomicLongArray(users + 1);
        for (int id = 1; id <= users; id++) {
            versions.set(id, 1);
        }
    }

    /** The version a read of this user, beginning now, must at least return. */
    long floor(long id) {
        return versions.get((int) id);
    }

    /** Records that this version's update and invalidation are complete. */
    void commit(long id, long version) {
        versions.accumulateAndGet((int) id, version, Math::max);
    }
}
