package dev.aside.near;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.push.PushListener;
import io.lettuce.core.api.push.PushMessage;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One node's connection of an {@link InvalidationFeed}: its push messages go to the feed, its
 * disconnection is reported to the feed, and it remembers when a reply last proved it delivers.
 */
final class TrackingSession implements PushListener, RedisConnectionStateListener {
  /** The node, as {@code TrackingConnector.nodes()} names it. */
  final String node;
  final StatefulRedisConnection<byte[], byte[]> connection;
  private final Consumer<PushMessage> messages;
  private final BiConsumer<TrackingSession, String> losses;
  /** {@code CLIENT ID} of the connection, once asked; -1 before. */
  volatile long clientId = -1;
  /** Set once the connection was closed, went silent or left the topology; never cleared. */
  volatile boolean lost;
  /** When the last request was sent whose reply proved that tracking is on and messages flow. */
  volatile long confirmedAtNanos;

  /**
   * Listens to {@code connection} at once, so that no message of this session can be missed.
   *
   * @param messages receives every push message (on Lettuce's event loop)
   * @param losses told (on Lettuce's event loop) when the connection is closed
   */
  TrackingSession(String node, StatefulRedisConnection<byte[], byte[]> connection, Consumer<PushMessage> messages,
      BiConsumer<TrackingSession, String> losses) {
    this.node = Objects.requireNonNull(node, "node");
    this.connection = Objects.requireNonNull(connection, "connection");
    this.messages = Objects.requireNonNull(messages, "messages");
    this.losses = Objects.requireNonNull(losses, "losses");
    connection.addListener((PushListener) this);
    connection.addListener((RedisConnectionStateListener) this);
  }

  /** Whether the session is still open and tracking (not lost), as far as this JVM knows. */
  boolean isOpen() {
    return !lost && connection.isOpen();
  }

  @Override
  public void onPushMessage(PushMessage message) {
    messages.accept(message);
  }

  @Override
  public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
    losses.accept(this, "disconnected");
  }

  /** Closes the connection without waiting. */
  void close() {
    lost = true;
    try {
      connection.closeAsync();
    } catch (RuntimeException e) {
      // Closing is best effort: the connection is dropped either way.
    }
  }

  @Override
  public String toString() {
    return node.isEmpty() ? "invalidation connection" : "invalidation connection to " + node;
  }
}
