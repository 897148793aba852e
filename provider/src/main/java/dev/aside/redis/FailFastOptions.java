package dev.aside.redis;

import dev.aside.config.ConnectionSettings;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The Lettuce settings every data connection of Aside is made with, standalone, Sentinel or cluster,
 * replacing Lettuce's defaults so that a failing Redis fails fast: the 60 s command timeout (the
 * URI's {@code timeout}, 500 ms by default), commands buffered without bound while disconnected
 * (rejected instead), an unbounded request queue (100,000), and reconnect back-off growing to 30 s
 * (capped at 2 s). TCP keep-alive is on; the handshake gets the longer of the two timeouts.
 */
final class FailFastOptions {
  static final int REQUEST_QUEUE_SIZE = 100_000;

  private FailFastOptions() {}

  /** Event loops of one manager (two I/O and two computation threads) with the capped reconnect back-off. */
  static ClientResources resources() {
    return ClientResources.builder()
        .ioThreadPoolSize(2)
        .computationThreadPoolSize(2)
        .reconnectDelay(Delay.exponential(Duration.ofMillis(20), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS))
        .build();
  }

  /**
   * The timeout to set on a {@link io.lettuce.core.RedisURI}, which bounds the handshake (HELLO,
   * AUTH, SELECT): the connect timeout if longer, while commands keep the short command timeout set
   * through {@link TimeoutOptions}.
   */
  static Duration handshakeTimeout(ConnectionSettings settings) {
    return settings.connectTimeout().compareTo(settings.commandTimeout()) > 0
        ? settings.connectTimeout() : settings.commandTimeout();
  }

  /** Sets the fail-fast options on {@code builder} (a {@code ClientOptions} or {@code ClusterClientOptions} builder). */
  static <B extends ClientOptions.Builder> B apply(B builder, ConnectionSettings settings) {
    builder.autoReconnect(true);
    builder.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
    builder.requestQueueSize(REQUEST_QUEUE_SIZE);
    builder.timeoutOptions(TimeoutOptions.enabled(settings.commandTimeout()));
    builder.socketOptions(SocketOptions.builder()
        .connectTimeout(settings.connectTimeout())
        .keepAlive(true)
        .tcpNoDelay(true)
        .build());
    return builder;
  }
}
