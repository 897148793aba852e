package dev.aside.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisURI;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterUriTest {

  @Test
  void seedsAndCredentialsAreReadForLettuceAndRedisson() {
    ClusterUri uri = ClusterUri.parse("rediss-cluster://app:p%40ss@10.0.0.1:7000,10.0.0.2:7001,node3?prefix=x");

    assertThat(uri.tls()).isTrue();
    assertThat(uri.username()).isEqualTo("app");
    assertThat(uri.password()).isEqualTo("p@ss");
    assertThat(uri.redissonAddresses())
        .containsExactly("rediss://10.0.0.1:7000", "rediss://10.0.0.2:7001", "rediss://node3:6379");
    List<RedisURI> seeds = uri.lettuceSeeds();
    assertThat(seeds).extracting(RedisURI::getPort).containsExactly(7000, 7001, 6379);
    assertThat(seeds.get(0).isSsl()).isTrue();
    RedisCredentials credentials = seeds.get(0).getCredentialsProvider().resolveCredentials().block();
    assertThat(credentials.getUsername()).isEqualTo("app");
    assertThat(new String(credentials.getPassword())).isEqualTo("p@ss");
    assertThat(uri.toString()).isEqualTo("rediss-cluster://10.0.0.1:7000,10.0.0.2:7001,node3:6379");
  }

  @Test
  void aPasswordAloneHasNoUser() {
    ClusterUri uri = ClusterUri.parse("redis-cluster://:s3cret@127.0.0.1:1");

    assertThat(uri.tls()).isFalse();
    assertThat(uri.username()).isNull();
    assertThat(uri.password()).isEqualTo("s3cret");
    RedisCredentials credentials = uri.firstNode().getCredentialsProvider().resolveCredentials().block();
    assertThat(credentials.getUsername()).isNull();
    assertThat(new String(credentials.getPassword())).isEqualTo("s3cret");
  }

  @Test
  void onlyClusterSchemesAreClusterUris() {
    assertThat(ClusterUri.isCluster("redis-cluster://h:1")).isTrue();
    assertThat(ClusterUri.isCluster("redis://h:1")).isFalse();
    assertThatThrownBy(() -> ClusterUri.parse("redis-cluster://:secret@h:port"))
        .hasMessageContaining("h:port").hasMessageNotContaining("secret");
  }
}
