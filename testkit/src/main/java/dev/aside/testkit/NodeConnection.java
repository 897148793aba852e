package dev.aside.testkit;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A blocking RESP2 connection to one redis-server, for the testkit's administrative commands (no client library).
 *
 * <p>Replies come back as Java values: a status as {@link String}, an integer as {@link Long}, a bulk string as
 * {@code byte[]}, an array as {@code List<Object>}, a nil as {@code null}; an error reply is thrown as
 * {@link ErrorReply}. The password is sent with AUTH and never appears in a message.
 */
final class NodeConnection implements AutoCloseable {

    private static final int CONNECT_TIMEOUT_MILLIS = 1_000;

    private final int port;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private NodeConnection(int port, Socket socket) throws IOException {
        this.port = port;
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = new BufferedOutputStream(socket.getOutputStream());
    }

    /** Connects to {@code host:port}, authenticating when {@code password} is not null. */
    static NodeConnection open(String host, int port, String password, Duration readTimeout) {
        Objects.requireNonNull(host, "host");
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
            socket.setSoTimeout(Math.toIntExact(readTimeout.toMillis()));
            socket.setTcpNoDelay(true);
            NodeConnection connection = new NodeConnection(port, socket);
            if (password != null) {
                try {
                    connection.call("AUTH", password);
                } catch (ErrorReply e) {
                    connection.close();
                    throw new IllegalStateException("redis-server on port " + port + " refused AUTH");
                }
            }
            return connection;
        } catch (IOException e) {
            closeQuietly(socket);
            throw new UncheckedIOException("Cannot connect to redis-server on port " + port, e);
        }
    }

    /** Sends one command (each argument a String, a byte[] or a number) and returns its reply. */
    Object call(Object... args) {
        try {
            write(args);
            out.flush();
            return read();
        } catch (IOException e) {
            throw new UncheckedIOException("Command " + args[0] + " to redis-server on port " + port + " failed", e);
        }
    }

    /** Sends one command whose reply is a status, an integer or a bulk string, and returns it as text. */
    String text(Object... args) {
        Object reply = call(args);
        if (reply instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        return reply == null ? null : reply.toString();
    }

    private void write(Object[] args) throws IOException {
        out.write(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (Object arg : args) {
            byte[] bytes = arg instanceof byte[] raw ? raw : String.valueOf(arg).getBytes(StandardCharsets.UTF_8);
            out.write(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.write('\r');
            out.write('\n');
        }
    }

    private Object read() throws IOException {
        int type = in.read();
        if (type == -1) {
            throw new EOFException("redis-server on port " + port + " closed the connection");
        }
        String line = readLine();
        switch (type) {
            case '+':
                return line;
            case '-':
                throw new ErrorReply(line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return null;
                }
                byte[] bytes = in.readNBytes(length);
                if (bytes.length < length) {
                    throw new EOFException("redis-server on port " + port + " closed the connection mid-reply");
                }
                readLine();
                return bytes;
            }
            case '*': {
                int count = Integer.parseInt(line);
                if (count < 0) {
                    return null;
                }
                List<Object> items = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    try {
                        items.add(read());
                    } catch (ErrorReply e) {
                        items.add(e);
                    }
                }
                return items;
            }
            default:
                throw new IOException("Unexpected RESP type '" + (char) type + "' from redis-server on port " + port);
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\n') {
            if (c == -1) {
                throw new EOFException("redis-server on port " + port + " closed the connection mid-reply");
            }
            if (c != '\r') {
                line.write(c);
            }
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }

    /** An error reply of redis-server ({@code -ERR ...}, {@code -MOVED ...}); its message is the reply line. */
    static final class ErrorReply extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ErrorReply(String line) {
            super(line);
        }
    }
}
