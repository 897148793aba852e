package dev.aside.codec;

import java.nio.ByteBuffer;

/**
 * The header in front of every value Aside stores.
 *
 * <pre>
 *   byte 0     format marker and version ({@link #V1})
 *   byte 1     flags: {@link #TOMBSTONE} (the loader found nothing; no payload follows),
 *              {@link #LOAD_INFO} (12 bytes of load metadata follow)
 *   [LOAD_INFO] 4 bytes: how long the load took, in ms (XFetch's delta)
 *               8 bytes: when the entry expires, epoch ms (0 = never)
 *   then       the payload: a type tag followed by the encoded value (see {@link ValueCodec})
 * </pre>
 *
 * A value whose first byte is not a known marker was not written by this version of Aside (another
 * client, a newer format, random bytes) and reads as a miss.
 */
public final class ValueFormat {
  /** Marker of format version 1; chosen outside printable ASCII so text written by hand never matches. */
  public static final byte V1 = (byte) 0xA5;
  public static final byte TOMBSTONE = 1;
  public static final byte LOAD_INFO = 2;
  public static final int HEADER_LENGTH = 2;
  private static final int LOAD_INFO_LENGTH = 12;

  private ValueFormat() {}

  /** Load metadata of an entry filled by read-through. */
  public record LoadInfo(int loadMillis, long expiresAtMillis) {}

  /** The bytes of a tombstone: "the loader found nothing", cached for the negative TTL. */
  public static byte[] tombstone() {
    return new byte[] {V1, TOMBSTONE};
  }

  public static boolean isTombstone(byte[] bytes) {
    return bytes != null && bytes.length >= HEADER_LENGTH && bytes[0] == V1 && (bytes[1] & TOMBSTONE) != 0;
  }

  /** Copies encoded value bytes, adding load metadata to the header. */
  public static byte[] withLoadInfo(byte[] encoded, int loadMillis, long expiresAtMillis) {
    ByteBuffer out = ByteBuffer.allocate(encoded.length + LOAD_INFO_LENGTH);
    out.put(V1).put((byte) (encoded[1] | LOAD_INFO)).putInt(loadMillis).putLong(expiresAtMillis);
    out.put(encoded, HEADER_LENGTH, encoded.length - HEADER_LENGTH);
    return out.array();
  }

  /** The load metadata of a value, or null if it has none. */
  public static LoadInfo loadInfo(byte[] bytes) {
    if (bytes == null || bytes.length < HEADER_LENGTH + LOAD_INFO_LENGTH || bytes[0] != V1
        || (bytes[1] & LOAD_INFO) == 0) {
      return null;
    }
    ByteBuffer in = ByteBuffer.wrap(bytes, HEADER_LENGTH, LOAD_INFO_LENGTH);
    return new LoadInfo(in.getInt(), in.getLong());
  }

  /** Returns the offset of the payload in {@code bytes}, or fails if the header is not ours. */
  static int payloadOffset(byte[] bytes) throws UndecodableValueException {
    if (bytes.length < HEADER_LENGTH || bytes[0] != V1) {
      throw new UndecodableValueException(bytes.length < HEADER_LENGTH ? "value too short for a header"
          : "unknown value format marker 0x" + Integer.toHexString(bytes[0] & 0xFF));
    }
    if ((bytes[1] & ~(TOMBSTONE | LOAD_INFO)) != 0) {
      throw new UndecodableValueException("unknown header flags 0x" + Integer.toHexString(bytes[1] & 0xFF));
    }
    int offset = HEADER_LENGTH + ((bytes[1] & LOAD_INFO) != 0 ? LOAD_INFO_LENGTH : 0);
    if ((bytes[1] & TOMBSTONE) != 0 || bytes.length < offset + 1) {
      throw new UndecodableValueException("value has no payload");
    }
    return offset;
  }
}
