package dev.aside.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisURI;
import io.lettuce.core.SslVerifyMode;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConnectionSettingsTest {
  private static final String PASSWORD = "s3cretPa55";

  private static ConnectionSettings parse(String uri) {
    return ConnectionSettings.parse(URI.create(uri));
  }

  private static char[] password(RedisURI uri) {
    return uri.getCredentialsProvider().resolveCredentials().block().getPassword();
  }

  private static String username(RedisURI uri) {
    return uri.getCredentialsProvider().resolveCredentials().block().getUsername();
  }

  @Test
  void plainHostGetsDefaults() {
    ConnectionSettings settings = parse("redis://localhost");

    RedisURI redis = settings.redisUri();
    assertThat(redis.getHost()).isEqualTo("localhost");
    assertThat(redis.getPort()).isEqualTo(6379);
    assertThat(redis.getDatabase()).isZero();
    assertThat(redis.getTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(settings.prefix()).isEqualTo("aside");
    assertThat(settings.commandTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(settings.deserializationAllowlist()).isEmpty();
    assertThat(settings.tls()).isFalse();
    assertThat(settings.redacted()).isEqualTo("redis://localhost");
  }

  @Test
  void userAndPassword() {
    ConnectionSettings settings = parse("redis://app:" + PASSWORD + "@cache.internal:6380/3");

    RedisURI redis = settings.redisUri();
    assertThat(redis.getHost()).isEqualTo("cache.internal");
    assertThat(redis.getPort()).isEqualTo(6380);
    assertThat(redis.getDatabase()).isEqualTo(3);
    assertThat(username(redis)).isEqualTo("app");
    assertThat(password(redis)).containsExactly(PASSWORD.toCharArray());
    assertThat(settings.redacted()).isEqualTo("redis://app:***@cache.internal:6380/3");
    assertThat(settings.toString()).isEqualTo(settings.redacted()).doesNotContain(PASSWORD);
  }

  @Test
  void passwordOnly() {
    ConnectionSettings settings = parse("redis://:" + PASSWORD + "@h:1");

    assertThat(username(settings.redisUri())).isNull();
    assertThat(password(settings.redisUri())).containsExactly(PASSWORD.toCharArray());
    assertThat(settings.redisUri().getPort()).isEqualTo(1);
    assertThat(settings.redacted()).isEqualTo("redis://:***@h:1");
  }

  @Test
  void userInformationWithoutColonIsAPassword() {
    ConnectionSettings settings = parse("redis://" + PASSWORD + "@h");

    assertThat(password(settings.redisUri())).containsExactly(PASSWORD.toCharArray());
    assertThat(settings.redacted()).isEqualTo("redis://***@h");
  }

  @Test
  void percentEncodedPassword() {
    ConnectionSettings settings = parse("redis://app:p%40ss%3Aword@h");

    assertThat(password(settings.redisUri())).containsExactly("p@ss:word".toCharArray());
    assertThat(settings.redacted()).isEqualTo("redis://app:***@h").doesNotContain("p%40ss");
  }

  @Test
  void tls() {
    ConnectionSettings settings = parse("rediss://:" + PASSWORD + "@secure.example:6390?verifyPeer=CA");

    assertThat(settings.tls()).isTrue();
    assertThat(settings.redisUri().isSsl()).isTrue();
    assertThat(settings.redisUri().getVerifyMode()).isEqualTo(SslVerifyMode.CA);
    assertThat(settings.redacted()).isEqualTo("rediss://:***@secure.example:6390?verifyPeer=CA");
  }

  @Test
  void sentinelWithTwoHosts() {
    ConnectionSettings settings = parse("redis-sentinel://:" + PASSWORD
        + "@s1.example:26379,s2.example:26380/2?sentinelMasterId=mymaster&timeout=1s");

    RedisURI redis = settings.redisUri();
    assertThat(redis.getSentinelMasterId()).isEqualTo("mymaster");
    assertThat(redis.getSentinels()).extracting(RedisURI::getHost).containsExactly("s1.example", "s2.example");
    assertThat(redis.getSentinels()).extracting(RedisURI::getPort).containsExactly(26379, 26380);
    assertThat(redis.getSentinels()).extracting(RedisURI::getTimeout).containsOnly(Duration.ofSeconds(1));
    assertThat(redis.getDatabase()).isEqualTo(2);
    assertThat(redis.getTimeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(password(redis)).containsExactly(PASSWORD.toCharArray());
    assertThat(settings.tls()).isFalse();
    assertThat(settings.redacted()).doesNotContain(PASSWORD)
        .isEqualTo("redis-sentinel://:***@s1.example:26379,s2.example:26380/2"
            + "?sentinelMasterId=mymaster&timeout=1s");
  }

  @Test
  void sentinelMasterAsFragment() {
    ConnectionSettings settings = parse("redis-sentinel://s1,s2#mymaster");

    assertThat(settings.redisUri().getSentinelMasterId()).isEqualTo("mymaster");
    assertThat(settings.redisUri().getSentinels()).hasSize(2);
  }

  @Test
  void clusterSeedsShareCredentialsAndOptions() {
    ConnectionSettings settings = parse("redis-cluster://app:" + PASSWORD
        + "@n1.example:7000,n2.example:7001,n3.example?prefix=shop&timeout=250ms&topologyRefresh=10s&clientName=c1");

    assertThat(settings.isCluster()).isTrue();
    assertThat(settings.clusterSeeds()).extracting(RedisURI::getHost)
        .containsExactly("n1.example", "n2.example", "n3.example");
    assertThat(settings.clusterSeeds()).extracting(RedisURI::getPort).containsExactly(7000, 7001, 6379);
    assertThat(settings.clusterSeeds()).allSatisfy(seed -> {
      assertThat(username(seed)).isEqualTo("app");
      assertThat(password(seed)).containsExactly(PASSWORD.toCharArray());
      assertThat(seed.getTimeout()).isEqualTo(Duration.ofMillis(250));
      assertThat(seed.getClientName()).isEqualTo("c1");
      assertThat(seed.isSsl()).isFalse();
      assertThat(seed.getDatabase()).isZero();
    });
    assertThat(settings.redisUri()).isSameAs(settings.clusterSeeds().get(0));
    assertThat(settings.topologyRefresh()).isEqualTo(Duration.ofSeconds(10));
    assertThat(settings.prefix()).isEqualTo("shop");
    assertThat(settings.redacted()).doesNotContain(PASSWORD)
        .isEqualTo("redis-cluster://app:***@n1.example:7000,n2.example:7001,n3.example"
            + "?prefix=shop&timeout=250ms&topologyRefresh=10s&clientName=c1");
  }

  @Test
  void clusterDefaults() {
    ConnectionSettings settings = parse("redis-cluster://node-1:7000");

    assertThat(settings.isCluster()).isTrue();
    assertThat(settings.clusterSeeds()).singleElement().satisfies(seed -> {
      assertThat(seed.getHost()).isEqualTo("node-1");
      assertThat(seed.getPort()).isEqualTo(7000);
    });
    assertThat(settings.topologyRefresh()).isEqualTo(ConnectionSettings.DEFAULT_TOPOLOGY_REFRESH);
    assertThat(settings.tls()).isFalse();
    assertThat(parse("redis://h").isCluster()).isFalse();
    assertThat(parse("redis://h").clusterSeeds()).isEmpty();
  }

  @Test
  void tlsCluster() {
    ConnectionSettings settings = parse("rediss-cluster://:" + PASSWORD + "@n1:7000,n2:7000?verifyPeer=CA");

    assertThat(settings.tls()).isTrue();
    assertThat(settings.clusterSeeds()).hasSize(2).allSatisfy(seed -> {
      assertThat(seed.isSsl()).isTrue();
      assertThat(seed.getVerifyMode()).isEqualTo(SslVerifyMode.CA);
      assertThat(password(seed)).containsExactly(PASSWORD.toCharArray());
    });
    assertThat(settings.redacted()).isEqualTo("rediss-cluster://:***@n1:7000,n2:7000?verifyPeer=CA");
  }

  @ParameterizedTest
  @ValueSource(strings = {"redis-cluster://:PW@n1:7000,n2:7000/2", "redis-cluster://:PW@n1?db=1",
      "rediss-cluster://:PW@n1?database=3"})
  void clusterDatabaseOtherThanZeroIsRejected(String uri) {
    assertThatThrownBy(() -> parse(uri.replace("PW", PASSWORD)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a Redis Cluster has database 0 only")
        .hasMessageContaining(":***@n1")
        .hasMessageNotContaining(PASSWORD);
    assertThat(parse("redis-cluster://n1/0").clusterSeeds().get(0).getDatabase()).isZero();
  }

  @Test
  void optionsThatMakeNoSenseOnAClusterAreRejected() {
    assertThatThrownBy(() -> parse("redis-cluster://n1,n2?sentinelMasterId=m"))
        .hasMessageContaining("sentinelMasterId is only accepted by redis-sentinel URIs");
    assertThatThrownBy(() -> parse("redis-cluster://n1#m")).hasMessageContaining("fragment");
    assertThatThrownBy(() -> parse("redis://h?topologyRefresh=10s"))
        .hasMessageContaining("topologyRefresh is only accepted by redis-cluster URIs");
    assertThatThrownBy(() -> parse("redis-sentinel://s1?sentinelMasterId=m&topologyRefresh=10s"))
        .hasMessageContaining("topologyRefresh is only accepted by redis-cluster URIs");
    assertThatThrownBy(() -> parse("redis-cluster://n1?topologyRefresh=soon"))
        .hasMessageContaining("option topologyRefresh").hasMessageContaining("soon");
  }

  @Test
  void badClusterSeedIsNamed() {
    assertThatThrownBy(() -> parse("redis-cluster://:" + PASSWORD + "@n1:7000,n2:abc"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'n2:abc'")
        .hasMessageNotContaining(PASSWORD);
    assertThatThrownBy(() -> parse("redis-cluster://n1:7000,"))
        .hasMessageContaining("host '' is not host[:port]");
    assertThatThrownBy(() -> parse("redis-cluster://app:pa@ss@n1:7000,n2:7000"))
        .hasMessageContaining("percent-encode")
        .hasMessageContaining("redis-cluster://app:***@n1:7000,n2:7000")
        .hasMessageNotContaining("pa@ss");
  }

  @Test
  void severalHostsOnAStandaloneUriNameTheClusterForm() {
    assertThatThrownBy(() -> parse("redis://n1:7000,n2:7001"))
        .hasMessageContaining("several hosts").hasMessageContaining("redis-cluster://n1:7000,n2:7001");
  }

  @Test
  void asideOptionsAreAppliedAndRemoved() {
    ConnectionSettings settings = parse("redis://h:6379?prefix=shop.v2&timeout=250ms&connectTimeout=PT3S"
        + "&allow=com.acme.**,com.acme.dto.*&clientName=shop-1&database=4");

    assertThat(settings.prefix()).isEqualTo("shop.v2");
    assertThat(settings.commandTimeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(settings.redisUri().getTimeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(settings.deserializationAllowlist()).containsExactly("com.acme.**", "com.acme.dto.*");
    assertThat(settings.redisUri().getClientName()).isEqualTo("shop-1");
    assertThat(settings.redisUri().getDatabase()).isEqualTo(4);
    /* Lettuce's own rendering carries only what was handed to it. */
    assertThat(settings.redisUri().toString()).doesNotContain("prefix", "allow", "connectTimeout");
  }

  @ParameterizedTest
  @CsvSource({"250ms,PT0.25S", "2s,PT2S", "1m,PT1M", "1h,PT1H", "1d,PT24H", "PT2S,PT2S", "pt0.5s,PT0.5S"})
  void durations(String text, String expected) {
    assertThat(parse("redis://h?timeout=" + text).commandTimeout()).isEqualTo(Duration.parse(expected));
  }

  @Test
  void dbQueryAlias() {
    assertThat(parse("redis://h?db=7").redisUri().getDatabase()).isEqualTo(7);
  }

  @Test
  void libraryOptionsPassThrough() {
    RedisURI redis = parse("redis://h?libraryName=shop&libraryVersion=9.1").redisUri();

    assertThat(redis.getLibraryName()).isEqualTo("shop");
    assertThat(redis.getLibraryVersion()).isEqualTo("9.1");
  }

  @Test
  void ipv6Host() {
    RedisURI redis = parse("redis://[::1]:6390").redisUri();

    /* Lettuce keeps the brackets of an IPv6 literal. */
    assertThat(redis.getHost()).contains("::1");
    assertThat(redis.getPort()).isEqualTo(6390);
  }

  @Test
  void unknownOptionIsNamedWithTheAcceptedOnes() {
    assertThatThrownBy(() -> parse("redis://u:" + PASSWORD + "@h?ssl=true"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown option 'ssl'")
        .hasMessageContaining("prefix, timeout, connectTimeout, allow, breakerFailures")
        .hasMessageContaining("redis://u:***@h?ssl=true")
        .hasMessageNotContaining(PASSWORD);
  }

  @Test
  void optionNamesAreCaseSensitive() {
    assertThatThrownBy(() -> parse("redis://h?clientname=x"))
        .hasMessageContaining("unknown option 'clientname'").hasMessageContaining("clientName");
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc", "10", "-1s", "0s", "5x", "PT", "99999999999999999d"})
  void badDurationIsRejected(String duration) {
    assertThatThrownBy(() -> parse("redis://:" + PASSWORD + "@h?timeout=" + duration))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("option timeout")
        .hasMessageContaining(duration)
        .hasMessageNotContaining(PASSWORD);
  }

  @Test
  void theOutageLoadCapIsOffByDefaultAndWaitsTheCommandTimeout() {
    assertThat(parse("redis://h").resilience().outageMaxLoads()).as("no cap").isZero();
    var capped = parse("redis://h?timeout=250ms&outageMaxLoads=16").resilience();
    assertThat(capped.outageMaxLoads()).isEqualTo(16);
    assertThat(capped.outageLoadWait()).as("the command timeout").isEqualTo(java.time.Duration.ofMillis(250));
    var waiting = parse("redis://h?outageMaxLoads=4&outageLoadWait=2s").resilience();
    assertThat(waiting.outageLoadWait()).isEqualTo(java.time.Duration.ofSeconds(2));
    assertThat(parse("redis://h?outageMaxLoads=0&outageLoadWait=0").resilience().outageLoadWait()).isZero();
    assertThatThrownBy(() -> parse("redis://h?outageMaxLoads=-3"))
        .hasMessageContaining("option outageMaxLoads='-3' must be a whole number, 0 for no cap");
    assertThatThrownBy(() -> parse("redis://h?outageLoadWait=soon")).hasMessageContaining("option outageLoadWait");
  }

  @Test
  void badConnectTimeoutIsRejected() {
    assertThatThrownBy(() -> parse("redis://h?connectTimeout=soon"))
        .hasMessageContaining("option connectTimeout").hasMessageContaining("soon");
  }

  @ParameterizedTest
  @ValueSource(strings = {"http", "redis-socket", "https", "unix"})
  void unsupportedSchemeIsRejected(String scheme) {
    assertThatThrownBy(() -> parse(scheme + "://app:" + PASSWORD + "@h:6379"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("scheme '" + scheme + "' is not supported")
        .hasMessageContaining("redis, rediss, redis-sentinel, rediss-sentinel, redis-cluster, rediss-cluster")
        .hasMessageContaining(scheme + "://app:***@h:6379")
        .hasMessageNotContaining(PASSWORD);
  }

  @ParameterizedTest
  @ValueSource(strings = {"redis:///0", "redis:localhost", "redis://:PW@", "redis://:PW@:6379"})
  void missingHostIsRejected(String uri) {
    assertThatThrownBy(() -> parse(uri.replace("PW", PASSWORD)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("host")
        .hasMessageNotContaining(PASSWORD);
  }

  @Test
  void emptyAuthorityTextIsRejected() {
    assertThatThrownBy(() -> ConnectionSettings.parse("redis://"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Invalid Redis URI redis://")
        .hasMessageContaining("authority");
  }

  @ParameterizedTest
  @ValueSource(strings = {"redis://:PW@h:abc", "redis://:PW@h:99999", "redis://:PW@h:0", "redis://:PW@h:"})
  void badPortIsRejected(String uri) {
    assertThatThrownBy(() -> parse(uri.replace("PW", PASSWORD)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'h:")
        .hasMessageContaining("redis://:***@h:")
        .hasMessageNotContaining(PASSWORD);
  }

  @ParameterizedTest
  @ValueSource(strings = {"redis://:PW@h/abc", "redis://:PW@h/1/2", "redis://:PW@h?db=x", "redis://:PW@h?database=3x"})
  void databaseThatIsNotANumberIsRejected(String uri) {
    assertThatThrownBy(() -> parse(uri.replace("PW", PASSWORD)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a number")
        .hasMessageNotContaining(PASSWORD);
  }

  @Test
  void databaseGivenTwiceIsRejected() {
    assertThatThrownBy(() -> parse("redis://h/1?db=2")).hasMessageContaining("more than once");
  }

  @Test
  void repeatedOptionIsRejected() {
    assertThatThrownBy(() -> parse("redis://h?prefix=a&prefix=b")).hasMessageContaining("prefix is given twice");
  }

  @Test
  void emptyOptionValueIsRejected() {
    assertThatThrownBy(() -> parse("redis://h?clientName=")).hasMessageContaining("clientName has no value");
  }

  @Test
  void sentinelWithoutMasterIsRejected() {
    assertThatThrownBy(() -> parse("redis-sentinel://:" + PASSWORD + "@s1:26379,s2:26379"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sentinelMasterId")
        .hasMessageContaining("redis-sentinel://:***@s1:26379,s2:26379")
        .hasMessageNotContaining(PASSWORD);
  }

  @Test
  void sentinelOptionsOnPlainRedisAreRejected() {
    assertThatThrownBy(() -> parse("redis://h?sentinelMasterId=m")).hasMessageContaining("sentinelMasterId");
    assertThatThrownBy(() -> parse("redis://h1,h2")).hasMessageContaining("several hosts");
    assertThatThrownBy(() -> parse("redis://h#m")).hasMessageContaining("fragment");
  }

  @Test
  void rawAtSignInPasswordOfStandaloneIsRejectedWithoutLeakingIt() {
    assertThatThrownBy(() -> parse("redis://app:pa@ss@h:6379"))
        .hasMessageContaining("percent-encode")
        .hasMessageContaining("redis://app:***@h:6379")
        .hasMessageNotContaining("pa@ss");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "has space", "a/b", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "ä"})
  void badPrefixIsRejected(String prefix) {
    assertThatThrownBy(() -> ConnectionSettings.parse(
            new URI("redis", null, "h", -1, null, "prefix=" + prefix, null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("prefix");
  }

  @ParameterizedTest
  @ValueSource(strings = {"!com.acme.*", "maxdepth=3", "*", "com.acme.*,,x.Y", "**"})
  void badAllowPatternIsRejected(String allow) {
    assertThatThrownBy(() -> parse("redis://h?allow=" + allow.replace("!", "%21")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("option allow");
  }

  @Test
  void badVerifyPeerIsRejected() {
    assertThatThrownBy(() -> parse("rediss://h?verifyPeer=maybe")).hasMessageContaining("verifyPeer='maybe'");
  }

  @Test
  void encodedSeparatorInLettuceValueIsRejected() {
    assertThatThrownBy(() -> parse("redis://h?clientName=a%26db%3D5")).hasMessageContaining("'&' or ';'");
  }

  @Test
  void unparsableTextNeverShowsThePassword() {
    assertThatThrownBy(() -> ConnectionSettings.parse("redis://app:" + PASSWORD + " x@h:6379"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("redis://***@h:6379")
        .hasMessageNotContaining(PASSWORD)
        .hasNoCause();
  }

  @Test
  void textIsParsedLikeTheUri() {
    ConnectionSettings settings = ConnectionSettings.parse(" redis://:" + PASSWORD + "@h:6380?prefix=p ");

    assertThat(settings.redisUri().getPort()).isEqualTo(6380);
    assertThat(settings.prefix()).isEqualTo("p");
    assertThat(settings.redacted()).isEqualTo("redis://:***@h:6380?prefix=p");
  }

  @Test
  void listOfAllowPatternsIsImmutable() {
    List<String> allowlist = parse("redis://h?allow=a.B").deserializationAllowlist();

    assertThatThrownBy(() -> allowlist.add("x")).isInstanceOf(UnsupportedOperationException.class);
  }
}
