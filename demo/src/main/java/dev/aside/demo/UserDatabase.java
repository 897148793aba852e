package dev.aside.demo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/** The source of truth: table {@code aside_demo_users} over plain JDBC, with a simulated cost per query and query counters. */
final class UserDatabase {

    static final String TABLE = "aside_demo_users";

    private final ConnectionPool pool;
    private final long queryCostNanos;
    private final LongAdder lookups = new LongAdder();
    private final LongAdder emptyLookups = new LongAdder();
    private final LongAdder updates = new LongAdder();

    UserDatabase(ConnectionPool pool, Duration queryCost) {
        this.pool = pool;
        this.queryCostNanos = queryCost.toNanos();
    }

    /** Drops and recreates the table with users 1..count at version 1, and zeroes the counters. */
    void reset(int count) throws SQLException {
        pool.with(connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("DROP TABLE IF EXISTS " + TABLE);
                statement.execute("CREATE TABLE " + TABLE + " (id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL,"
                        + " email VARCHAR(200) NOT NULL, version BIGINT NOT NULL)");
            }
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO " + TABLE + " (id, name, email, version) VALUES (?, ?, ?, 1)")) {
                for (long id = 1; id <= count; id++) {
                    insert.setLong(1, id);
                    insert.setString(2, "User " + id);
                    insert.setString(3, "user" + id + "@example.com");
                    insert.addBatch();
                    if (id % 1000 == 0 || id == count) {
                        insert.executeBatch();
                    }
                }
                connection.commit();
            } finally {
                connection.setAutoCommit(true);
            }
            return null;
        });
        lookups.reset();
        emptyLookups.reset();
        updates.reset();
    }

    /** The user with this id, or null if there is none. */
    User find(long id) throws SQLException {
        lookups.increment();
        User user = pool.with(connection -> {
            simulateCost();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT id, name, email, version FROM " + TABLE + " WHERE id = ?")) {
                select.setLong(1, id);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? new User(row.getLong(1), row.getString(2), row.getString(3), row.getLong(4))
                            : null;
                }
            }
        });
        if (user == null) {
            emptyLookups.increment();
        }
        return user;
    }

    /** Increments the user's version in one transaction and returns the new version. */
    long update(long id) throws SQLException {
        updates.increment();
        return pool.with(connection -> {
            simulateCost();
            connection.setAutoCommit(false);
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE " + TABLE + " SET version = version + 1 WHERE id = ?");
                 PreparedStatement select = connection.prepareStatement(
                    "SELECT version FROM " + TABLE + " WHERE id = ?")) {
                update.setLong(1, id);
                if (update.executeUpdate() != 1) {
                    throw new SQLException("No user " + id);
                }
                select.setLong(1, id);
                long version;
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    version = row.getLong(1);
                }
                connection.commit();
                return version;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection);
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        });
    }

    /** Queries so far (lookups plus updates). */
    long queries() {
        return lookups.sum() + updates.sum();
    }

    /** Lookups so far. */
    long lookups() {
        return lookups.sum();
    }

    /** Lookups so far that found no user. */
    long emptyLookups() {
        return emptyLookups.sum();
    }

    private void simulateCost() {
        long deadline = System.nanoTime() + queryCostNanos;
        for (long left = queryCostNanos; left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            // the original failure is the one worth reporting
        }
    }
}
