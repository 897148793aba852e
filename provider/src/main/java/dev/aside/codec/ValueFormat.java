package dev.aside.codec;

/**
 * The header in front of every value Aside stores.
 *
 * <pre>
 *   byte 0   format marker and version ({@link #V1})
 *   byte 1   flags (reserved for tombstones and load-time metadata; 0 today)
 *   byte 2.. the payload: a type tag followed by the encoded value (see {@link ValueCodec})
 * </pre>
 *
 * A value whose first byte is not a known marker was not written by this version of Aside (another
 * client, a newer format, random bytes) and reads as a miss.
 */
public final class ValueFormat {
  /** Marker of format version 1; chosen outside printable ASCII so text written by hand never matches. */
  public static final byte V1 = (byte) 0xA5;
  public static final int HEADER_LENGTH = 2;

  private ValueFormat() {}

  /** Returns the offset of the payload in {@code bytes}, or fails if the header is not ours. */
  static int payloadOffset(byte[] bytes) throws UndecodableValueException {
    if (bytes.length < HEADER_LENGTH + 1) {
      throw new UndecodableValueException("value of " + bytes.length + " bytes is too short for a header");
    }
    if (bytes[0] != V1) {
      throw new UndecodableValueException(
          "unknown value format marker 0x" + Integer.toHexString(bytes[0] & 0xFF));
    }
    return HEADER_LENGTH;
  }
}
