package dev.aside.codec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one rule for values above a cache's {@code max-value-size}: nothing that large is ever sent
 * to Redis. A value the caller gives ({@code put}, {@code replace}, {@code invoke}…) is refused with
 * an {@link IllegalArgumentException} before anything is sent; a value a loader returned
 * (read-through, {@code loadAll}) is answered to its caller but not cached, with a warning.
 */
public final class MaxValueSize {
  private static final Logger log = LoggerFactory.getLogger(MaxValueSize.class);

  private final int maxBytes;
  private final String cacheName;

  public MaxValueSize(int maxBytes, String cacheName) {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("max-value-size must be positive, was " + maxBytes);
    }
    this.maxBytes = maxBytes;
    this.cacheName = java.util.Objects.requireNonNull(cacheName);
  }

  /** The encoded value of a write, or an {@link IllegalArgumentException} if it is too large. */
  public byte[] checkWritten(byte[] bytes) {
    if (bytes.length > maxBytes) {
      throw new IllegalArgumentException("A value of " + bytes.length + " bytes exceeds the maximum of " + maxBytes
          + " bytes (max-value-size) of cache " + cacheName);
    }
    return bytes;
  }

  /** Whether a loaded value's bytes may be cached; logs the ones that may not. */
  public boolean admitsLoaded(byte[] bytes) {
    if (bytes.length > maxBytes) {
      log.warn("Cache {}: not caching a loaded value of {} bytes, above max-value-size ({} bytes)", cacheName,
          bytes.length, maxBytes);
      return false;
    }
    return true;
  }

  public int maxBytes() {
    return maxBytes;
  }
}
