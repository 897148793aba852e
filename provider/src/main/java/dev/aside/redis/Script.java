package dev.aside.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/** One Lua script from {@code src/main/resources/dev/aside/redis}, run by {@code EVALSHA} with an {@code EVAL} fallback. */
final class Script {
  private final String name;
  private final byte[] source;
  private final String sha1;

  private Script(String name, byte[] source) {
    this.name = name;
    this.source = source;
    this.sha1 = sha1(source);
  }

  static Script load(String name) {
    try (InputStream in = Script.class.getResourceAsStream(name + ".lua")) {
      if (in == null) {
        throw new IllegalStateException("Missing script " + name + ".lua");
      }
      return new Script(name, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Runs the script; if Redis no longer has it cached ({@code NOSCRIPT}), sends the source once. On
   * a cluster both go to the master of the first key's slot, so a node that never saw the script
   * (a promoted replica, a new master) learns it from that one {@code EVAL}.
   */
  <T> CompletionStage<T> run(RedisClusterAsyncCommands<byte[], byte[]> redis, ScriptOutputType type,
      byte[][] keys, byte[]... args) {
    CompletionStage<T> first = redis.evalsha(sha1, type, keys, args);
    return first.handle((result, failure) -> {
      if (failure == null) {
        return CompletableFuture.completedFuture(result);
      }
      Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
      if (cause instanceof RedisNoScriptException) {
        return redis.<T>eval(source, type, keys, args).toCompletableFuture();
      }
      return CompletableFuture.<T>failedFuture(cause);
    }).thenCompose(stage -> stage);
  }

  @Override
  public String toString() {
    return name + ".lua";
  }

  private static String sha1(byte[] source) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
