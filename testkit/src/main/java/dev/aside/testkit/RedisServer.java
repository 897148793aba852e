package dev.aside.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A redis-server process private to this JVM on a free loopback port, or a handle to an external server. */
public final class RedisServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisServer.class);

    private static final String HOST = "127.0.0.1";
    private static final String EMBEDDED_RESOURCE = "/redis-server-6.2.6-v5-linux-amd64";
    private static final String ENV_URI = "REDIS_URI";
    private static final String ENV_BINARY = "ASIDE_REDIS_SERVER";

    private static final long READY_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long REBIND_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final int START_ATTEMPTS = 5;
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    private static final int PROBE_TIMEOUT_MILLIS = 500;
    private static final int LOG_TAIL_LINES = 20;
    private static final Duration SAVE_TIMEOUT = Duration.ofSeconds(30);
    /* redis-server's default dbfilename, in --dir: written by SHUTDOWN SAVE, loaded at every start. */
    private static final String DUMP_FILE = "dump.rdb";
    /* A cluster node's identity (id, epochs, the nodes it knows), in --dir; no restart deletes it. */
    private static final String CLUSTER_CONFIG_FILE = "nodes.conf";
    /* A cluster node also listens on port + 10000 (its cluster bus), which must be a valid, free port too. */
    private static final int CLUSTER_BUS_OFFSET = 10_000;
    private static final int MAX_PORT = 65_535;

    /* Resolved once per JVM (an extracted binary is reused by every server); guarded by RedisServer.class. */
    private static Path binary;

    private final String host;
    private final int port;
    private final String uri;
    private final String password;
    private final List<String> extraArgs;
    /* A Sentinel's configuration file (redis-server takes it as its first argument), else null. */
    private final Path configFile;
    /* dir == null exactly when this is a handle to an external server: then process stays null. */
    private final Path dir;

    /* Written under the monitor; volatile so the shutdown hook can read it without taking the monitor. */
    private volatile Process process;
    private boolean paused;
    private boolean closed;

    private RedisServer(String host, int port, String uri, String password, List<String> extraArgs,
                        Path configFile, Path dir, Process process) {
        this.configFile = configFile;
        this.host = Objects.requireNonNull(host, "host");
        this.port = port;
        this.uri = Objects.requireNonNull(uri, "uri");
        this.password = password;
        this.extraArgs = List.copyOf(Objects.requireNonNull(extraArgs, "extraArgs"));
        this.dir = dir;
        this.process = process;
    }

    /** Starts a private redis-server without a password. */
    public static RedisServer start() {
        return builder().start();
    }

    /**
     * Returns a handle to the server named by the environment variable {@code REDIS_URI} when it is set
     * (that handle cannot kill, pause, resume or restart anything), else starts a private server.
     */
    public static RedisServer startOrExternal() {
        String external = System.getenv(ENV_URI);
        if (external == null || external.isBlank()) {
            return start();
        }
        return external(external.trim());
    }

    /** Returns a builder for a private server with a password or extra server arguments. */
    public static Builder builder() {
        return new Builder();
    }

    /** The host the server listens on ({@code 127.0.0.1} for a private server). */
    public String host() {
        return host;
    }

    /** The port the server listens on; a restart keeps it. */
    public int port() {
        return port;
    }

    /** The Redis URI of the server: {@code redis://127.0.0.1:<port>}, or {@code redis://:<password>@127.0.0.1:<port>}. */
    public String uri() {
        return uri;
    }

    /** Whether this JVM started the server (so may kill, pause, flush or disconnect it); false for REDIS_URI. */
    public boolean isPrivate() {
        return dir != null;
    }

    /** The operating-system id of the running server process; a restart starts a new one. */
    public synchronized long pid() {
        requireOwnProcess("pid()");
        return requireRunning("pid()").pid();
    }

    /** Kills the server process with SIGKILL and waits until it is gone; a no-op when it is not running. */
    public synchronized void kill() {
        requireOwnProcess("kill()");
        Process current = process;
        if (current != null && current.isAlive()) {
            current.destroyForcibly();
            awaitExit(current);
            LOG.debug("Killed redis-server on port {}", port);
        }
        paused = false;
    }

    /** Freezes the server process with SIGSTOP: connections stay open but nothing is answered. */
    public synchronized void pause() {
        requireOwnProcess("pause()");
        Process current = requireRunning("pause()");
        signal(current, "STOP");
        paused = true;
        LOG.debug("Paused redis-server on port {}", port);
    }

    /** Continues a paused server process with SIGCONT; a no-op when it is not paused. */
    public synchronized void resume() {
        requireOwnProcess("resume()");
        if (!paused) {
            return;
        }
        signal(requireRunning("resume()"), "CONT");
        paused = false;
        LOG.debug("Resumed redis-server on port {}", port);
    }

    /** Whether the server process is frozen by {@link #pause()} (then it answers nothing until resumed). */
    public synchronized boolean isPaused() {
        return paused;
    }

    /**
     * Starts a fresh, empty server process on the same port, stopping the current one first if it still runs.
     * Waits a few seconds for the port to become free again. A cluster node keeps its {@code nodes.conf}, so
     * it comes back as the same node (same id, same view of the cluster), without keys.
     */
    public synchronized void restart() {
        requireOwnProcess("restart()");
        Process current = process;
        if (current != null && current.isAlive()) {
            if (paused) {
                signal(current, "CONT");
            }
            stopProcess(current);
        }
        paused = false;
        process = null;
        deleteSavedData();
        relaunch();
    }

    /**
     * Stops the server as {@code SHUTDOWN SAVE} does: it first writes its data to its directory, which
     * {@link #restartKeepingData()} loads again. Continues a paused server first; a no-op when it is not running.
     */
    public synchronized void shutdownSaving() {
        requireOwnProcess("shutdownSaving()");
        requireDataServer("shutdownSaving()");
        Process current = process;
        if (current == null || !current.isAlive()) {
            return;
        }
        if (paused) {
            signal(current, "CONT");
            paused = false;
        }
        sendShutdownSave(port, password);
        try {
            if (!current.waitFor(SAVE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("redis-server on port " + port + " did not exit within "
                        + SAVE_TIMEOUT.toSeconds() + " s of SHUTDOWN SAVE");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for redis-server to save and exit", e);
        }
        if (!Files.exists(dir.resolve(DUMP_FILE))) {
            throw new IllegalStateException("redis-server on port " + port + " exited without writing " + DUMP_FILE
                    + "; last lines of its log:\n" + logTail(dir.resolve("redis.log"), 0));
        }
        LOG.debug("Saved and stopped redis-server on port {}", port);
    }

    /**
     * Starts the server again on the same port with the keys and values it held when it stopped, as a
     * server with persistence comes back: a running server is first stopped with {@link #shutdownSaving()}.
     * After {@link #kill()} nothing was saved, and it comes back with the data of its last saving shutdown,
     * if any.
     */
    public synchronized void restartKeepingData() {
        requireOwnProcess("restartKeepingData()");
        requireDataServer("restartKeepingData()");
        shutdownSaving();
        paused = false;
        process = null;
        relaunch();
    }

    /* Launches the server on its port again, waiting a few seconds for the port to become free. */
    private void relaunch() {
        long bindDeadline = System.nanoTime() + REBIND_TIMEOUT_NANOS;
        while (true) {
            Process fresh = launch(binary(), configFile, dir, port, password, extraArgs);
            if (fresh != null) {
                process = fresh;
                LOG.debug("Restarted redis-server on port {} (pid {})", port, fresh.pid());
                return;
            }
            if (System.nanoTime() - bindDeadline > 0) {
                throw new IllegalStateException("Cannot restart redis-server: port " + port
                        + " is still in use after " + TimeUnit.NANOSECONDS.toSeconds(REBIND_TIMEOUT_NANOS) + " s");
            }
            sleep(100);
        }
    }

    /** Whether the server process is alive (also while paused); always true for an external server until closed. */
    public synchronized boolean isRunning() {
        if (dir == null) {
            return !closed;
        }
        Process current = process;
        return current != null && current.isAlive();
    }

    /** Stops the server process (continuing it first if paused) and deletes its temporary directory. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (dir == null) {
            return;
        }
        Process current = process;
        if (current != null && current.isAlive()) {
            if (paused) {
                try {
                    signal(current, "CONT");
                } catch (RuntimeException e) {
                    LOG.debug("Could not continue paused redis-server on port {} before stopping it", port, e);
                }
            }
            stopProcess(current);
        }
        paused = false;
        Reaper.forget(this);
        deleteTree(dir);
        LOG.debug("Stopped redis-server on port {}", port);
    }

    @Override
    public String toString() {
        return "RedisServer[" + host + ":" + port + (dir == null ? ", external" : "") + "]";
    }

    /** Builds a private server: a password and extra redis-server arguments. */
    public static final class Builder {

        private String password;
        private final List<String> args = new ArrayList<>();
        private String sentinelConfig;
        private boolean clusterNode;

        private Builder() {
        }

        /** Sets {@code requirepass}: clients must AUTH, and {@link #uri()} carries the password. */
        public Builder password(String password) {
            this.password = Objects.requireNonNull(password, "password");
            return this;
        }

        /** Appends raw redis-server arguments, e.g. {@code arg("--maxmemory", "10mb")}; they override the defaults. */
        public Builder arg(String... args) {
            for (String arg : Objects.requireNonNull(args, "args")) {
                this.args.add(Objects.requireNonNull(arg, "arg"));
            }
            return this;
        }

        /**
         * Makes this a Redis Sentinel monitoring {@code master} under {@code masterName} (quorum 1); connect
         * with {@code redis-sentinel://127.0.0.1:<port>?sentinelMasterId=<masterName>}.
         */
        public Builder sentinelOf(String masterName, RedisServer master) {
            Objects.requireNonNull(masterName, "masterName");
            Objects.requireNonNull(master, "master");
            this.sentinelConfig = "sentinel monitor " + masterName + " " + master.host() + " " + master.port() + " 1\n"
                    + "sentinel down-after-milliseconds " + masterName + " 5000\n";
            return this;
        }

        /**
         * Makes this a Redis Cluster node with the given {@code cluster-node-timeout}, on a port whose cluster bus
         * port (port + 10000) is free as well. Its identity lives in {@code nodes.conf} in its directory, which
         * {@link #restart()} and {@link #restartKeepingData()} keep. It knows no other node yet: {@link RedisCluster}
         * wires nodes into a cluster.
         */
        public Builder clusterNode(Duration nodeTimeout) {
            Objects.requireNonNull(nodeTimeout, "nodeTimeout");
            if (nodeTimeout.toMillis() <= 0) {
                throw new IllegalArgumentException("nodeTimeout must be positive, was " + nodeTimeout);
            }
            this.clusterNode = true;
            /* Before the user's arguments, which override them. */
            this.args.addAll(0, List.of(
                    "--cluster-enabled", "yes",
                    "--cluster-config-file", CLUSTER_CONFIG_FILE,
                    "--cluster-node-timeout", Long.toString(nodeTimeout.toMillis())));
            return this;
        }

        /** Starts the server and waits until it answers PING. */
        public RedisServer start() {
            if (clusterNode && sentinelConfig != null) {
                throw new IllegalStateException("A Sentinel cannot be a cluster node");
            }
            return startPrivate(password, List.copyOf(args), sentinelConfig, clusterNode);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // starting

    private static RedisServer startPrivate(String password, List<String> extraArgs, String sentinelConfig,
                                            boolean clusterNode) {
        Path bin = binary();
        Path dir;
        try {
            dir = Files.createTempDirectory("aside-redis-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temporary directory for redis-server", e);
        }
        try {
            Path configFile = null;
            if (sentinelConfig != null) {
                configFile = dir.resolve("sentinel.conf");
                try {
                    Files.writeString(configFile, sentinelConfig);
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot write " + configFile, e);
                }
            }
            /* The free port is only probably free: another process may take it between our probe and the
               server's bind, in which case the server exits and we try another port. */
            for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
                int port = clusterNode ? freeClusterPort() : freePort();
                Process started = launch(bin, configFile, dir, port, password, extraArgs);
                if (started != null) {
                    RedisServer server = new RedisServer(HOST, port, privateUri(port, password), password,
                            extraArgs, configFile, dir, started);
                    Reaper.track(server);
                    LOG.debug("Started redis-server on port {} (pid {}, dir {})", port, started.pid(), dir);
                    return server;
                }
                LOG.debug("Port {} was taken before redis-server could bind it (attempt {})", port, attempt);
            }
            throw new IllegalStateException("redis-server could not bind a free port in " + START_ATTEMPTS + " attempts");
        } catch (RuntimeException e) {
            deleteTree(dir);
            throw e;
        }
    }

    private static RedisServer external(String uri) {
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(ENV_URI + " is not a valid URI: " + e.getReason(), e);
        }
        if (parsed.getHost() == null) {
            throw new IllegalArgumentException(ENV_URI + " has no host (expected redis://host:port)");
        }
        int port = parsed.getPort() >= 0 ? parsed.getPort() : 6379;
        LOG.info("Using the external Redis server at {}:{} from {}", parsed.getHost(), port, ENV_URI);
        return new RedisServer(parsed.getHost(), port, uri, null, List.of(), null, null, null);
    }

    /**
     * Starts redis-server on the port and waits until it answers.
     * Returns null if the port was already taken; throws if the server fails for any other reason.
     */
    private static Process launch(Path bin, Path configFile, Path dir, int port, String password,
                                  List<String> extraArgs) {
        List<String> command = new ArrayList<>(List.of(bin.toString()));
        if (configFile != null) {
            command.add(configFile.toString());
            command.add("--sentinel");
        }
        command.addAll(List.of(
                "--port", Integer.toString(port),
                "--bind", HOST,
                "--save", "",
                "--appendonly", "no",
                "--protected-mode", "no",
                "--dir", dir.toString(),
                "--daemonize", "no",
                "--loglevel", "warning"));
        if (password != null) {
            command.add("--requirepass");
            command.add(password);
        }
        command.addAll(extraArgs);

        Path log = dir.resolve("redis.log");
        long logOffset = sizeOf(log);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(Redirect.appendTo(log.toFile()));
        Process started = spawn(builder);
        closeQuietly(started.getOutputStream());

        long deadline = System.nanoTime() + READY_TIMEOUT_NANOS;
        while (true) {
            if (!started.isAlive()) {
                String tail = logTail(log, logOffset);
                if (tail.contains("Address already in use")) {
                    return null;
                }
                throw new IllegalStateException("redis-server exited with code " + started.exitValue()
                        + " while starting on port " + port + "; last lines of its log:\n" + tail);
            }
            /* The liveness re-check guards against a PONG from some other server that took the port. */
            if (answersPing(port, password != null) && started.isAlive()) {
                return started;
            }
            if (System.nanoTime() - deadline > 0) {
                started.destroyForcibly();
                awaitExit(started);
                throw new IllegalStateException("redis-server did not answer PING on port " + port + " within "
                        + TimeUnit.NANOSECONDS.toSeconds(READY_TIMEOUT_NANOS) + " s; last lines of its log:\n"
                        + logTail(log, logOffset));
            }
            sleep(20);
        }
    }

    private static Process spawn(ProcessBuilder builder) {
        /* A freshly extracted binary can briefly fail with ETXTBSY while a concurrently forked child still
           holds the write descriptor inherited from the extraction; that clears quickly. */
        for (int attempt = 1; ; attempt++) {
            try {
                return builder.start();
            } catch (IOException e) {
                if (attempt < 10 && String.valueOf(e.getMessage()).contains("Text file busy")) {
                    sleep(50);
                    continue;
                }
                throw new UncheckedIOException("Cannot start " + builder.command().get(0), e);
            }
        }
    }

    private static boolean answersPing(int port, boolean passwordSet) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), PROBE_TIMEOUT_MILLIS);
            socket.setSoTimeout(PROBE_TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String reply = readLine(socket.getInputStream());
            return reply.equals("+PONG") || (passwordSet && reply.startsWith("-NOAUTH"));
        } catch (IOException e) {
            return false;
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot find a free loopback port", e);
        }
    }

    /* A free port whose cluster bus port is valid and free too; only probably free, as freePort() says. */
    private static int freeClusterPort() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = freePort();
            if (port + CLUSTER_BUS_OFFSET > MAX_PORT) {
                continue;
            }
            try (ServerSocket bus = new ServerSocket(port + CLUSTER_BUS_OFFSET, 1, InetAddress.getByName(HOST))) {
                return port;
            } catch (IOException e) {
                LOG.trace("Cluster bus port {} is taken", port + CLUSTER_BUS_OFFSET, e);
            }
        }
        throw new IllegalStateException("Cannot find a free loopback port p <= " + (MAX_PORT - CLUSTER_BUS_OFFSET)
                + " with p + " + CLUSTER_BUS_OFFSET + " free as well");
    }

    private static String privateUri(int port, String password) {
        if (password == null) {
            return "redis://" + HOST + ":" + port;
        }
        String encoded = URLEncoder.encode(password, StandardCharsets.UTF_8).replace("+", "%20");
        return "redis://:" + encoded + "@" + HOST + ":" + port;
    }

    // ---------------------------------------------------------------------------------------------------------
    // the binary

    private static synchronized Path binary() {
        if (binary == null) {
            binary = resolveBinary();
        }
        return binary;
    }

    private static Path resolveBinary() {
        String explicit = System.getenv(ENV_BINARY);
        if (explicit != null && !explicit.isBlank()) {
            Path named = explicit.contains("/") ? Path.of(explicit) : findOnPath(explicit).orElse(Path.of(explicit));
            if (!Files.isRegularFile(named) || !Files.isExecutable(named)) {
                throw new IllegalStateException(ENV_BINARY + "=" + explicit + " is not an executable file");
            }
            LOG.info("Using redis-server {} (from {})", named, ENV_BINARY);
            return named;
        }
        Optional<Path> onPath = findOnPath("redis-server");
        if (onPath.isPresent()) {
            LOG.info("Using redis-server {} (from PATH)", onPath.get());
            return onPath.get();
        }
        Path extracted = extractEmbedded();
        LOG.info("Using redis-server {} (embedded-redis {}; no redis-server on PATH)", extracted, EMBEDDED_RESOURCE);
        return extracted;
    }

    private static Optional<Path> findOnPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String entry : path.split(java.io.File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            try {
                Path candidate = Path.of(entry, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            } catch (InvalidPathException e) {
                LOG.trace("Ignoring PATH entry {}", entry, e);
            }
        }
        return Optional.empty();
    }

    private static Path extractEmbedded() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new IllegalStateException("No redis-server on PATH and no embedded binary for " + os + "/" + arch
                    + ": install redis-server or set " + ENV_BINARY);
        }
        try (InputStream in = RedisServer.class.getResourceAsStream(EMBEDDED_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("No redis-server on PATH and resource " + EMBEDDED_RESOURCE
                        + " not on the class path (com.github.codemonstur:embedded-redis)");
            }
            Path target = Files.createTempFile("aside-redis-server-", "");
            target.toFile().deleteOnExit();
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot extract " + EMBEDDED_RESOURCE, e);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // process control and helpers

    private void requireOwnProcess(String operation) {
        if (dir == null) {
            throw new IllegalStateException(operation + " is not possible on the external Redis server at " + host
                    + ":" + port + " (from " + ENV_URI + "): this JVM did not start it");
        }
        if (closed) {
            throw new IllegalStateException(operation + " after close() of " + this);
        }
    }

    private void requireDataServer(String operation) {
        if (configFile != null) {
            throw new IllegalStateException(operation + " is not possible on a Sentinel, which holds no data");
        }
    }

    private void deleteSavedData() {
        try {
            Files.deleteIfExists(dir.resolve(DUMP_FILE));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete the saved data of redis-server on port " + port, e);
        }
    }

    /**
     * Sends AUTH (when a password is set) and {@code SHUTDOWN SAVE}. The server closes the connection once it
     * has saved; an error reply means it could not save. The password is never part of a message.
     */
    private static void sendShutdownSave(int port, String password) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), PROBE_TIMEOUT_MILLIS);
            socket.setSoTimeout((int) SAVE_TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            if (password != null) {
                out.write(command("AUTH", password));
                out.flush();
                String reply = readLine(in);
                if (!reply.startsWith("+OK")) {
                    throw new IllegalStateException("redis-server on port " + port + " refused AUTH before SHUTDOWN SAVE");
                }
            }
            out.write(command("SHUTDOWN", "SAVE"));
            out.flush();
            String reply = readLine(in);
            if (!reply.isEmpty()) {
                throw new IllegalStateException("redis-server on port " + port + " answered SHUTDOWN SAVE with " + reply);
            }
        } catch (IOException e) {
            // A reset instead of a clean close also means the server went away; waiting for the exit decides.
            LOG.debug("Connection to redis-server on port {} ended abruptly after SHUTDOWN SAVE", port, e);
        }
    }

    private static byte[] command(String... words) {
        StringBuilder resp = new StringBuilder("*").append(words.length).append("\r\n");
        for (String word : words) {
            resp.append('$').append(word.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(word).append("\r\n");
        }
        return resp.toString().getBytes(StandardCharsets.UTF_8);
    }

    private Process requireRunning(String operation) {
        Process current = process;
        if (current == null || !current.isAlive()) {
            throw new IllegalStateException(operation + " needs a running server, but " + this + " is not running");
        }
        return current;
    }

    private static void signal(Process target, String signal) {
        /* The shell builtin keeps this working where procps' kill binary is not installed. */
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", "kill -" + signal + " " + target.pid())
                .redirectErrorStream(true)
                .redirectOutput(Redirect.DISCARD);
        try {
            int exit = builder.start().waitFor();
            if (exit != 0) {
                throw new IllegalStateException("kill -" + signal + " " + target.pid() + " exited with " + exit);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run kill -" + signal, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while sending SIG" + signal, e);
        }
    }

    private static void stopProcess(Process target) {
        target.destroy();
        try {
            if (!target.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                target.destroyForcibly();
                awaitExit(target);
            }
        } catch (InterruptedException e) {
            target.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitExit(Process target) {
        try {
            target.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Called by the shutdown hook: must not take the monitor, which a stuck caller may hold. */
    private void killQuietly() {
        Process current = process;
        if (current != null && current.isAlive()) {
            current.destroyForcibly();
            try {
                current.waitFor(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (dir != null) {
            deleteTree(dir);
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0L;
        } catch (IOException e) {
            return 0L;
        }
    }

    private static String logTail(Path log, long offset) {
        try {
            byte[] all = Files.readAllBytes(log);
            int from = (int) Math.min(offset, all.length);
            String text = new String(all, from, all.length - from, StandardCharsets.UTF_8);
            List<String> lines = Arrays.asList(text.split("\\R"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    LOG.debug("Cannot delete {}", path, e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("Cannot delete {}", root, e);
        }
    }

    private static void closeQuietly(OutputStream stream) {
        try {
            stream.close();
        } catch (IOException e) {
            LOG.trace("Cannot close redis-server stdin", e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for redis-server", e);
        }
    }

    /** Kills, at JVM exit, every private server that was not closed. */
    private static final class Reaper {

        private static final Set<RedisServer> LIVE = ConcurrentHashMap.newKeySet();

        static {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(RedisServer::killQuietly),
                    "aside-redis-reaper"));
        }

        private Reaper() {
        }

        static void track(RedisServer server) {
            LIVE.add(server);
        }

        static void forget(RedisServer server) {
            LIVE.remove(server);
        }
    }
}
