package dev.aside.codec;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The header in front of every value Aside stores.
 *
 * <pre>
 *   byte 0     format marker and version ({@link #V1})
 *   byte 1     flags: {@link #TOMBSTONE} (the loader found nothing; no payload follows),
 *              {@link #LOAD_INFO} (12 bytes of load metadata follow),
 *              {@link #KEY_TEXT} (the entry's full key text follows)
 *   [LOAD_INFO] 4 bytes: how long the load took, in ms (XFetch's delta)
 *               8 bytes: when the entry expires, epoch ms (0 = never)
 *   [KEY_TEXT]  4 bytes: length n; n bytes: the key text, UTF-8
 *   then       the payload: a type tag followed by the encoded value (see {@link ValueCodec})
 * </pre>
 *
 * <p>{@link #KEY_TEXT} is set exactly on the values of long keys, whose Redis key holds a hash
 * ({@link EntryKey}); a reader checks it against the key it reads ({@link #belongsTo}): for any other
 * key that is one test of the flag.
 *
 * A value whose first byte is not a known marker was not written by this version of Aside (another
 * client, a newer format, random bytes) and reads as a miss.
 */
public final class ValueFormat {
  /** Marker of format version 1; chosen outside printable ASCII so text written by hand never matches. */
  public static final byte V1 = (byte) 0xA5;
  public static final byte TOMBSTONE = 1;
  public static final byte LOAD_INFO = 2;
  public static final byte KEY_TEXT = 4;
  public static final int HEADER_LENGTH = 2;
  private static final int LOAD_INFO_LENGTH = 12;

  private ValueFormat() {}

  /** A tombstone of {@code key}: with its key text when it has one. */
  public static byte[] tombstone(EntryKey key) {
    return key.isHashed() ? withKeyText(tombstone(), key.keyText()) : tombstone();
  }

  /** The value bytes as stored for {@code key}: with its key text added when it has one. */
  public static byte[] stamped(byte[] encoded, EntryKey key) {
    return key.isHashed() ? withKeyText(encoded, key.keyText()) : encoded;
  }

  /**
   * Whether {@code bytes} (at least a header) may be read as {@code key}'s: they carry no key text
   * and the key has none, or they carry exactly the key's.
   */
  public static boolean belongsTo(byte[] bytes, EntryKey key) {
    byte[] expected = key.keyText();
    if (expected == null) {
      return bytes.length < HEADER_LENGTH || (bytes[1] & KEY_TEXT) == 0;
    }
    int at = keyTextOffset(bytes);
    return at >= 0 && bytes.length - at - 4 >= expected.length
        && ByteBuffer.wrap(bytes, at, 4).getInt() == expected.length
        && Arrays.equals(bytes, at + 4, at + 4 + expected.length, expected, 0, expected.length);
  }

  /** The key text {@code bytes} carry, or null if they carry none (or it is cut short). */
  public static byte[] keyText(byte[] bytes) {
    int at = keyTextOffset(bytes);
    if (at < 0 || bytes.length - at < 4) {
      return null;
    }
    int length = ByteBuffer.wrap(bytes, at, 4).getInt();
    return length < 0 || length > bytes.length - at - 4 ? null : Arrays.copyOfRange(bytes, at + 4, at + 4 + length);
  }

  /** The bytes without their key text (the same array when they carry none), as a local tier keeps them. */
  public static byte[] withoutKeyText(byte[] bytes) {
    byte[] text = keyText(bytes);
    if (text == null) {
      return bytes;
    }
    int at = keyTextOffset(bytes);
    byte[] out = new byte[bytes.length - 4 - text.length];
    System.arraycopy(bytes, 0, out, 0, at);
    out[1] = (byte) (bytes[1] & ~KEY_TEXT);
    System.arraycopy(bytes, at + 4 + text.length, out, at, bytes.length - at - 4 - text.length);
    return out;
  }

  /** Copies value bytes (without key text) with {@code keyText} added after the header and load metadata. */
  private static byte[] withKeyText(byte[] encoded, byte[] keyText) {
    int at = HEADER_LENGTH + ((encoded[1] & LOAD_INFO) != 0 ? LOAD_INFO_LENGTH : 0);
    ByteBuffer out = ByteBuffer.allocate(encoded.length + 4 + keyText.length);
    out.put(encoded, 0, at).putInt(keyText.length).put(keyText).put(encoded, at, encoded.length - at);
    byte[] bytes = out.array();
    bytes[1] |= KEY_TEXT;
    return bytes;
  }

  /** Where the key text block starts, or -1 if the bytes carry none. */
  private static int keyTextOffset(byte[] bytes) {
    if (bytes.length < HEADER_LENGTH || bytes[0] != V1 || (bytes[1] & KEY_TEXT) == 0) {
      return -1;
    }
    int at = HEADER_LENGTH + ((bytes[1] & LOAD_INFO) != 0 ? LOAD_INFO_LENGTH : 0);
    return at <= bytes.length ? at : -1;
  }

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
    if ((bytes[1] & ~(TOMBSTONE | LOAD_INFO | KEY_TEXT)) != 0) {
      throw new UndecodableValueException("unknown header flags 0x" + Integer.toHexString(bytes[1] & 0xFF));
    }
    int offset = HEADER_LENGTH + ((bytes[1] & LOAD_INFO) != 0 ? LOAD_INFO_LENGTH : 0);
    if ((bytes[1] & KEY_TEXT) != 0) {
      if (bytes.length < offset + 4) {
        throw new UndecodableValueException("value too short for its key text");
      }
      int length = ByteBuffer.wrap(bytes, offset, 4).getInt();
      if (length < 0 || length > bytes.length - offset - 4) {
        throw new UndecodableValueException("corrupt key text length");
      }
      offset += 4 + length;
    }
    if ((bytes[1] & TOMBSTONE) != 0 || bytes.length < offset + 1) {
      throw new UndecodableValueException("value has no payload");
    }
    return offset;
  }
}
