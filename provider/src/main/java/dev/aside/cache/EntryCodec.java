package dev.aside.cache;

import dev.aside.codec.EntryKey;
import dev.aside.codec.KeyCodec;
import dev.aside.codec.MaxValueSize;
import dev.aside.codec.UndecodableValueException;
import dev.aside.codec.ValueCodec;
import dev.aside.codec.ValueFormat;
import dev.aside.management.ReadPathMetrics;
import dev.aside.redis.KeyLayout;
import java.nio.charset.StandardCharsets;
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
 * <p>A key whose text is too long to stand in its Redis key is hashed there, and its values carry the
 * full text ({@link EntryKey}). Every read of a value from Redis therefore decodes it for the key it
 * was read for ({@link #decode(EntryKey, byte[])}): bytes that carry another key's text, or none under
 * a hashed key, are a miss like any undecodable bytes. For other keys that costs one test of a
 * header flag. Bytes checked once (a near-cache entry) are decoded by {@link #decoder()}.
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
  private final Function<byte[], V> decoder = this::decodeChecked;

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
    return entryKey(key).redisKey();
  }

  /** A cache key as Redis holds it: its Redis key, and its full text if a hash stands in the Redis key. */
  public EntryKey entryKey(K key) {
    String text = keys.encode(key);
    String stored = KeyCodec.storedText(text);
    return new EntryKey(layout.entryKey(stored), stored == text ? null : text.getBytes(StandardCharsets.UTF_8));
  }

  List<EntryKey> entryKeys(Collection<K> keyList) {
    List<EntryKey> out = new ArrayList<>(keyList.size());
    for (K key : keyList) {
      out.add(entryKey(key));
    }
    return out;
  }

  /** Whether a Redis key of this cache holds a hashed key, whose cache key only its value tells. */
  boolean isHashed(byte[] redisKey) {
    String text = layout.keyText(redisKey);
    return text != null && KeyCodec.isHashed(text);
  }

  /**
   * The cache key of a Redis key found by a scan, or null for a companion key, a key that does not decode,
   * or a hashed key whose {@code value} (needed to tell its key) does not carry text that hashes to it.
   */
  K decodeKey(byte[] redisKey, byte[] value) {
    String text = layout.keyText(redisKey);
    if (text == null) {
      return null;
    }
    try {
      if (KeyCodec.isHashed(text)) {
        byte[] keyText = value == null ? null : ValueFormat.keyText(value);
        String full = keyText == null ? null : new String(keyText, StandardCharsets.UTF_8);
        if (full == null || !KeyCodec.storedText(full).equals(text)) {
          if (value != null) {
            readPath.recordUndecodableRead();
          }
          return null;
        }
        text = full;
      }
      return keys.decode(text);
    } catch (UndecodableValueException e) {
      readPath.recordUndecodableRead();
      log.debug("Skipping an undecodable key in cache {}: {}", cacheName, e.getMessage());
      return null;
    }
  }

  /** The key a scanned entry is read for, once {@link #decodeKey} has told its cache key from it. */
  EntryKey scannedKey(byte[] redisKey, byte[] value) {
    return new EntryKey(redisKey, isHashed(redisKey) ? ValueFormat.keyText(value) : null);
  }

  /**
   * Decodes bytes read from Redis for {@code key}: null for none, a tombstone, bytes of another key
   * (see the class comment) or bytes that do not decode (a miss plus a metric).
   */
  public V decode(EntryKey key, byte[] bytes) {
    if (bytes == null || ValueFormat.isTombstone(bytes)) {
      return null;
    }
    if (!ValueFormat.belongsTo(bytes, key)) {
      readPath.recordUndecodableRead();
      log.debug("Treating a value of another key under a hashed key of cache {} as a miss", cacheName);
      return null;
    }
    return decodeChecked(bytes);
  }

  /** Whether {@code bytes} read for {@code key} are its tombstone ("the loader found nothing"). */
  public boolean isTombstone(EntryKey key, byte[] bytes) {
    return ValueFormat.isTombstone(bytes) && ValueFormat.belongsTo(bytes, key);
  }

  /** Decodes bytes already known to belong to their key. */
  private V decodeChecked(byte[] bytes) {
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

  /** Decodes bytes already checked against their key, as a function (one instance, for the near cache's hits). */
  public Function<byte[], V> decoder() {
    return decoder;
  }

  /** The bytes of {@code key}'s value to write; an {@link IllegalArgumentException} above {@code max-value-size}. */
  public byte[] encode(EntryKey key, V value) {
    return ValueFormat.stamped(maxValueSize.checkWritten(values.encode(value)), key);
  }

  /** The bytes of a loaded value to cache, or null when it is above {@code max-value-size} (logged). */
  byte[] encodeLoaded(EntryKey key, V value) {
    byte[] bytes = values.encode(value);
    return maxValueSize.admitsLoaded(bytes) ? ValueFormat.stamped(bytes, key) : null;
  }
}
