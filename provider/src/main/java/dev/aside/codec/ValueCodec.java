package dev.aside.codec;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Serializable;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Encodes the values of one cache into header-prefixed, type-tagged bytes and back.
 *
 * <pre>
 *   tag  payload                                  used for
 *   'S'  UTF-8 text                               String
 *   'U'  its chars, two bytes each                String holding an unpaired surrogate (UTF-8 cannot)
 *   'J' 'I' 'H' 'B'  decimal text                 Long, Integer, Short, Byte
 *   'D' 'F'  Double/Float.toString text           Double, Float
 *   'Z'  '1' or '0'                               Boolean
 *   'C'  the char, two bytes                      Character
 *   'b'  raw bytes                                byte[]
 *   'j'  JSON (Jackson, fields)                   values of exactly the declared concrete value type
 *   'O'  Java serialization, allowlist-filtered   any other Serializable value
 * </pre>
 *
 * The tag makes the bytes self-describing, so a cache typed {@code Object} may mix types and a
 * reader never guesses.
 */
public final class ValueCodec<V> {
  private final Class<V> declaredType;
  private final ObjectMapper mapper;
  private final JavaType jsonType;
  private final DeserializationFilter filter;
  private final ClassLoader classLoader;

  public ValueCodec(Class<V> declaredType, DeserializationFilter filter, ClassLoader classLoader) {
    this.declaredType = Objects.requireNonNull(declaredType);
    this.filter = Objects.requireNonNull(filter);
    this.classLoader = Objects.requireNonNull(classLoader);
    this.mapper = jsonMapper(classLoader);
    this.jsonType = usesJson(declaredType, mapper) ? mapper.constructType(declaredType) : null;
  }

  /** Whether values of the declared type are written as JSON. */
  public boolean writesJson() {
    return jsonType != null;
  }

  public byte[] encode(V value) {
    Objects.requireNonNull(value);
    if (value instanceof String s) {
      return isWellFormed(s) ? tagged('S', s.getBytes(StandardCharsets.UTF_8))
          : tagged('U', utf16(s));
    } else if (value instanceof Long || value instanceof Integer || value instanceof Short
        || value instanceof Byte || value instanceof Double || value instanceof Float) {
      return tagged(numberTag(value), value.toString().getBytes(StandardCharsets.US_ASCII));
    } else if (value instanceof Boolean b) {
      return tagged('Z', new byte[] {(byte) (b ? '1' : '0')});
    } else if (value instanceof Character c) {
      return tagged('C', utf16(c.toString()));
    } else if (value instanceof byte[] bytes) {
      return tagged('b', bytes);
    } else if (jsonType != null && value.getClass() == declaredType) {
      try {
        return tagged('j', mapper.writeValueAsBytes(value));
      } catch (IOException e) {
        throw new IllegalArgumentException("Cannot encode " + value.getClass().getName() + " as JSON", e);
      }
    } else if (value instanceof Serializable) {
      return tagged('O', JavaSerialization.serialize(value));
    }
    throw new IllegalArgumentException("Cannot store a " + value.getClass().getName()
        + ": it is not Serializable; declare it as the cache's value type to store it as JSON");
  }

  public V decode(byte[] bytes) throws UndecodableValueException {
    int at = ValueFormat.payloadOffset(bytes);
    char tag = (char) bytes[at];
    int from = at + 1;
    Object value;
    try {
      value = switch (tag) {
        case 'S' -> new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
        case 'U' -> utf16(bytes, from);
        case 'J' -> Long.valueOf(ascii(bytes, from));
        case 'I' -> Integer.valueOf(ascii(bytes, from));
        case 'H' -> Short.valueOf(ascii(bytes, from));
        case 'B' -> Byte.valueOf(ascii(bytes, from));
        case 'D' -> Double.valueOf(ascii(bytes, from));
        case 'F' -> Float.valueOf(ascii(bytes, from));
        case 'Z' -> bytes.length - from == 1 && bytes[from] == '1';
        case 'C' -> character(bytes, from);
        case 'b' -> Arrays.copyOfRange(bytes, from, bytes.length);
        case 'j' -> json(bytes, from);
        case 'O' -> JavaSerialization.deserialize(bytes, from, filter, classLoader);
        default -> throw new UndecodableValueException("unknown value type tag '" + tag + "'");
      };
    } catch (NumberFormatException e) {
      throw new UndecodableValueException("corrupt number under tag '" + tag + "'", e);
    }
    if (!declaredType.isInstance(value)) {
      throw new UndecodableValueException(
          "stored " + value.getClass().getName() + " is not a " + declaredType.getName());
    }
    return declaredType.cast(value);
  }

  private Object json(byte[] bytes, int from) throws UndecodableValueException {
    if (jsonType == null) {
      throw new UndecodableValueException("JSON value found but " + declaredType.getName() + " is not read as JSON");
    }
    try {
      return mapper.readValue(bytes, from, bytes.length - from, jsonType);
    } catch (IOException e) {
      throw new UndecodableValueException("corrupt JSON for " + declaredType.getName(), e);
    }
  }



  /** The string's chars as they are, two bytes each; unlike a charset encoder it keeps lone surrogates. */
  private static byte[] utf16(String s) {
    java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(s.length() * 2);
    out.asCharBuffer().put(s);
    return out.array();
  }

  private static String utf16(byte[] bytes, int from) throws UndecodableValueException {
    if ((bytes.length - from) % 2 != 0) {
      throw new UndecodableValueException("corrupt UTF-16 text");
    }
    return java.nio.ByteBuffer.wrap(bytes, from, bytes.length - from).asCharBuffer().toString();
  }

  /** Whether UTF-8 can carry the string unchanged: no unpaired surrogates. */
  private static boolean isWellFormed(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  private static Character character(byte[] bytes, int from) throws UndecodableValueException {
    if (bytes.length - from != 2) {
      throw new UndecodableValueException("corrupt character");
    }
    String text = utf16(bytes, from);
    if (text.length() != 1) {
      throw new UndecodableValueException("corrupt character");
    }
    return text.charAt(0);
  }

  private static String ascii(byte[] bytes, int from) {
    return new String(bytes, from, bytes.length - from, StandardCharsets.US_ASCII);
  }

  private static char numberTag(Object value) {
    if (value instanceof Long) {
      return 'J';
    } else if (value instanceof Integer) {
      return 'I';
    } else if (value instanceof Short) {
      return 'H';
    } else if (value instanceof Byte) {
      return 'B';
    } else if (value instanceof Double) {
      return 'D';
    }
    return 'F';
  }

  private static byte[] tagged(char tag, byte[] payload) {
    byte[] bytes = new byte[ValueFormat.HEADER_LENGTH + 1 + payload.length];
    bytes[0] = ValueFormat.V1;
    bytes[1] = 0;
    bytes[2] = (byte) tag;
    System.arraycopy(payload, 0, bytes, ValueFormat.HEADER_LENGTH + 1, payload.length);
    return bytes;
  }

  private static ObjectMapper jsonMapper(ClassLoader classLoader) {
    ObjectMapper mapper = new ObjectMapper();
    mapper.setTypeFactory(mapper.getTypeFactory().withClassLoader(classLoader));
    // Fields, not bean properties: a cached value must come back whole, like Java serialization.
    mapper.setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE);
    mapper.setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY);
    mapper.configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    return mapper;
  }

  /** JSON for declared concrete application types that Jackson can rebuild; JDK types keep their own codecs. */
  private static boolean usesJson(Class<?> type, ObjectMapper mapper) {
    if (type == Object.class || type.isInterface() || type.isArray() || type.isPrimitive() || type.isEnum()
        || Modifier.isAbstract(type.getModifiers()) || type.getName().startsWith("java.")
        || type.getName().startsWith("javax.")) {
      return false;
    }
    return mapper.canSerialize(type) && mapper.canDeserialize(mapper.constructType(type))
        && hasNoArgConstructor(type);
  }

  private static boolean hasNoArgConstructor(Class<?> type) {
    try {
      type.getDeclaredConstructor();
      return true;
    } catch (NoSuchMethodException e) {
      return type.isRecord();
    }
  }
}
