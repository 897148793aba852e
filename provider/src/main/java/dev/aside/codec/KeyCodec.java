package dev.aside.codec;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.UUID;

/**
 * Encodes cache keys into the text that sits between the braces of a Redis key, and back.
 *
 * <p>Keys stay readable where they can: a {@code String} key is written as itself, and a number,
 * boolean, character or UUID key is written as its {@code toString()} when it is of the cache's
 * declared key type ({@code aside:users:{42}}). Everything else starts with {@code '~'} and a type
 * tag: {@code ~J42} for a {@code Long} key in a cache typed {@code Object}, {@code ~S<base64url>} for
 * a string that could not stand bare, {@code ~O<base64url>} for a serialized key object.
 *
 * <p>Long keys: text longer than {@link #MAX_KEY_TEXT} characters does not go into the Redis key;
 * {@link #storedText} puts {@code ~#<base64url(SHA-256(text))>} there instead (45 characters, and a
 * tag this class never emits otherwise, so it meets no short key), and the full text travels with
 * the value ({@link EntryKey}, {@link ValueFormat#KEY_TEXT}). Every text that was readable stays as
 * it is: the limit equals the longest plain string.
 *
 * <p>Invariants: equal keys give equal text (serialized keys must therefore serialize
 * deterministically, as value types do); the text never holds <code>{</code> or <code>}</code>, so
 * the hash tag is exactly the key and all of an entry's companion keys share its cluster slot.
 */
public final class KeyCodec<K> {
  /** The longest key text that stands in a Redis key as it is; longer text is hashed ({@link #storedText}). */
  public static final int MAX_KEY_TEXT = 512;
  /** The tag of a hashed key text. */
  public static final String HASHED_TAG = "~#";
  private static final int MAX_PLAIN_LENGTH = MAX_KEY_TEXT;
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  private final Class<K> keyType;
  private final DeserializationFilter filter;
  private final ClassLoader classLoader;

  public KeyCodec(Class<K> keyType, DeserializationFilter filter, ClassLoader classLoader) {
    this.keyType = Objects.requireNonNull(keyType);
    this.filter = Objects.requireNonNull(filter);
    this.classLoader = Objects.requireNonNull(classLoader);
  }

  /**
   * Whether keys of this declared type decode from their text with plain JDK parsing (String, boxed
   * primitives, UUID) — so decoding them runs no user code and may happen on any thread.
   */
  public static boolean isSimpleType(Class<?> type) {
    return type == String.class || simpleTagOf(type) != 0;
  }

  public String encode(K key) {
    Objects.requireNonNull(key);
    if (key instanceof String s) {
      return isPlain(s) ? s : "~S" + B64.encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
    char tag = simpleTag(key);
    if (tag != 0) {
      String text = key.toString();
      if (key.getClass() == keyType && isPlain(text)) {
        return text;
      }
      if (!text.isEmpty() && hasNoBraces(text)) {
        return "~" + tag + text;
      }
      // e.g. the Character '{': keep braces out of the hash tag.
    }
    if (key instanceof Serializable) {
      return "~O" + B64.encodeToString(JavaSerialization.serialize(key));
    }
    throw new IllegalArgumentException("Cannot use a " + key.getClass().getName()
        + " as a key: keys must be String, a boxed primitive, UUID or Serializable");
  }

  /** The text that stands in the Redis key for {@code text}: itself up to {@link #MAX_KEY_TEXT}, else its hash. */
  public static String storedText(String text) {
    if (text.length() <= MAX_KEY_TEXT) {
      return text;
    }
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HASHED_TAG + B64.encodeToString(digest);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** Whether a Redis key's text is the hash of a long key's text. */
  public static boolean isHashed(String storedText) {
    return storedText.startsWith(HASHED_TAG);
  }

  public K decode(String text) throws UndecodableValueException {
    Object key;
    try {
      if (text.startsWith("~") && text.length() >= 2) {
        key = tagged(text.charAt(1), text.substring(2));
      } else {
        char tag = keyType == String.class || keyType == Object.class ? 'S' : simpleTagOf(keyType);
        key = tag == 'S' ? text : tagged(tag, text);
      }
    } catch (RuntimeException e) {
      throw new UndecodableValueException("corrupt key text", e);
    }
    if (!keyType.isInstance(key)) {
      throw new UndecodableValueException("key of type " + key.getClass().getName() + " in a cache of " + keyType.getName());
    }
    return keyType.cast(key);
  }

  private Object tagged(char tag, String text) throws UndecodableValueException {
    return switch (tag) {
      case 'S' -> new String(B64D.decode(text), StandardCharsets.UTF_8);
      case 'J' -> Long.valueOf(text);
      case 'I' -> Integer.valueOf(text);
      case 'H' -> Short.valueOf(text);
      case 'B' -> Byte.valueOf(text);
      case 'D' -> Double.valueOf(text);
      case 'F' -> Float.valueOf(text);
      case 'Z' -> Boolean.valueOf(text);
      case 'C' -> {
        if (text.length() != 1) {
          throw new UndecodableValueException("corrupt character key");
        }
        yield text.charAt(0);
      }
      case 'U' -> UUID.fromString(text);
      case 'O' -> JavaSerialization.deserialize(B64D.decode(text), 0, filter, classLoader);
      default -> throw new UndecodableValueException("unknown key type tag '" + tag + "'");
    };
  }

  private static boolean isPlain(String s) {
    return !s.isEmpty() && s.length() <= MAX_PLAIN_LENGTH && s.charAt(0) != '~' && hasNoBraces(s);
  }

  private static boolean hasNoBraces(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '{' || c == '}' || c < 0x20) {
        return false;
      }
    }
    return true;
  }

  private static char simpleTag(Object key) {
    return simpleTagOf(key.getClass());
  }

  private static char simpleTagOf(Class<?> type) {
    if (type == Long.class) {
      return 'J';
    } else if (type == Integer.class) {
      return 'I';
    } else if (type == Short.class) {
      return 'H';
    } else if (type == Byte.class) {
      return 'B';
    } else if (type == Double.class) {
      return 'D';
    } else if (type == Float.class) {
      return 'F';
    } else if (type == Boolean.class) {
      return 'Z';
    } else if (type == Character.class) {
      return 'C';
    } else if (type == UUID.class) {
      return 'U';
    }
    return 0;
  }


}
