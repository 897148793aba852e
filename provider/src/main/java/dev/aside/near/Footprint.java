package dev.aside.near;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.UUID;

/**
 * Estimated heap bytes of what a local tier keeps per entry, for its byte bound (Caffeine's weigher).
 *
 * <p>Encoded values are measured exactly (their array). A shared value is weighed by its encoded
 * bytes when they are known: for a string (UTF-8 against Latin-1 or UTF-16 in the heap) and the boxed
 * types that is an upper bound of its own footprint, and for other values kept by reference it is the
 * best measure at hand without walking the object graph. Keys are weighed by type. {@link #ENTRY_OVERHEAD}
 * covers Caffeine's node, the map's table slot and the entry holder (measured: see the module README).
 *
 * <p>The outage gutter keeps encoded bytes under a Redis key ({@link #ofKept}); its entries carry more fixed
 * overhead ({@link #KEPT_OVERHEAD}: a node with expiry-order links and its time, the key's buffer, the slot
 * record), measured like the near cache's.
 *
 * <p>Under G1, an array of half a heap region or more is a humongous object: it occupies whole regions
 * of its own, and the rest of its last region stays empty. A 1 MiB value in a heap of 1 MiB regions
 * (G1's choice below 4 GiB of heap) takes 2 MiB, so such arrays are weighed by the regions they take.
 */
public final class Footprint {
  /** Per entry: Caffeine's weighted node, its hash table slot and the entry holder, rounded up. */
  public static final int ENTRY_OVERHEAD = 160;
  /**
   * Per gutter entry, besides its two arrays: Caffeine's node (with access- and expiry-order links and its
   * expiry time), the hash table slot, the key's {@code ByteBuffer} and the slot record. Measured: 192 B a
   * entry over 200,000 entries (heap after GC, compressed references); rounded up.
   */
  public static final int KEPT_OVERHEAD = 200;
  private static final int OBJECT_HEADER = 16;
  private static final int STRING_SHELL = 24 + OBJECT_HEADER;
  /** G1's heap region size, or 0 when the JVM does not run G1 (or does not say). */
  private static final long G1_REGION_BYTES = g1RegionBytes();

  private Footprint() {}

  /** The estimated weight of one entry: overhead, key, and the value as kept (bytes, or a shared instance). */
  public static long ofEntry(Object key, Object sharedValue, byte[] bytes) {
    long value = sharedValue == null ? ofArray(bytes) : bytes != null ? ofArray(bytes) : ofObject(sharedValue);
    return ENTRY_OVERHEAD + ofObject(key) + value;
  }

  /** The weight of one gutter entry: its overhead, the Redis key and the kept bytes (null for a drop marker). */
  public static long ofKept(byte[] redisKey, byte[] bytes) {
    return KEPT_OVERHEAD + ofArray(redisKey) + ofArray(bytes);
  }

  /** A byte array: its header and its bytes, or the whole G1 regions it takes if it is humongous. */
  public static long ofArray(byte[] bytes) {
    if (bytes == null) {
      return 0;
    }
    long size = OBJECT_HEADER + (long) bytes.length;
    long region = G1_REGION_BYTES;
    return region == 0 || size < region / 2 ? size : (size + region - 1) / region * region;
  }

  /** A key or a shared value by its type: strings by their length, the small value types by their fields. */
  public static long ofObject(Object object) {
    if (object == null) {
      return 0;
    }
    if (object instanceof String s) {
      // Two bytes a character unless it is Latin-1, which only a scan would tell: keys are short.
      return STRING_SHELL + 2L * s.length();
    }
    if (object instanceof byte[] bytes) {
      return ofArray(bytes);
    }
    if (object instanceof UUID) {
      return 32;
    }
    if (object instanceof Number || object instanceof Boolean || object instanceof Character) {
      return 24;
    }
    return 64;
  }

  private static long g1RegionBytes() {
    try {
      HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
      if (hotSpot == null || !Boolean.parseBoolean(hotSpot.getVMOption("UseG1GC").getValue())) {
        return 0;
      }
      return Long.parseLong(hotSpot.getVMOption("G1HeapRegionSize").getValue());
    } catch (RuntimeException | LinkageError e) {
      return 0;
    }
  }
}
