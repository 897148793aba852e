package dev.aside.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisURI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FeedUriTest {
  @Test
  void sentinelNodesMasterIdAndCredentialsAreKept() {
    RedisURI source = RedisURI.create("redis-sentinel://secret@s1:26379,s2:26380/3?sentinelMasterId=mymaster");
    RedisURI uri = LettuceTrackingConnector.feedUri(source, Duration.ofMillis(700));
    assertThat(uri.getSentinelMasterId()).isEqualTo("mymaster");
    assertThat(uri.getSentinels()).extracting(RedisURI::getHost).containsExactly("s1", "s2");
    assertThat(uri.getSentinels()).extracting(RedisURI::getPort).containsExactly(26379, 26380);
    assertThat(uri.getDatabase()).isEqualTo(3);
    assertThat(uri.getTimeout()).isEqualTo(Duration.ofMillis(700));
    assertThat(uri.getClientName()).isEqualTo("aside-invalidations");
    assertThat(source.getSentinels().get(0).getTimeout()).as("source untouched").isNotEqualTo(Duration.ofMillis(700));
  }

  @Test
  void standaloneUrisKeepHostTlsAndNameTheConnection() {
    RedisURI source = RedisURI.create("rediss://user:pw@host:6380/2?clientName=app");
    RedisURI uri = LettuceTrackingConnector.feedUri(source, Duration.ofSeconds(1));
    assertThat(uri.getHost()).isEqualTo("host");
    assertThat(uri.getPort()).isEqualTo(6380);
    assertThat(uri.isSsl()).isTrue();
    io.lettuce.core.RedisCredentials credentials = uri.getCredentialsProvider().resolveCredentials().block();
    assertThat(credentials.getUsername()).isEqualTo("user");
    assertThat(String.valueOf(credentials.getPassword())).isEqualTo("pw");
    assertThat(uri.getDatabase()).isEqualTo(2);
    assertThat(uri.getClientName()).isEqualTo("app-invalidations");
  }
}
