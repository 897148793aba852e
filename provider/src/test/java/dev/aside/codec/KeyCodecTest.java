package dev.aside.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Keys become readable, brace-free, deterministic text inside Redis keys, and that text decodes back to the key. */
class KeyCodecTest {
  private static final ClassLoader LOADER = KeyCodecTest.class.getClassLoader();
  private static final UUID ID = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");

  @BeforeEach
  void resetSpy() {
    ReadObjectSpy.read = false;
  }

  /** The codec of a cache of {@code type}, whose allowlist also admits this test's own key classes. */
  private static <K> KeyCodec<K> codec(Class<K> type) {
    return new KeyCodec<>(type, DeserializationFilter.of(List.of(OrderKey.class.getName()), type), LOADER);
  }

  static Stream<Arguments> keyForms() {
    return Stream.of(
        Arguments.of(String.class, "ann", "ann"),
        Arguments.of(String.class, "user:7/profile", "user:7/profile"),
        Arguments.of(String.class, "~tilde", "~S" + b64("~tilde")),
        Arguments.of(String.class, "", "~S"),
        Arguments.of(String.class, "{braced}", "~S" + b64("{braced}")),
        Arguments.of(String.class, "line\nbreak", "~S" + b64("line\nbreak")),
        Arguments.of(String.class, "x".repeat(513), "~S" + b64("x".repeat(513))),
        Arguments.of(Object.class, "ann", "ann"),
        Arguments.of(Long.class, 42L, "42"),
        Arguments.of(Long.class, -42L, "-42"),
        Arguments.of(Object.class, 42L, "~J42"),
        Arguments.of(Integer.class, 7, "7"),
        Arguments.of(Object.class, 7, "~I7"),
        Arguments.of(Short.class, (short) 3, "3"),
        Arguments.of(Object.class, (short) 3, "~H3"),
        Arguments.of(Byte.class, (byte) -1, "-1"),
        Arguments.of(Object.class, (byte) -1, "~B-1"),
        Arguments.of(Double.class, 1.5, "1.5"),
        Arguments.of(Object.class, 1.5, "~D1.5"),
        Arguments.of(Double.class, Double.NaN, "NaN"),
        Arguments.of(Float.class, 2.5f, "2.5"),
        Arguments.of(Object.class, 2.5f, "~F2.5"),
        Arguments.of(Boolean.class, true, "true"),
        Arguments.of(Object.class, false, "~Zfalse"),
        Arguments.of(Character.class, 'x', "x"),
        Arguments.of(Object.class, 'x', "~Cx"),
        Arguments.of(Character.class, '~', "~C~"),
        Arguments.of(UUID.class, ID, ID.toString()),
        Arguments.of(Object.class, ID, "~U" + ID));
  }

  @ParameterizedTest(name = "{1} in a cache of {0}")
  @MethodSource("keyForms")
  @SuppressWarnings({"unchecked", "rawtypes"})
  void keyHasItsDocumentedTextAndDecodesBack(Class<?> type, Object key, String text) throws Exception {
    KeyCodec codec = codec(type);

    assertThat(codec.encode(key)).isEqualTo(text);
    assertThat(codec.decode(text)).isEqualTo(key);
  }

  static Stream<Arguments> serializedKeys() {
    return Stream.of(
        Arguments.of(Object.class, new OrderKey("eu", 7)),
        Arguments.of(OrderKey.class, new OrderKey("eu", 7)),
        Arguments.of(Object.class, List.of("a", "b")));
  }

  @ParameterizedTest(name = "{1} in a cache of {0}")
  @MethodSource("serializedKeys")
  @SuppressWarnings({"unchecked", "rawtypes"})
  void serializedKeyDecodesBack(Class<?> type, Object key) throws Exception {
    KeyCodec codec = codec(type);

    String text = codec.encode(key);

    assertThat(text).startsWith("~O").matches("~O[A-Za-z0-9_-]+");
    assertThat(codec.decode(text)).isEqualTo(key);
  }

  static Stream<Arguments> equalKeys() {
    return Stream.of(
        Arguments.of(Object.class, new String("key".toCharArray()), new String("key".toCharArray())),
        Arguments.of(Object.class, Long.valueOf(1_000_000L), Long.valueOf("1000000")),
        Arguments.of(Object.class, UUID.fromString(ID.toString()), new UUID(ID.getMostSignificantBits(),
            ID.getLeastSignificantBits())),
        Arguments.of(Object.class, new OrderKey("eu", 7), new OrderKey(new String("eu".toCharArray()), 7)),
        Arguments.of(OrderKey.class, new OrderKey("eu", 7), new OrderKey(new String("eu".toCharArray()), 7)),
        Arguments.of(Object.class, new String("~x".toCharArray()), new String("~x".toCharArray())));
  }

  @ParameterizedTest(name = "{1} in a cache of {0}")
  @MethodSource("equalKeys")
  @SuppressWarnings({"unchecked", "rawtypes"})
  void equalKeysGiveEqualText(Class<?> type, Object a, Object b) {
    KeyCodec codec = codec(type);

    assertThat(a).isEqualTo(b).isNotSameAs(b);
    assertThat(codec.encode(a)).isEqualTo(codec.encode(b));
  }

  @Test
  void keysOfDifferentTypesGetDifferentText() {
    KeyCodec<Object> codec = codec(Object.class);

    assertThat(List.of(codec.encode("42"), codec.encode(42L), codec.encode(42), codec.encode((short) 42),
        codec.encode((byte) 42), codec.encode(42.0), codec.encode(42.0f), codec.encode("~J42")))
        .doesNotHaveDuplicates();
  }

  static Stream<Arguments> awkwardKeys() {
    return Stream.of(
        Arguments.of(String.class, "{"),
        Arguments.of(String.class, "}"),
        Arguments.of(String.class, "a{b}c"),
        Arguments.of(String.class, "}{"),
        Arguments.of(Object.class, "{x}"),
        Arguments.of(Character.class, '{'),
        Arguments.of(Character.class, '}'),
        Arguments.of(Object.class, '{'),
        Arguments.of(Object.class, new OrderKey("{", 1)),
        Arguments.of(Object.class, List.of("}", "{")));
  }

  @ParameterizedTest(name = "{1} in a cache of {0}")
  @MethodSource("awkwardKeys")
  @SuppressWarnings({"unchecked", "rawtypes"})
  void keyTextNeverHoldsBraces(Class<?> type, Object key) throws Exception {
    KeyCodec codec = codec(type);

    String text = codec.encode(key);

    assertThat(text).doesNotContain("{").doesNotContain("}");
    assertThat(codec.decode(text)).isEqualTo(key);
  }

  @Test
  void stringKeysNeverBreakTheHashTag() {
    KeyCodec<String> codec = codec(String.class);
    for (char c = 0; c < 0x3000; c++) {
      String text = codec.encode("k" + c);
      assertThat(text).as("key text of k + U+%04X", (int) c).doesNotContain("{").doesNotContain("}");
    }
  }

  static Stream<Arguments> undecodableTexts() {
    return Stream.of(
        Arguments.of(Long.class, "abc"),
        Arguments.of(Long.class, "~Sabc"),
        Arguments.of(Long.class, "~I42"),
        Arguments.of(String.class, "~J42"),
        Arguments.of(Object.class, "~Q1"),
        Arguments.of(Object.class, "~Jx"),
        Arguments.of(Object.class, "~Unot-a-uuid"),
        Arguments.of(Object.class, "~S!!"),
        Arguments.of(Object.class, "~O!!"),
        Arguments.of(Object.class, "~OAAAA"),
        Arguments.of(Object.class, "~C"),
        Arguments.of(Character.class, ""),
        Arguments.of(Integer.class, "~"));
  }

  @ParameterizedTest(name = "''{1}'' in a cache of {0}")
  @MethodSource("undecodableTexts")
  void foreignKeyTextIsUndecodable(Class<?> type, String text) {
    assertThatThrownBy(() -> codec(type).decode(text)).isInstanceOf(UndecodableValueException.class);
  }

  @Test
  void serializedKeyOfAClassTheCacheWasNotToldAboutIsRejected() throws Exception {
    KeyCodec<Object> codec = new KeyCodec<>(Object.class, DeserializationFilter.of(List.of()), LOADER);
    String text = codec.encode(new OrderKey("eu", 7));

    assertThatThrownBy(() -> codec.decode(text)).isInstanceOf(UndecodableValueException.class);
    assertThat(codec(OrderKey.class).decode(text)).isEqualTo(new OrderKey("eu", 7));
  }

  @Test
  void serializedKeyOutsideTheAllowlistIsRejectedBeforeItsReadObjectRuns() {
    String text = "~O" + Base64.getUrlEncoder().withoutPadding().encodeToString(serialize(new ReadObjectSpy()));

    assertThatThrownBy(() -> codec(Object.class).decode(text)).isInstanceOf(UndecodableValueException.class);
    assertThat(ReadObjectSpy.read).isFalse();
  }

  @Test
  void keyThatCannotBeEncodedIsRefusedWithItsClassName() {
    assertThatThrownBy(() -> codec(Object.class).encode(new Object()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.lang.Object");
  }

  @ParameterizedTest
  @ValueSource(strings = {"plain", "~S" + "cGxhaW4"})
  void objectCacheReadsBareAndTaggedStrings(String text) throws Exception {
    assertThat(codec(Object.class).decode(text)).isEqualTo("plain");
  }

  // ---------------------------------------------------------------- helpers and test types

  private static String b64(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static byte[] serialize(Object value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return bytes.toByteArray();
  }

  /** A composite key, Serializable as application keys are. */
  record OrderKey(String region, int number) implements Serializable {}

  /** A class outside the allowlist whose readObject has a side effect, like a gadget. */
  static final class ReadObjectSpy implements Serializable {
    private static final long serialVersionUID = 1L;
    static volatile boolean read;

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      read = true;
    }
  }
}
