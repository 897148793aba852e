package dev.aside.benchmarks;

import io.lettuce.core.RedisURI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code redis-cluster://[[user]:password@]host:port[,host:port...][?options]} URI (or {@code rediss-cluster://},
 * with TLS) as the comparison clients need it: the seed nodes and the credentials. The query is Aside's and
 * is not read here.
 */
record ClusterUri(boolean tls, String username, String password, List<String> hosts, List<Integer> ports) {

  private static final String PLAIN = "redis-cluster";
  private static final String SECURE = "rediss-cluster";

  /** Whether {@code uri} names a Redis Cluster. */
  static boolean isCluster(String uri) {
    return uri.startsWith(PLAIN + "://") || uri.startsWith(SECURE + "://");
  }

  /** Parses a cluster URI; a malformed one is an {@link IllegalArgumentException} that never shows the password. */
  static ClusterUri parse(String uri) {
    if (!isCluster(uri)) {
      throw new IllegalArgumentException("not a redis-cluster:// or rediss-cluster:// URI");
    }
    boolean tls = uri.startsWith(SECURE);
    String rest = uri.substring(uri.indexOf("://") + 3);
    int end = indexOfAny(rest, '/', '?');
    String authority = end < 0 ? rest : rest.substring(0, end);
    String username = null;
    String password = null;
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      String userInfo = authority.substring(0, at);
      authority = authority.substring(at + 1);
      int colon = userInfo.indexOf(':');
      if (colon < 0) {
        password = decode(userInfo);
      } else {
        username = colon == 0 ? null : decode(userInfo.substring(0, colon));
        password = decode(userInfo.substring(colon + 1));
      }
    }
    List<String> hosts = new ArrayList<>();
    List<Integer> ports = new ArrayList<>();
    for (String node : authority.split(",")) {
      int colon = node.lastIndexOf(':');
      String host = colon < 0 ? node : node.substring(0, colon);
      if (host.isEmpty()) {
        throw new IllegalArgumentException("a cluster URI names host:port pairs, found '" + node + "'");
      }
      try {
        ports.add(colon < 0 ? 6379 : Integer.parseInt(node.substring(colon + 1)));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("a cluster URI names host:port pairs, found '" + node + "'");
      }
      hosts.add(host);
    }
    return new ClusterUri(tls, username, password, List.copyOf(hosts), List.copyOf(ports));
  }

  /** The seeds for Lettuce's {@code RedisClusterClient}. */
  List<RedisURI> lettuceSeeds() {
    List<RedisURI> seeds = new ArrayList<>();
    for (int i = 0; i < hosts.size(); i++) {
      RedisURI.Builder seed = RedisURI.Builder.redis(hosts.get(i), ports.get(i)).withSsl(tls);
      if (password != null) {
        if (username != null) {
          seed.withAuthentication(username, password.toCharArray());
        } else {
          seed.withPassword(password.toCharArray());
        }
      }
      seeds.add(seed.build());
    }
    return seeds;
  }

  /** The seed addresses for Redisson's {@code useClusterServers()}: {@code redis://host:port}. */
  List<String> redissonAddresses() {
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < hosts.size(); i++) {
      addresses.add((tls ? "rediss://" : "redis://") + hosts.get(i) + ":" + ports.get(i));
    }
    return addresses;
  }

  /** The first seed as a Lettuce standalone URI, for a command to one node (e.g. INFO). */
  RedisURI firstNode() {
    return lettuceSeeds().get(0);
  }

  /** The seeds, without the credentials. */
  @Override
  public String toString() {
    return (tls ? SECURE : PLAIN) + "://" + String.join(",",
        java.util.stream.IntStream.range(0, hosts.size()).mapToObj(i -> hosts.get(i) + ":" + ports.get(i)).toList());
  }

  private static String decode(String text) {
    return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static int indexOfAny(String text, char first, char second) {
    int a = text.indexOf(first);
    int b = text.indexOf(second);
    return a < 0 ? b : b < 0 ? a : Math.min(a, b);
  }
}
