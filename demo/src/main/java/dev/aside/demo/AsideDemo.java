package dev.aside.demo;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The demo's entry point: one user service under one workload, on Aside and then on a naive cache-aside, compared. */
public final class AsideDemo {

    /** What a demo produced: the runs' reports, the printed table, the HTML report's path. */
    record Result(List<RunReport> runs, String table, Path report) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(AsideDemo.class);

    private AsideDemo() {
    }

    /** Runs the demo; see {@link DemoOptions#USAGE}. */
    public static void main(String[] args) {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.println(DemoOptions.USAGE);
            return;
        }
        DemoOptions options;
        try {
            options = DemoOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(DemoOptions.USAGE);
            System.exit(2);
            return;
        }
        int status = 0;
        try {
            run(options, System.out, System.console() != null);
        } catch (Exception e) {
            LOG.error("The demo failed", e);
            status = 1;
        }
        System.exit(status);
    }

    /** Runs Aside, then the naive baseline, on a freshly seeded database and fresh Redis contents each. */
    static Result run(DemoOptions options, PrintStream out, boolean terminal) throws Exception {
        Workload workload = new Workload(options.users(), options.missingUsers(), options.zipfExponent(),
                options.updateShare(), options.missingShare(), options.seed());
        try (RedisTarget redis = RedisTarget.fromEnvironment();
             ConnectionPool pool = new ConnectionPool(options.jdbcUrl(), options.jdbcUser(), options.jdbcPassword(),
                     options.dbConnections())) {
            UserDatabase database = new UserDatabase(pool, options.queryCost());
            String settings = settings(options, workload, redis);
            out.println(settings);
            ProgressLine progress = new ProgressLine(out, terminal);

            Contenders contenders = new Contenders(options, workload, database, redis, progress);
            out.printf(Locale.ROOT, "Warming up the JVM: %.1f s per contender, not measured.%n",
                    contenders.warmUp().toMillis() / 1000.0);
            contenders.aside(false);
            contenders.naive(false);
            List<RunReport> runs = List.of(contenders.aside(true), contenders.naive(true));

            String table = ReportTable.render(runs);
            out.println();
            out.print(table);
            String conclusion = Conclusion.of(runs);
            if (!conclusion.isEmpty()) {
                out.println();
                out.print(wrapped(conclusion, 110));
            }
            HtmlReport.write(options.report(), runs, settings);
            out.println();
            out.println("HTML report: " + options.report().toAbsolutePath());
            return new Result(runs, table, options.report());
        }
    }

    private static String settings(DemoOptions options, Workload workload, RedisTarget redis) {
        double seconds = options.duration().toMillis() / 1000.0;
        String outage = redis.owned()
                ? String.format(Locale.ROOT, " Redis is killed at %.0f s and restarted, empty, %.1f s later.",
                        seconds * WorkloadRun.KILL_AT, WorkloadRun.outage(options.duration()).toMillis() / 1000.0)
                : " (No Redis outage: the Redis is not the demo's own.)";
        return String.format(Locale.ROOT,
                "Two runs of %.0f s each (Aside, then naive cache-aside): %,d requests/s from %d threads; %,d users"
                        + " (Zipf popularity, user %d gets %.0f %% of reads); %.0f %% updates; %.0f %% of reads for ids"
                        + " that do not exist. Database: %s, %.1f ms per query, %d connections. Redis: %s."
                        + " Cache TTL %d s. The hot user's entry is evicted at %.0f s.%s",
                seconds, options.rate(), options.threads(), options.users(), Workload.HOT_ID,
                workload.hotShare() * 100, options.updateShare() * 100, options.missingShare() * 100,
                options.embeddedDatabase() ? "in-memory H2" : redacted(options.jdbcUrl()),
                options.queryCost().toNanos() / 1e6, options.dbConnections(), redis, options.ttl().toSeconds(),
                seconds * WorkloadRun.EVICTION_AT, outage);
    }

    /** The text broken into lines of at most {@code width} characters, at spaces. */
    static String wrapped(String text, int width) {
        StringBuilder out = new StringBuilder();
        int lineLength = 0;
        for (String word : text.split(" ")) {
            if (lineLength > 0 && lineLength + 1 + word.length() > width) {
                out.append('\n');
                lineLength = 0;
            } else if (lineLength > 0) {
                out.append(' ');
                lineLength++;
            }
            out.append(word);
            lineLength += word.length();
        }
        return out.append('\n').toString();
    }

    private static String redacted(String jdbcUrl) {
        return jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }
}
