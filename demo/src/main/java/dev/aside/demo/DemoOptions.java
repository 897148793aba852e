package dev.aside.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** The demo's command-line options, with their defaults. */
record DemoOptions(Duration duration, int threads, int rate, int users, int missingUsers, double zipfExponent,
                   double updateShare, double missingShare, Duration queryCost, int dbConnections, Duration ttl,
                   double ttlJitter, Duration negativeTtl, Duration outageTtl, String jdbcUrl, String jdbcUser,
                   String jdbcPassword, Path report, long seed) {

    static final String USAGE = """
            Usage: aside-demo [options]
              --duration SECONDS     length of each of the two runs (default 60)
              --threads N            worker threads issuing requests (default 16)
              --rate N               requests per second offered, in total (default 125 x threads)
              --users N              users in the database (default 10000)
              --db-cost-ms MS        simulated cost of every database query (default 2)
              --db-connections N     JDBC connections in the pool (default 8)
              --ttl SECONDS          cache TTL of a user (default 30)
              --outage-ttl SECONDS   Aside's gutter: while Redis is down, loaded values are served from the JVM
                                     for this long; reads may be that far behind another JVM's write
                                     (default 5; 0 turns the gutter off)
              --jdbc-url URL         database (default: an in-memory H2 database)
              --jdbc-user USER       database user
              --jdbc-password PW     database password
              --report FILE          HTML report to write (default demo-report.html)
              --seed N               seed of the request sequence (default 42)
            Redis: system property aside.uri or env ASIDE_URI, else a private redis-server the demo starts
            (and then also takes down for a few seconds mid-run).""";

    /** The default offered load per worker thread, in requests per second. */
    static final int RATE_PER_THREAD = 125;

    private static final Set<String> NAMES = Set.of("duration", "threads", "rate", "users", "db-cost-ms",
            "db-connections", "ttl", "outage-ttl", "jdbc-url", "jdbc-user", "jdbc-password", "report", "seed");

    /** Parses {@code --name value} and {@code --name=value} arguments; throws IllegalArgumentException on a bad one. */
    static DemoOptions parse(String... args) {
        Map<String, String> given = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("Unexpected argument: " + arg);
            }
            String name = arg.substring(2);
            String value;
            int equals = name.indexOf('=');
            if (equals >= 0) {
                value = name.substring(equals + 1);
                name = name.substring(0, equals);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("Option --" + name + " needs a value");
            }
            if (!NAMES.contains(name)) {
                throw new IllegalArgumentException("Unknown option --" + name);
            }
            given.put(name, value);
        }
        int threads = (int) positive(given, "threads", 16);
        return new DemoOptions(
                Duration.ofMillis(Math.round(positive(given, "duration", 60) * 1000)),
                threads,
                (int) positive(given, "rate", RATE_PER_THREAD * threads),
                (int) positive(given, "users", 10_000),
                1000, 1.0, 0.05, 0.05,
                Duration.ofNanos(Math.round(number(given, "db-cost-ms", 2) * 1_000_000)),
                (int) positive(given, "db-connections", 8),
                Duration.ofMillis(Math.round(positive(given, "ttl", 30) * 1000)),
                0.1, Duration.ofSeconds(5),
                Duration.ofMillis(Math.round(number(given, "outage-ttl", 5) * 1000)),
                given.getOrDefault("jdbc-url", "jdbc:h2:mem:aside-demo"),
                given.get("jdbc-user"),
                given.get("jdbc-password"),
                Path.of(given.getOrDefault("report", "demo-report.html")),
                (long) number(given, "seed", 42));
    }

    /** Whether the database is the built-in in-memory H2 one. */
    boolean embeddedDatabase() {
        return jdbcUrl.startsWith("jdbc:h2:mem:");
    }

    private static double positive(Map<String, String> given, String name, double fallback) {
        double value = number(given, name, fallback);
        if (!(value > 0)) {
            throw new IllegalArgumentException("--" + name + " must be positive, was " + given.get(name));
        }
        return value;
    }

    private static double number(Map<String, String> given, String name, double fallback) {
        String text = given.get(name);
        if (text == null) {
            return fallback;
        }
        try {
            double value = Double.parseDouble(text);
            if (value < 0 || Double.isNaN(value) || Double.isInfinite(value)) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a non-negative number, was " + text);
        }
    }
}
