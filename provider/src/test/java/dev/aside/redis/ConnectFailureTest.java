package dev.aside.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisLoadingException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** Which connection failures are configuration mistakes (fail fast) and which are outages (start degraded). */
class ConnectFailureTest {
  private static RedisConnectionException wrapped(Throwable cause) {
    return new RedisConnectionException("Unable to connect to 127.0.0.1:6379", cause);
  }

  @Test
  void mistakesFailFast() {
    assertThat(ConnectFailure.of(wrapped(new UnknownHostException("nowhere")), false))
        .isEqualTo(ConnectFailure.MISCONFIGURATION);
    assertThat(ConnectFailure.of(wrapped(new RedisCommandExecutionException("WRONGPASS invalid username-password")),
        false)).isEqualTo(ConnectFailure.MISCONFIGURATION);
    assertThat(ConnectFailure.of(wrapped(new RedisCommandExecutionException("NOAUTH Authentication required.")),
        true)).isEqualTo(ConnectFailure.MISCONFIGURATION);
    assertThat(ConnectFailure.of(wrapped(new SSLHandshakeException("PKIX path building failed")), false))
        .isEqualTo(ConnectFailure.MISCONFIGURATION);
  }

  @Test
  void outagesStartDegraded() {
    assertThat(ConnectFailure.of(wrapped(new ConnectException("Connection refused")), false))
        .isEqualTo(ConnectFailure.OUTAGE);
    assertThat(ConnectFailure.of(wrapped(new RedisLoadingException("LOADING Redis is loading the dataset")), false))
        .isEqualTo(ConnectFailure.OUTAGE);
    RedisConnectionException noSentinel = new RedisConnectionException("Cannot connect to a Redis Sentinel");
    noSentinel.addSuppressed(wrapped(new ConnectException("Connection refused")));
    noSentinel.addSuppressed(wrapped(new UnknownHostException("sentinel-2.sentinel")));
    assertThat(ConnectFailure.of(noSentinel, true)).as("a Sentinel pod down may not resolve")
        .isEqualTo(ConnectFailure.OUTAGE);
  }
}
