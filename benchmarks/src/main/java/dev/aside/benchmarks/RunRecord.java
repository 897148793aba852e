package dev.aside.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The raw output of one run, kept as {@code <results-dir>/<scenario>[_<option>-<value>...].json} so a figure
 * quoted elsewhere can be checked: the command line, when and on what it ran (date, load average before and
 * after, CPUs, OS, Java, Redis and library versions, the source commit), everything the run printed, and its
 * figures. {@code --uri} is left out of the command line kept: it may hold a password.
 */
final class RunRecord {
  private static final List<String> NOT_IN_NAME = List.of("uri", "results-dir");

  private final String scenario;
  private final List<String> options;
  private final Instant start = Instant.now();
  private final List<Double> loadAtStart = loadAverage();
  private final ByteArrayOutputStream output = new ByteArrayOutputStream();
  private final ByteArrayOutputStream progress = new ByteArrayOutputStream();

  RunRecord(String scenario, List<String> options) {
    this.scenario = scenario;
    this.options = List.copyOf(options);
  }

  /** Where the table goes: {@code out}, and a copy for the record. */
  OutputStream output(OutputStream out) {
    return new Tee(out, output);
  }

  /** Where the progress goes: {@code err}, and a copy for the record. */
  OutputStream progress(OutputStream err) {
    return new Tee(err, progress);
  }

  /** Writes the record into {@code dir} and returns the file written. */
  Path write(Path dir, String redisUri, Map<String, Object> figures) throws IOException {
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("scenario", scenario);
    record.put("command", command(scenario, options));
    record.put("started", start.toString());
    record.put("seconds", Duration.between(start, Instant.now()).toMillis() / 1000.0);
    record.put("load_average_1_5_15_min_at_start", loadAtStart);
    record.put("load_average_1_5_15_min_at_end", loadAverage());
    record.put("cpus", Runtime.getRuntime().availableProcessors());
    record.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
        + System.getProperty("os.arch"));
    record.put("java", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"));
    record.put("redis", redisVersion(redisUri));
    record.put("versions", libraryVersions());
    record.put("source_commit", sourceCommit());
    record.put("output", output.toString(StandardCharsets.UTF_8).lines().toList());
    record.put("progress", progress.toString(StandardCharsets.UTF_8).lines().toList());
    record.put("figures", figures);
    Files.createDirectories(dir);
    Path file = dir.resolve(fileName(scenario, options));
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), record);
    return file;
  }

  /**
   * {@code <scenario>.json}, or with the options given, e.g. {@code stampede_processes-1_threads-200.json};
   * {@code --uri} and {@code --results-dir} are not part of the name, other characters become {@code +}. A flag
   * is its name alone ({@code throughput_cluster.json}); a {@code redis-cluster://} {@code --uri} names the
   * file as {@code --cluster} does, so that a cluster run never takes the name of a standalone one.
   */
  static String fileName(String scenario, List<String> options) {
    StringBuilder name = new StringBuilder(scenario);
    boolean clusterNamed = false;
    boolean clusterUri = false;
    for (String[] option : pairs(options)) {
      if (option[0].equals("uri")) {
        clusterUri = ClusterUri.isCluster(option[1]);
      } else if (Options.FLAGS.contains(option[0])) {
        if (option[1].equals("true")) {
          name.append('_').append(option[0]);
          clusterNamed |= option[0].equals("cluster");
        }
      } else if (!NOT_IN_NAME.contains(option[0])) {
        name.append('_').append(option[0]).append('-').append(option[1]);
      }
    }
    if (clusterUri && !clusterNamed) {
      name.append("_cluster");
    }
    return name.toString().replaceAll("[^A-Za-z0-9._-]", "+") + ".json";
  }

  /** The versions of the libraries compared, as the build wrote them into versions.properties. */
  static Map<String, String> libraryVersions() {
    Map<String, String> versions = new LinkedHashMap<>();
    try (InputStream in = RunRecord.class.getResourceAsStream("versions.properties")) {
      if (in != null) {
        Properties properties = new Properties();
        properties.load(in);
        for (String name : List.of("aside", "lettuce", "redisson", "caffeine_jcache", "netty")) {
          versions.put(name, properties.getProperty(name, "unknown"));
        }
      }
    } catch (IOException e) {
      // reported as missing
    }
    return versions;
  }

  /** The command line that ran, without {@code --uri}. */
  static String command(String scenario, List<String> options) {
    List<String> line = new ArrayList<>(List.of("java", "-jar", "benchmarks/target/benchmarks.jar", scenario));
    for (String[] option : pairs(options)) {
      if (Options.FLAGS.contains(option[0])) {
        line.add(option[1].equals("true") ? "--" + option[0] : "--" + option[0] + "=" + option[1]);
      } else if (!option[0].equals("uri")) {
        line.add("--" + option[0]);
        line.add(option[1]);
      }
    }
    return String.join(" ", line);
  }

  /**
   * The options as name and value, from {@code --name value}, {@code --name=value} or a flag's {@code --name}
   * (value {@code true}); already validated.
   */
  private static List<String[]> pairs(List<String> options) {
    List<String[]> pairs = new ArrayList<>();
    for (int i = 0; i < options.size(); i++) {
      String arg = options.get(i).substring(2);
      int eq = arg.indexOf('=');
      if (eq > 0) {
        pairs.add(new String[] {arg.substring(0, eq), arg.substring(eq + 1)});
      } else if (Options.FLAGS.contains(arg)) {
        pairs.add(new String[] {arg, "true"});
      } else {
        pairs.add(new String[] {arg, i + 1 < options.size() ? options.get(++i) : ""});
      }
    }
    return pairs;
  }

  /** The 1-, 5- and 15-minute load averages; only the first where /proc/loadavg is missing. */
  private static List<Double> loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return List.of(Double.parseDouble(fields[0]), Double.parseDouble(fields[1]), Double.parseDouble(fields[2]));
    } catch (IOException | RuntimeException e) {
      return List.of(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }

  /** The server version, of the first seed node for a cluster. */
  private static String redisVersion(String redisUri) {
    RedisClient client = ClusterUri.isCluster(redisUri) ? RedisClient.create(ClusterUri.parse(redisUri).firstNode())
        : RedisClient.create(redisUri);
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      return connection.sync().info("server").lines()
          .filter(line -> line.startsWith("redis_version:"))
          .map(line -> line.substring("redis_version:".length()).trim())
          .findFirst().orElse("unknown");
    } catch (RuntimeException e) {
      return "unknown (" + e.getClass().getSimpleName() + ")";
    } finally {
      client.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }

  /**
   * The git commit of the working directory when the run ended, with "+dirty" if a tracked file other than
   * documentation had uncommitted changes; null outside a checkout. (The jar may have been built earlier.)
   */
  private static String sourceCommit() {
    String head = git("rev-parse", "--short=12", "HEAD");
    if (head == null) {
      return null;
    }
    String status = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)*.md");
    return status == null || status.isEmpty() ? head : head + "+dirty";
  }

  private static String git(String... args) {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    try {
      Process git = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String text = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return git.waitFor(10, TimeUnit.SECONDS) && git.exitValue() == 0 ? text : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** Writes to two streams. */
  private static final class Tee extends OutputStream {
    private final OutputStream first;
    private final OutputStream second;

    Tee(OutputStream first, OutputStream second) {
      this.first = first;
      this.second = second;
    }

    @Override
    public synchronized void write(int b) throws IOException {
      first.write(b);
      second.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
      first.write(b, off, len);
      second.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
      first.flush();
    }
  }
}
