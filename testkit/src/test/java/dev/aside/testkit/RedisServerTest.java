package dev.aside.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Starts, kills, restarts, pauses and resumes real redis-server processes. */
@RedisTest
final class RedisServerTest {

    @Test
    void startedServerAnswersPing() throws IOException {
        try (RedisServer server = RedisServer.start()) {
            assertThat(server.host()).isEqualTo("127.0.0.1");
            assertThat(server.uri()).isEqualTo("redis://127.0.0.1:" + server.port());
            assertThat(server.isRunning()).isTrue();
            assertThat(ping(server.port(), 2_000)).isEqualTo("+PONG");
        }
    }

    @Test
    void killedServerRefusesConnectionsAndRestartsOnTheSamePort() throws IOException {
        try (RedisServer server = RedisServer.start()) {
            int port = server.port();
            long pid = server.pid();

            server.kill();
            assertThat(server.isRunning()).isFalse();
            assertThatThrownBy(() -> ping(port, 300)).isInstanceOf(ConnectException.class);

            server.restart();
            assertThat(server.isRunning()).isTrue();
            assertThat(server.pid()).as("a new process").isNotEqualTo(pid);
            assertThat(server.port()).isEqualTo(port);
            assertThat(ping(port, 2_000)).isEqualTo("+PONG");
        }
    }

    @Test
    void restartOfARunningServerStopsItFirstAndStartsANewEmptyProcess() throws IOException {
        try (RedisServer server = RedisServer.start()) {
            assertThat(server.isPrivate()).isTrue();
            long before = server.pid();
            ProcessHandle old = ProcessHandle.of(before).orElseThrow();
            assertThat(command(server.port(), 2_000, "SET", "k", "v")).isEqualTo("+OK");

            server.restart();

            assertThat(server.pid()).as("pid after restart").isNotEqualTo(before);
            assertThat(old.isAlive()).as("the old process is gone").isFalse();
            assertThat(ping(server.port(), 2_000)).isEqualTo("+PONG");
            assertThat(command(server.port(), 2_000, "EXISTS", "k")).as("the new process is empty").isEqualTo(":0");
        }
    }

    @Test
    void pausedServerDoesNotAnswerUntilResumed() throws IOException {
        try (RedisServer server = RedisServer.start()) {
            server.pause();
            assertThat(server.isRunning()).isTrue();
            assertThatThrownBy(() -> ping(server.port(), 300)).isInstanceOf(SocketTimeoutException.class);

            server.resume();
            assertThat(ping(server.port(), 2_000)).isEqualTo("+PONG");
        }
    }

    @Test
    void closeStopsAPausedServer() throws IOException {
        RedisServer server = RedisServer.start();
        server.pause();
        server.close();
        assertThat(server.isRunning()).isFalse();
        assertThatThrownBy(() -> ping(server.port(), 300)).isInstanceOf(ConnectException.class);
    }

    @Test
    void passwordIsRequiredAndInTheUri() throws IOException {
        try (RedisServer server = RedisServer.builder().password("s3cret").start()) {
            assertThat(server.uri()).isEqualTo("redis://:s3cret@127.0.0.1:" + server.port());
            assertThat(ping(server.port(), 2_000)).startsWith("-NOAUTH");
        }
    }

    @Test
    void extraArgumentsReachTheServer() throws IOException {
        try (RedisServer server = RedisServer.builder().arg("--databases", "1").start()) {
            assertThat(command(server.port(), 2_000, "SELECT", "1")).startsWith("-ERR");
        }
    }

    /** Sends PING over a raw socket and returns the first reply line. */
    private static String ping(int port, int readTimeoutMillis) throws IOException {
        return command(port, readTimeoutMillis, "PING");
    }

    private static String command(int port, int readTimeoutMillis, String... words) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            socket.setSoTimeout(readTimeoutMillis);
            StringBuilder request = new StringBuilder("*").append(words.length).append("\r\n");
            for (String word : words) {
                request.append('$').append(word.length()).append("\r\n").append(word).append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\n') {
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }
    }
}
