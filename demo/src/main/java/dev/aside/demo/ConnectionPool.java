package dev.aside.demo;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/** A fixed number of JDBC connections shared by all threads: a request waits when all are busy, as with a real pool. */
final class ConnectionPool implements AutoCloseable {

    /** Work done with a borrowed connection. */
    interface Work<T> {
        T apply(Connection connection) throws SQLException;
    }

    private final List<Connection> all = new ArrayList<>();
    private final BlockingQueue<Connection> idle;

    ConnectionPool(String url, String user, String password, int size) throws SQLException {
        idle = new ArrayBlockingQueue<>(size);
        try {
            for (int i = 0; i < size; i++) {
                Connection connection = DriverManager.getConnection(url, credentials(user, password));
                all.add(connection);
                idle.add(connection);
            }
        } catch (SQLException e) {
            close();
            throw e;
        }
    }

    private static Properties credentials(String user, String password) {
        Properties properties = new Properties();
        if (user != null) {
            properties.setProperty("user", user);
        }
        if (password != null) {
            properties.setProperty("password", password);
        }
        return properties;
    }

    /** Runs {@code work} with a connection, waiting for one to become free. */
    <T> T with(Work<T> work) throws SQLException {
        Connection connection;
        try {
            connection = idle.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("Interrupted while waiting for a database connection", e);
        }
        try {
            return work.apply(connection);
        } finally {
            idle.add(connection);
        }
    }

    @Override
    public void close() {
        for (Connection connection : all) {
            try {
                connection.close();
            } catch (SQLException e) {
                // closing at shutdown: nothing useful to do
            }
        }
    }
}
