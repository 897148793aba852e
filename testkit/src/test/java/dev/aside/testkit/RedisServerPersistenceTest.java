package dev.aside.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A server restarted with its data keeps its keys; a plain restart still comes back empty. */
final class RedisServerPersistenceTest {

    @Test
    void restartKeepingDataBringsTheKeysBack() throws IOException {
        try (RedisServer server = RedisServer.start()) {
            int port = server.port();
            send(port, null, "SET", "row:1", "v1");

            server.restartKeepingData();

            assertThat(server.port()).isEqualTo(port);
            assertThat(send(port, null, "GET", "row:1")).isEqualTo("v1");
        }
    }

    @Test
    void aSavedServerIsDownUntilRestartedAndThenHoldsWhatItSaved() throws IOException {
        try (RedisServer server = RedisServer.builder().password("s3cret").start()) {
            int port = server.port();
            send(port, "s3cret", "SET", "row:1", "v1");
            server.pause();

            server.shutdownSaving();

            assertThat(server.isRunning()).isFalse();
            assertThat(refused(port)).isTrue();
            server.restartKeepingData();
            assertThat(send(port, "s3cret", "GET", "row:1")).isEqualTo("v1");
        }
    }

    @Test
    void plainRestartIsEmptyEvenAfterASavingShutdown() throws IOException {
        try (RedisServer server = RedisServer.start()) {
            send(server.port(), null, "SET", "row:1", "v1");
            server.shutdownSaving();

            server.restart();

            assertThat(send(server.port(), null, "GET", "row:1")).isEqualTo("(nil)");
        }
    }

    private static boolean refused(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 300);
            return false;
        } catch (ConnectException e) {
            return true;
        }
    }

    /** Sends one command (after AUTH, when a password is given) and returns its reply as text. */
    private static String send(int port, String password, String... words) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            socket.setSoTimeout(2_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            if (password != null) {
                out.write(resp(List.of("AUTH", password)));
                assertThat(line(in)).isEqualTo("+OK");
            }
            out.write(resp(List.of(words)));
            String reply = line(in);
            if (reply.startsWith("$-1")) {
                return "(nil)";
            }
            return reply.startsWith("$") ? line(in) : reply;
        }
    }

    private static byte[] resp(List<String> words) {
        List<String> parts = new ArrayList<>(List.of("*" + words.size()));
        for (String word : words) {
            parts.add("$" + word.length());
            parts.add(word);
        }
        return (String.join("\r\n", parts) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static String line(InputStream in) throws IOException {
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
