package dev.aside.near;

import dev.aside.codec.KeyCodec;
import dev.aside.codec.UndecodableValueException;
import dev.aside.redis.KeyLayout;
import java.util.Objects;

/**
 * How one cache's keys map to its near cache's keys, both ways: a cache key to the near key it is
 * looked up and invalidated by ({@link #of}), and an invalidated Redis key back to that near key
 * ({@link #ofRedisKey}, the near cache's {@code keyOf}).
 *
 * <p>A key of a simple type (string, number, boolean, character, UUID) is its own near key: it is
 * decoded back with plain JDK parsing, which is safe on Lettuce's event loop. Any other key is
 * represented by its encoded text, so no user code (a key's {@code readObject}) ever runs on the
 * event loop. Both directions must agree, or an invalidation would miss its entry.
 *
 * <p>A key too long to stand in its Redis key ({@link KeyCodec#storedText}) is represented by its
 * hashed text, wrapped in a {@link HashedKey} so that it meets no key object: the near cache's key
 * map never holds a long key, and an invalidation of the hashed Redis key finds the entry.
 */
public final class NearKeys<K> {
  /* 127 characters are at most 381 bytes of UTF-8, whose text is at most ~S and 508 of base64: never hashed. */
  private static final int ALWAYS_SHORT = 127;

  private final KeyCodec<K> keys;
  private final KeyLayout layout;
  private final boolean byKeyObject;

  public NearKeys(Class<K> keyType, KeyCodec<K> keys, KeyLayout layout) {
    this.keys = Objects.requireNonNull(keys);
    this.layout = Objects.requireNonNull(layout);
    this.byKeyObject = KeyCodec.isSimpleType(Objects.requireNonNull(keyType));
  }

  /** Whether near keys are the cache keys themselves (a simple key type), not their text. */
  public boolean byKeyObject() {
    return byKeyObject;
  }

  /** The near key of a cache key. */
  public Object of(K key) {
    if (byKeyObject && (!(key instanceof String text) || isOwnNearKey(text))) {
      return key;
    }
    String text = keys.encode(key);
    String stored = KeyCodec.storedText(text);
    return stored != text ? new HashedKey(stored) : byKeyObject ? key : text;
  }

  /** Whether a string key of a simple-typed cache is its own near key: one too short to be hashed (a quick test). */
  public static boolean isOwnNearKey(String key) {
    return key.length() <= ALWAYS_SHORT;
  }

  /** The near key an invalidated Redis key names, or null for a key of no entry (a companion, or undecodable). */
  public Object ofRedisKey(byte[] redisKey) {
    String text = layout.keyText(redisKey);
    if (text != null && KeyCodec.isHashed(text)) {
      return new HashedKey(text);
    }
    if (text == null || !byKeyObject) {
      return text;
    }
    try {
      return keys.decode(text);
    } catch (UndecodableValueException e) {
      return null;
    }
  }

  /** The near key of a long key: its hashed text ({@code ~#...}). */
  record HashedKey(String text) {}
}
