package dev.aside.codec;

import java.util.Objects;

/**
 * A cache key as Redis holds it: the entry's Redis key and, when the key's text was too long to stand
 * in it ({@link KeyCodec#MAX_KEY_TEXT}) and a hash stands there instead, that full text, which every
 * value of the entry carries ({@link ValueFormat#KEY_TEXT}) so that a value written under the same
 * Redis key for another key reads as a miss.
 */
public final class EntryKey {
  private final byte[] redisKey;
  private final byte[] keyText;

  /**
   * @param redisKey the entry's Redis key
   * @param keyText the full encoded key text in UTF-8 when the Redis key holds its hash, else null
   */
  public EntryKey(byte[] redisKey, byte[] keyText) {
    this.redisKey = Objects.requireNonNull(redisKey);
    this.keyText = keyText;
  }

  public byte[] redisKey() {
    return redisKey;
  }

  /** The full key text every value of this entry carries, or null for a key that stands in its Redis key. */
  public byte[] keyText() {
    return keyText;
  }

  /** Whether the Redis key holds a hash of the key text rather than the text. */
  public boolean isHashed() {
    return keyText != null;
  }
}
