package dev.aside.demo;

import java.util.OptionalLong;

/** The user service under test: reads through a cache, writes to the database then invalidate; one implementation per contender. */
interface UserService extends AutoCloseable {

    /** The contender's name as shown in the report. */
    String name();

    /** The user with this id, or null if there is none. */
    User find(long id) throws Exception;

    /** Updates the user in the database, then invalidates its cache entry; returns the new version. */
    long update(long id) throws Exception;

    /** Drops the user's cache entry, as its expiry would. */
    void evict(long id) throws Exception;

    /** What this contender does, in a sentence or two, for the report's reader. */
    String description();

    /** Loads that were shared by concurrent misses, when the cache reports them. */
    default OptionalLong coalescedLoads() {
        return OptionalLong.empty();
    }

    /** Reads answered from the JVM while Redis was down, when the cache has such a thing. */
    default OptionalLong gutterHits() {
        return OptionalLong.empty();
    }

    @Override
    void close();
}
