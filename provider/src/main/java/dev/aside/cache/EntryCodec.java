package dev.aside.cache;

import dev.aside.codec.KeyCodec;
import dev.aside.codec.MaxValueSize;
import dev.aside.codec.UndecodableValueException;
import dev.aside.codec.ValueCodec;
import dev.aside.codec.ValueFormat;
import dev.aside.management.ReadPathMetrics;
import dev.aside.redis.KeyLayout;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How one cache's keys and values become Redis keys and bytes, and back: bytes that do not decode
 * are a miss plus a metric, and a value above {@code max-value-size} is never sent ({@link MaxValueSize}).
 *
 * <p>A class the allowlist refuses is named once per cache at WARN, because only the user can fix it;
 * at most {@value #MAX_DISALLOWED_NAMED} of them, so that bytes written by someone else cannot flood the log.
 */
public final class EntryCodec<K, V> {
  // The facade's logger: undecodable keys and values are reported under dev.aside.cache.AsideCache.
  private static final Logger log = LoggerFactory.getLogger(AsideCache.class);
  private static final int MAX_DISALLOWED_NAMED = 64;

  private final String cacheName;
  private final KeyCodec<K> keys;
  private final ValueCodec<V> values;
  private final KeyLayout layout;
  private final MaxValueSize maxValueSize;
  private final ReadPathMetrics readPath;
  private final Set<String> disallowedNamed = ConcurrentHashMap.newKeySet();
  private final Function<byte[], V> decoder = this::decode;

  public EntryCodec(String cacheName, KeyCodec<K> keys, ValueCodec<V> values, KeyLayout layout,
      MaxValueSize maxValueSize, ReadPathMetrics readPath) {
    this.cacheName = Objects.requireNonNull(cacheName);
    this.keys = Objects.requireNonNull(keys);
    this.values = Objects.requireNonNull(values);
    this.layout = Objects.requireNonNull(layout);
    this.maxValueSize = Objects.requireNonNull(maxValueSize);
    this.readPath = Objects.requireNonNull(readPath);
  }

  /** The Redis key of a cache key. */
  public byte[] redisKey(K key) {
    return layout.entryKey(keys.encode(key));
  }

  List<byte[]> redisKeys(Collection<K> keyList) {
    List<byte[]> out = new ArrayList<>(keyList.size());
    for (K key : keyList) {
      out.add(redisKey(key));
    }
    return out;
  }

  /** The cache key of a Redis key found by a scan, or null for a companion key or one that does not decode. */
  K decodeKey(byte[] redisKey) {
    String text = layout.keyText(redisKey);
    if (text == null) {
      return null;
    }
    try {
      return keys.decode(text);
    } catch (UndecodableValueException e) {
      readPath.recordUndecodableRead();
      log.debug("Skipping an undecodable key in cache {}: {}", cacheName, e.getMessage());
      return null;
    }
  }

  /** Decodes stored bytes: null for none, a tombstone, or bytes that do not decode (a miss plus a metric). */
  public V decode(byte[] bytes) {
    if (bytes == null || ValueFormat.isTombstone(bytes)) {
      return null;
    }
    try {
      return values.decode(bytes);
    } catch (UndecodableValueException e) {
      readPath.recordUndecodableRead();
      String disallowed = e.disallowedClass();
      if (disallowed != null && disallowedNamed.size() < MAX_DISALLOWED_NAMED && disallowedNamed.add(disallowed)) {
        log.warn("Cache {}: a stored value needs class {}, which the deserialization allowlist does not allow, so"
            + " such entries are read as misses. Allow it with the allow-classes setting or the allow URI option.",
            cacheName, disallowed);
      } else {
        log.debug("Treating an undecodable value in cache {} as a miss: {}", cacheName, e.getMessage());
      }
      return null;
    }
  }

  /** {@link #decode} as a function (one instance, for the near cache's hits). */
  public Function<byte[], V> decoder() {
    return decoder;
  }

  /** The bytes of a value to write; an {@link IllegalArgumentException} above {@code max-value-size}. */
  public byte[] encode(V value) {
    return maxValueSize.checkWritten(values.encode(value));
  }

  /** The bytes of a loaded value to cache, or null when it is above {@code max-value-size} (logged). */
  byte[] encodeLoaded(V value) {
    byte[] bytes = values.encode(value);
    return maxValueSize.admitsLoaded(bytes) ? bytes : null;
  }
}
