package dev.aside.redis;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Writes that count as done once {@code replicas} replicas acknowledged them: each is sent on its
 * node's {@link AcknowledgedConnections acknowledged connection}, followed by {@code WAIT replicas
 * timeout} on that same connection. Fewer acknowledgements than asked, or no answer within the
 * command timeout, fail the write with {@link ReplicasNotAcknowledged}: the caller's failure policy
 * then queues the key's invalidation, as for any failed write.
 *
 * <p>One round trip: the {@code WAIT} is pipelined behind the write, and it covers every earlier
 * write of its connection, the write's own among them. A script whose {@code EVALSHA} the node did
 * not know ({@code NOSCRIPT}) is sent again as {@code EVAL} only after its first reply, so after the
 * pipelined {@code WAIT}; replies on one connection complete in order, so a write that completes
 * after its {@code WAIT} did is followed by a second {@code WAIT}, which covers it.
 *
 * <p>The {@code WAIT} timeout is three quarters of the command timeout, so that the {@code WAIT}
 * answers before the client gives up on it. Writes queued behind a blocked {@code WAIT} on the same
 * connection (a replica that stopped answering) may still time out in the client: that too is
 * reported as not acknowledged, not as a failure of the master, whose health the data connection
 * judges.
 */
final class AcknowledgedWrites {
  private final AcknowledgedConnections connections;
  private final int replicas;
  private final long waitMillis;

  AcknowledgedWrites(AcknowledgedConnections connections, int replicas, long commandTimeoutMillis) {
    if (replicas <= 0) {
      throw new IllegalArgumentException("replicas must be positive, was " + replicas);
    }
    this.connections = Objects.requireNonNull(connections);
    this.replicas = replicas;
    this.waitMillis = Math.max(1, commandTimeoutMillis * 3 / 4);
  }

  /** How many replicas acknowledge each write. */
  int replicas() {
    return replicas;
  }

  /** Sends {@code command} to {@code node}, acknowledged. */
  <T> CompletionStage<T> send(String node, Function<RedisClusterAsyncCommands<byte[], byte[]>,
      ? extends CompletionStage<T>> command) {
    return sendAll(node, 1, (to, i) -> command.apply(to)).get(0);
  }

  /** Sends {@code count} commands to {@code node} ({@code command} makes the i-th), then one WAIT for them all. */
  <T> List<CompletionStage<T>> sendAll(String node, int count, Command<T> command) {
    RedisClusterAsyncCommands<byte[], byte[]> to = connections.to(node);
    List<CompletionStage<T>> written = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      written.add(command.send(to, i));
    }
    CompletableFuture<Long> acknowledged = to.waitForReplication(replicas, waitMillis).toCompletableFuture();
    List<CompletionStage<T>> done = new ArrayList<>(count);
    for (CompletionStage<T> write : written) {
      done.add(reportTimeouts(write.thenCompose(value -> (acknowledged.isDone()
          ? to.waitForReplication(replicas, waitMillis).toCompletableFuture() : acknowledged)
          .thenApply(acks -> checked(value, acks)))));
    }
    return done;
  }

  private <T> T checked(T value, Long acknowledgements) {
    if (acknowledgements == null || acknowledgements < replicas) {
      throw new CompletionException(new ReplicasNotAcknowledged((acknowledgements == null ? 0 : acknowledgements)
          + " of " + replicas + " replicas acknowledged the write within " + waitMillis + " ms"));
    }
    return value;
  }

  private <T> CompletionStage<T> reportTimeouts(CompletionStage<T> write) {
    return write.handle((value, failure) -> {
      if (failure == null) {
        return CompletableFuture.completedFuture(value);
      }
      Throwable cause = failure instanceof CompletionException && failure.getCause() != null
          ? failure.getCause() : failure;
      return CompletableFuture.<T>failedFuture(cause instanceof RedisCommandTimeoutException
          ? new ReplicasNotAcknowledged("no answer within the command timeout (waiting for " + replicas
              + " replicas to acknowledge earlier writes)")
          : cause);
    }).thenCompose(stage -> stage);
  }

  /** The i-th command of a batch, sent to the given connection. */
  @FunctionalInterface
  interface Command<T> {
    CompletionStage<T> send(RedisClusterAsyncCommands<byte[], byte[]> to, int index);
  }
}
