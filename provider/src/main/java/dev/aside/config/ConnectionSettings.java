package dev.aside.config;

import dev.aside.resilience.ResilienceSettings;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslVerifyMode;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The parsed Redis connection URI of a cache manager.
 *
 * <p>Accepted forms, parsed by Lettuce's {@link RedisURI} once Aside's own options are removed:
 * <pre>
 * redis://[[user]:password@]host[:port][/db][?options]
 * rediss://[[user]:password@]host[:port][/db][?options]                       (TLS)
 * redis-sentinel://[[user]:password@]host[:port][,host2[:port2]...][/db]?sentinelMasterId=name[&amp;options]
 * rediss-sentinel://...                                                        (TLS, sentinel)
 * redis-cluster://[[user]:password@]host[:port][,host2[:port2]...][?options]    (Redis Cluster, seed nodes)
 * rediss-cluster://...                                                         (TLS, cluster)
 * </pre>
 * A user information without a colon ({@code redis://secret@host}) is a password, as in Lettuce.
 * A cluster URI names seed nodes, each parsed as a {@code redis://} (or {@code rediss://}) URI with
 * the same user information and options; the client discovers the other nodes from them. A cluster
 * has database 0 only: another database is rejected, as are the Sentinel options.
 *
 * <p>Aside options: {@code prefix} (namespace of every Redis key, default {@value #DEFAULT_PREFIX},
 * {@code [A-Za-z0-9._-]{1,64}}), {@code timeout} (command timeout, default 500ms, applied to the
 * {@link RedisURI}), {@code connectTimeout} (default 2s) and {@code allow} (comma-separated extra
 * deserialization allowlist patterns, default none), {@code breakerFailures} (consecutive Redis
 * failures that open the circuit breaker, default 5), {@code breakerOpen} (how long it first stays
 * open, default 1s), {@code invalidationQueue} (capacity of the queue of failed invalidations,
 * default 10000), {@code outageMaxLoads} (most loader calls in flight while failing open, default 0: no
 * cap) and {@code outageLoadWait} (how long a load over that cap waits for a slot, default the
 * {@code timeout}), and on cluster URIs only {@code topologyRefresh} (period of the periodic cluster
 * topology refresh, default 30s; the adaptive refresh on redirects and reconnects is always on). Durations are written {@code 250ms}, {@code 2s},
 * {@code 1m}, {@code 1h}, {@code 1d} or in ISO-8601 ({@code PT2S}). Lettuce options passed through:
 * {@code database}, {@code db}, {@code clientName}, {@code sentinelMasterId}, {@code verifyPeer},
 * {@code libraryName}, {@code libraryVersion}. Option names are case-sensitive; any other option, a
 * repeated option or an empty value is rejected.
 *
 * <p>Every error is an {@link IllegalArgumentException} naming the culprit and showing the URI as
 * {@link #redacted()} ({@link RedactedUri}); the password never appears in a message, a log line or
 * {@link #toString()}.
 */
public final class ConnectionSettings {
  /** The default namespace prefix of every Redis key. */
  public static final String DEFAULT_PREFIX = "aside";
  /** The default command timeout. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMillis(500);
  /** The default connect timeout. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
  /** The default period of a cluster's periodic topology refresh. */
  public static final Duration DEFAULT_TOPOLOGY_REFRESH = Duration.ofSeconds(30);

  private static final String PREFIX = "prefix";
  private static final String TIMEOUT = "timeout";
  private static final String CONNECT_TIMEOUT = "connectTimeout";
  private static final String ALLOW = "allow";
  private static final String BREAKER_FAILURES = "breakerFailures";
  private static final String BREAKER_OPEN = "breakerOpen";
  private static final String INVALIDATION_QUEUE = "invalidationQueue";
  private static final String OUTAGE_MAX_LOADS = "outageMaxLoads";
  private static final String OUTAGE_LOAD_WAIT = "outageLoadWait";
  private static final String TOPOLOGY_REFRESH = "topologyRefresh";
  private static final Set<String> ASIDE_OPTIONS = Set.of(PREFIX, TIMEOUT, CONNECT_TIMEOUT, ALLOW, BREAKER_FAILURES,
      BREAKER_OPEN, INVALIDATION_QUEUE, OUTAGE_MAX_LOADS, OUTAGE_LOAD_WAIT, TOPOLOGY_REFRESH);

  private static final String DATABASE = RedisURI.PARAMETER_NAME_DATABASE;
  private static final String DB = RedisURI.PARAMETER_NAME_DATABASE_ALT;
  private static final String SENTINEL_MASTER_ID = RedisURI.PARAMETER_NAME_SENTINEL_MASTER_ID;
  private static final String VERIFY_PEER = RedisURI.PARAMETER_NAME_VERIFY_PEER;
  /* Exactly the query keys that Lettuce 7.7's RedisURI parses, less "timeout", which Aside takes
   * over. Lettuce ignores any key it does not know, so an unknown key is rejected here rather than
   * silently dropped; Lettuce's "db" match is case-sensitive, so all names are matched exactly. */
  private static final Set<String> LETTUCE_OPTIONS = Set.of(DATABASE, DB,
      RedisURI.PARAMETER_NAME_CLIENT_NAME, SENTINEL_MASTER_ID, VERIFY_PEER,
      RedisURI.PARAMETER_NAME_LIBRARY_NAME, RedisURI.PARAMETER_NAME_LIBRARY_VERSION);
  private static final String ACCEPTED_OPTIONS = "prefix, timeout, connectTimeout, allow, breakerFailures,"
      + " breakerOpen, invalidationQueue, outageMaxLoads, outageLoadWait, topologyRefresh, database,"
      + " db, clientName, sentinelMasterId, verifyPeer, libraryName, libraryVersion";

  private static final Set<String> STANDALONE_SCHEMES = Set.of("redis", "rediss");
  private static final Set<String> SENTINEL_SCHEMES = Set.of("redis-sentinel", "rediss-sentinel");
  private static final Set<String> CLUSTER_SCHEMES = Set.of("redis-cluster", "rediss-cluster");
  private static final String ACCEPTED_SCHEMES = "redis, rediss, redis-sentinel, rediss-sentinel, redis-cluster,"
      + " rediss-cluster";

  private static final Pattern PREFIX_PATTERN = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern DIGITS = Pattern.compile("\\d{1,9}");

  private final RedisURI redisUri;
  /* The seed nodes of a cluster URI (redisUri is the first); empty for the other forms. */
  private final List<RedisURI> clusterSeeds;
  private final Duration topologyRefresh;
  private final String prefix;
  private final Duration commandTimeout;
  private final Duration connectTimeout;
  private final List<String> deserializationAllowlist;
  private final ResilienceSettings resilience;
  private final String redacted;

  private ConnectionSettings(List<RedisURI> redisUris, boolean cluster, Duration topologyRefresh, String prefix,
      Duration commandTimeout, Duration connectTimeout, List<String> deserializationAllowlist,
      ResilienceSettings resilience, String redacted) {
    this.resilience = Objects.requireNonNull(resilience);
    this.redisUri = redisUris.get(0);
    this.clusterSeeds = cluster ? List.copyOf(redisUris) : List.of();
    this.topologyRefresh = Objects.requireNonNull(topologyRefresh);
    this.prefix = Objects.requireNonNull(prefix);
    this.commandTimeout = Objects.requireNonNull(commandTimeout);
    this.connectTimeout = Objects.requireNonNull(connectTimeout);
    this.deserializationAllowlist = List.copyOf(deserializationAllowlist);
    this.redacted = Objects.requireNonNull(redacted);
  }

  /**
   * Parses a connection URI given as text, as written in a configuration file.
   *
   * @throws IllegalArgumentException if the text is not a URI or not an accepted connection URI
   */
  public static ConnectionSettings parse(String text) {
    Objects.requireNonNull(text);
    URI uri;
    try {
      uri = new URI(text.trim());
    } catch (URISyntaxException e) {
      /* The exception's own message quotes the input, password included: only its reason is used,
       * and the text is masked from the scheme to its last '@' since its structure is unknown. */
      throw new IllegalArgumentException("Invalid Redis URI " + RedactedUri.of(text.trim()) + ": "
          + e.getReason() + " at index " + e.getIndex());
    }
    return parse(uri);
  }

  /**
   * Parses a connection URI.
   *
   * @throws IllegalArgumentException if the URI is not an accepted connection URI
   */
  public static ConnectionSettings parse(URI uri) {
    Objects.requireNonNull(uri);
    String redacted = RedactedUri.of(uri);
    String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
    boolean sentinel = SENTINEL_SCHEMES.contains(scheme);
    boolean cluster = CLUSTER_SCHEMES.contains(scheme);
    if (!sentinel && !cluster && !STANDALONE_SCHEMES.contains(scheme)) {
      throw invalid(redacted, "scheme '" + uri.getScheme() + "' is not supported; accepted schemes: "
          + ACCEPTED_SCHEMES);
    }
    if (uri.isOpaque() || uri.getRawAuthority() == null) {
      throw invalid(redacted, "no host; expected " + scheme + "://host[:port]");
    }
    List<String> nodes = checkHosts(uri.getRawAuthority(), sentinel || cluster, scheme, redacted);
    if (!sentinel && !cluster && uri.getHost() == null) {
      /* Lettuce would then take "host:port" as a host name; this happens when the user information
       * holds a raw '@', '/' or similar character. */
      throw invalid(redacted, "the authority does not parse as [user:password@]host[:port]; percent-encode"
          + " reserved characters such as @ / : in the user name and password");
    }
    boolean pathDatabase = checkPath(uri.getRawPath(), redacted);

    Map<String, String> options = new LinkedHashMap<>();
    List<String> lettuceQuery = new ArrayList<>();
    splitQuery(uri.getRawQuery(), options, lettuceQuery, redacted);
    checkLettuceOptions(options, pathDatabase, sentinel, uri.getRawFragment(), redacted);
    if (cluster) {
      checkClusterDatabase(uri.getRawPath(), options, redacted);
    } else if (options.containsKey(TOPOLOGY_REFRESH)) {
      throw invalid(redacted, "option topologyRefresh is only accepted by redis-cluster URIs");
    }

    String prefix = options.getOrDefault(PREFIX, DEFAULT_PREFIX);
    if (!PREFIX_PATTERN.matcher(prefix).matches()) {
      throw invalid(redacted, "option prefix='" + prefix + "' must match [A-Za-z0-9._-]{1,64}");
    }
    Duration commandTimeout = durationOption(options, TIMEOUT, DEFAULT_COMMAND_TIMEOUT, redacted);
    Duration connectTimeout = durationOption(options, CONNECT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, redacted);
    Duration topologyRefresh = durationOption(options, TOPOLOGY_REFRESH, DEFAULT_TOPOLOGY_REFRESH, redacted);
    List<String> allowlist = List.of();
    if (options.containsKey(ALLOW)) {
      try {
        allowlist = SettingValues.allowlist(options.get(ALLOW));
      } catch (IllegalArgumentException e) {
        throw invalid(redacted, "option allow: " + e.getMessage());
      }
    }

    ResilienceSettings defaults = ResilienceSettings.DEFAULTS;
    ResilienceSettings resilience = new ResilienceSettings(
        countOption(options, BREAKER_FAILURES, defaults.breakerFailures(), redacted),
        durationOption(options, BREAKER_OPEN, defaults.breakerOpen(), redacted),
        countOption(options, INVALIDATION_QUEUE, defaults.invalidationQueue(), redacted),
        capOption(options, OUTAGE_MAX_LOADS, redacted),
        options.containsKey(OUTAGE_LOAD_WAIT) && options.get(OUTAGE_LOAD_WAIT).equals("0") ? Duration.ZERO
            : durationOption(options, OUTAGE_LOAD_WAIT, commandTimeout, redacted));

    List<RedisURI> redisUris = cluster ? toClusterSeeds(uri, scheme, nodes, lettuceQuery, redacted)
        : List.of(toRedisUri(uri, scheme, lettuceQuery, redacted));
    for (RedisURI redisUri : redisUris) {
      redisUri.setTimeout(commandTimeout);
      redisUri.getSentinels().forEach(node -> node.setTimeout(commandTimeout));
    }
    return new ConnectionSettings(redisUris, cluster, topologyRefresh, prefix, commandTimeout, connectTimeout,
        allowlist, resilience, redacted);
  }

  /**
   * The Lettuce URI to connect with (of a cluster, its first seed node); it carries the credentials,
   * so it is for connecting only.
   */
  public RedisURI redisUri() {
    return redisUri;
  }

  /** Whether the URI names a Redis Cluster ({@code redis-cluster} schemes). */
  public boolean isCluster() {
    return !clusterSeeds.isEmpty();
  }

  /** The seed nodes of a cluster URI, in the URI's order, each with the credentials; empty unless {@link #isCluster()}. */
  public List<RedisURI> clusterSeeds() {
    return clusterSeeds;
  }

  /** The period of a cluster's periodic topology refresh ({@code topologyRefresh}, default 30s). */
  public Duration topologyRefresh() {
    return topologyRefresh;
  }

  /** The namespace prefix of every Redis key. */
  public String prefix() {
    return prefix;
  }

  /** The timeout of every Redis command; also set on {@link #redisUri()}. */
  public Duration commandTimeout() {
    return commandTimeout;
  }

  /** The timeout of establishing a connection (for Lettuce's socket options). */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** Extra deserialization allowlist patterns ({@code allow} option), possibly empty. */
  public List<String> deserializationAllowlist() {
    return deserializationAllowlist;
  }

  /**
   * Circuit breaker, invalidation queue and outage load cap settings ({@code breakerFailures}, {@code breakerOpen},
   * {@code invalidationQueue}, {@code outageMaxLoads}, {@code outageLoadWait}).
   */
  public ResilienceSettings resilience() {
    return resilience;
  }

  /** Whether connections use TLS ({@code rediss}, {@code rediss-sentinel}, {@code rediss-cluster}). */
  public boolean tls() {
    return redisUri.isSsl();
  }

  /** The URI as given, with any password replaced by {@code ***}. */
  public String redacted() {
    return redacted;
  }

  /** Same as {@link #redacted()}. */
  @Override
  public String toString() {
    return redacted;
  }

  /* Each host of the authority (several only for sentinels and clusters) must parse as a
   * server-based URI authority, which rejects non-numeric ports; the port must then be in range.
   * Returns the hosts as written. */
  private static List<String> checkHosts(String rawAuthority, boolean severalAllowed, String scheme,
      String redacted) {
    String hosts = rawAuthority.substring(rawAuthority.lastIndexOf('@') + 1);
    if (hosts.isEmpty()) {
      throw invalid(redacted, "no host");
    }
    String[] nodes = hosts.split(",", -1);
    if (nodes.length > 1 && !severalAllowed) {
      throw invalid(redacted, "several hosts '" + hosts + "' are only accepted by redis-sentinel and redis-cluster"
          + " URIs; for a Redis Cluster write " + scheme + "-cluster://" + hosts);
    }
    for (String node : nodes) {
      URI parsed;
      try {
        parsed = new URI("redis://" + node);
      } catch (URISyntaxException e) {
        throw invalid(redacted, "host '" + node + "' is not host[:port]");
      }
      if (node.isEmpty() || parsed.getHost() == null) {
        throw invalid(redacted, "host '" + node + "' is not host[:port] (empty host or bad port)");
      }
      if (parsed.getPort() == 0 || parsed.getPort() > 65535 || node.endsWith(":")) {
        throw invalid(redacted, "port of '" + node + "' is not in 1..65535");
      }
    }
    return List.of(nodes);
  }

  /* A cluster has database 0 only (SELECT is refused in cluster mode). */
  private static void checkClusterDatabase(String rawPath, Map<String, String> options, String redacted) {
    String database = rawPath == null || rawPath.length() <= 1 ? null : rawPath.substring(1);
    for (String value : new String[] {database, options.get(DATABASE), options.get(DB)}) {
      if (value != null && Integer.parseInt(value) != 0) {
        throw invalid(redacted, "database " + value + ": a Redis Cluster has database 0 only");
      }
    }
  }

  /** Whether the path names a database; fails unless it is empty, "/" or "/<number>". */
  private static boolean checkPath(String rawPath, String redacted) {
    if (rawPath == null || rawPath.isEmpty() || rawPath.equals("/")) {
      return false;
    }
    String database = rawPath.substring(1);
    if (!DIGITS.matcher(database).matches()) {
      throw invalid(redacted, "database '" + database + "' in the path is not a number");
    }
    return true;
  }

  /* Splits the raw query at '&' and ';', as Lettuce does after decoding the whole query. Aside
   * options go to 'options' decoded; Lettuce options stay raw in 'lettuceQuery' and are also recorded
   * decoded in 'options' for checking. A decoded Lettuce value holding '&' or ';' is rejected, since
   * Lettuce would split it into further options. */
  private static void splitQuery(String rawQuery, Map<String, String> options,
      List<String> lettuceQuery, String redacted) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return;
    }
    for (String token : rawQuery.split("[&;]")) {
      if (token.isEmpty()) {
        continue;
      }
      int equals = token.indexOf('=');
      String name = decode(equals < 0 ? token : token.substring(0, equals));
      String value = equals < 0 ? "" : decode(token.substring(equals + 1));
      boolean lettuce = LETTUCE_OPTIONS.contains(name);
      if (!lettuce && !ASIDE_OPTIONS.contains(name)) {
        throw invalid(redacted, "unknown option '" + name + "'; accepted options: " + ACCEPTED_OPTIONS);
      }
      if (options.containsKey(name)) {
        throw invalid(redacted, "option " + name + " is given twice");
      }
      if (value.isBlank()) {
        throw invalid(redacted, "option " + name + " has no value");
      }
      if (lettuce && (value.indexOf('&') >= 0 || value.indexOf(';') >= 0)) {
        throw invalid(redacted, "value of option " + name + " must not contain '&' or ';'");
      }
      options.put(name, value);
      if (lettuce) {
        lettuceQuery.add(token);
      }
    }
  }

  private static void checkLettuceOptions(Map<String, String> options, boolean pathDatabase,
      boolean sentinel, String fragment, String redacted) {
    int databases = (pathDatabase ? 1 : 0) + (options.containsKey(DATABASE) ? 1 : 0)
        + (options.containsKey(DB) ? 1 : 0);
    if (databases > 1) {
      throw invalid(redacted, "the database is given more than once (path, database, db)");
    }
    for (String name : List.of(DATABASE, DB)) {
      String value = options.get(name);
      if (value != null && !DIGITS.matcher(value).matches()) {
        throw invalid(redacted, "option " + name + "='" + value + "' is not a number");
      }
    }
    String verifyPeer = options.get(VERIFY_PEER);
    if (verifyPeer != null) {
      try {
        SslVerifyMode.valueOf(verifyPeer.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw invalid(redacted, "option verifyPeer='" + verifyPeer + "' is not one of NONE, CA, FULL");
      }
    }
    boolean hasFragment = fragment != null && !fragment.isEmpty();
    if (sentinel) {
      if (!options.containsKey(SENTINEL_MASTER_ID) && !hasFragment) {
        throw invalid(redacted, "a redis-sentinel URI needs the option sentinelMasterId=<master name>");
      }
    } else {
      if (options.containsKey(SENTINEL_MASTER_ID)) {
        throw invalid(redacted, "option sentinelMasterId is only accepted by redis-sentinel URIs");
      }
      if (hasFragment) {
        throw invalid(redacted, "a fragment (#...) is only accepted by redis-sentinel URIs, as master name");
      }
    }
  }

  private static int countOption(Map<String, String> options, String name, int fallback, String redacted) {
    String value = options.get(name);
    if (value == null) {
      return fallback;
    }
    if (!DIGITS.matcher(value).matches() || Integer.parseInt(value) < 1) {
      throw invalid(redacted, "option " + name + "='" + value + "' must be a positive whole number");
    }
    return Integer.parseInt(value);
  }

  /** A count where 0 means none; absent is 0. */
  private static int capOption(Map<String, String> options, String name, String redacted) {
    String value = options.get(name);
    if (value == null) {
      return 0;
    }
    if (!DIGITS.matcher(value).matches()) {
      throw invalid(redacted, "option " + name + "='" + value + "' must be a whole number, 0 for no cap");
    }
    return Integer.parseInt(value);
  }

  private static Duration durationOption(Map<String, String> options, String name, Duration fallback,
      String redacted) {
    String value = options.get(name);
    if (value == null) {
      return fallback;
    }
    try {
      return SettingValues.duration(value);
    } catch (IllegalArgumentException e) {
      throw invalid(redacted, "option " + name + ": " + e.getMessage());
    }
  }

  /* Hands Lettuce the URI as given, minus Aside's options. Lettuce's messages never quote the
   * password, but its exception is not chained all the same: a cause is printed with stack traces. */
  private static RedisURI toRedisUri(URI uri, String scheme, List<String> lettuceQuery, String redacted) {
    StringBuilder text = new StringBuilder(scheme).append("://").append(uri.getRawAuthority());
    if (uri.getRawPath() != null) {
      text.append(uri.getRawPath());
    }
    if (!lettuceQuery.isEmpty()) {
      text.append('?').append(String.join("&", lettuceQuery));
    }
    if (uri.getRawFragment() != null) {
      text.append('#').append(uri.getRawFragment());
    }
    try {
      return RedisURI.create(text.toString());
    } catch (RuntimeException e) {
      throw invalid(redacted, "rejected by Lettuce (" + e.getClass().getSimpleName() + ")");
    }
  }

  /* One redis:// (or rediss://) URI per seed node, each with the user information, path and Lettuce
   * options of the cluster URI, so every node is reached with the same credentials and TLS settings. */
  private static List<RedisURI> toClusterSeeds(URI uri, String scheme, List<String> nodes, List<String> lettuceQuery,
      String redacted) {
    String nodeScheme = scheme.startsWith("rediss") ? "rediss" : "redis";
    String authority = uri.getRawAuthority();
    int at = authority.lastIndexOf('@');
    String userInfo = at < 0 ? "" : authority.substring(0, at + 1);
    List<RedisURI> seeds = new ArrayList<>(nodes.size());
    for (String node : nodes) {
      URI seed;
      try {
        seed = new URI(nodeScheme + "://" + userInfo + node + (uri.getRawPath() == null ? "" : uri.getRawPath()));
      } catch (URISyntaxException e) {
        throw invalid(redacted, "seed node '" + node + "' does not parse as [user:password@]host[:port]");
      }
      if (seed.getHost() == null) {
        throw invalid(redacted, "the authority does not parse as [user:password@]host[:port][,host[:port]...];"
            + " percent-encode reserved characters such as @ / : in the user name and password");
      }
      seeds.add(toRedisUri(seed, nodeScheme, lettuceQuery, redacted));
    }
    return seeds;
  }

  private static String decode(String raw) {
    /* URI decoding, where '+' stays a plus, unlike form decoding. */
    return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static IllegalArgumentException invalid(String redacted, String what) {
    return new IllegalArgumentException("Invalid Redis URI " + redacted + ": " + what);
  }
}
