package dev.aside.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Values round-trip through their stored bytes in the documented format; untrusted bytes never run code. */
class ValueCodecTest {
  private static final ClassLoader LOADER = ValueCodecTest.class.getClassLoader();

  @BeforeEach
  void resetSpy() {
    ReadObjectSpy.read = false;
  }

  private static <V> ValueCodec<V> codec(Class<V> type, String... allow) {
    return new ValueCodec<>(type, DeserializationFilter.of(List.of(allow), type), LOADER);
  }

  private static Object decode(ValueCodec<?> codec, byte[] bytes) throws UndecodableValueException {
    return codec.decode(bytes);
  }

  static Stream<Arguments> taggedValues() {
    return Stream.of(
        Arguments.of("", 'S'),
        Arguments.of("héllo ✓ 😀 {braces} \u0000", 'S'),
        Arguments.of(0L, 'J'),
        Arguments.of(Long.MIN_VALUE, 'J'),
        Arguments.of(Long.MAX_VALUE, 'J'),
        Arguments.of(Integer.MIN_VALUE, 'I'),
        Arguments.of((short) -7, 'H'),
        Arguments.of((byte) -128, 'B'),
        Arguments.of(3.141592653589793, 'D'),
        Arguments.of(-0.0, 'D'),
        Arguments.of(Double.NaN, 'D'),
        Arguments.of(Double.NEGATIVE_INFINITY, 'D'),
        Arguments.of(Double.MIN_VALUE, 'D'),
        Arguments.of(1.1f, 'F'),
        Arguments.of(Float.MAX_VALUE, 'F'),
        Arguments.of(true, 'Z'),
        Arguments.of(false, 'Z'),
        Arguments.of('x', 'C'),
        Arguments.of('é', 'C'),
        Arguments.of('\u0000', 'C'),
        Arguments.of(new byte[] {0, 1, (byte) 0xA5, (byte) 0xFF}, 'b'),
        Arguments.of(new byte[0], 'b'));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("taggedValues")
  void taggedValueRoundTripsInAnObjectCache(Object value, char tag) throws Exception {
    ValueCodec<Object> codec = codec(Object.class);

    byte[] bytes = codec.encode(value);

    assertThat(bytes[0]).isEqualTo(ValueFormat.V1);
    assertThat(bytes[1]).isZero();
    assertThat((char) bytes[2]).isEqualTo(tag);
    assertThat(decode(codec, bytes)).isEqualTo(value);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("taggedValues")
  @SuppressWarnings({"unchecked", "rawtypes"})
  void taggedValueRoundTripsInACacheOfItsType(Object value, char tag) throws Exception {
    ValueCodec codec = codec(value.getClass());

    byte[] bytes = codec.encode(value);

    assertThat((char) bytes[2]).isEqualTo(tag);
    assertThat(decode(codec, bytes)).isEqualTo(value);
  }

  @Test
  void compactEncodingsAreReadable() {
    assertThat(codec(String.class).encode("ann")).containsExactly(0xA5, 0, 'S', 'a', 'n', 'n');
    assertThat(codec(Long.class).encode(-42L)).containsExactly(0xA5, 0, 'J', '-', '4', '2');
    assertThat(codec(Boolean.class).encode(true)).containsExactly(0xA5, 0, 'Z', '1');
  }

  /** A String cut in the middle of a surrogate pair (a substring ending inside an emoji) comes back unchanged. */
  @ParameterizedTest
  @ValueSource(strings = {"cut \uD83D", "\uDE00 cut"})
  void stringWithAnUnpairedSurrogateRoundTrips(String value) throws Exception {
    ValueCodec<Object> codec = codec(Object.class);

    assertThat(decode(codec, codec.encode(value))).isEqualTo(value);
  }

  /** Each char of an emoji, cached on its own, comes back unchanged. */
  @ParameterizedTest
  @ValueSource(chars = {'\uD83D', '\uDE00'})
  void surrogateCharacterRoundTrips(char value) throws Exception {
    ValueCodec<Character> codec = codec(Character.class);

    assertThat(codec.decode(codec.encode(value))).isEqualTo(value);
  }

  @Test
  void equalValuesGiveEqualBytes() {
    ValueCodec<Object> codec = codec(Object.class);
    String a = new String("same text".toCharArray());
    String b = new String("same text".toCharArray());

    assertThat(a).isNotSameAs(b);
    assertThat(codec.encode(a)).isEqualTo(codec.encode(b));
    assertThat(codec.encode(Long.valueOf(123_456_789L))).isEqualTo(codec.encode(Long.valueOf("123456789")));
    assertThat(codec.encode(new byte[] {1, 2})).isEqualTo(codec.encode(new byte[] {1, 2}));
  }

  @Test
  void declaredClassWithANoArgConstructorIsJson() throws Exception {
    ValueCodec<Customer> codec = codec(Customer.class);
    Customer ann = new Customer("ann", 42, List.of("admin", "ops"), new Address("Main St", "1010"));

    byte[] bytes = codec.encode(ann);

    assertThat(codec.writesJson()).isTrue();
    assertThat((char) bytes[2]).isEqualTo('j');
    String json = new String(bytes, 3, bytes.length - 3, StandardCharsets.UTF_8);
    assertThat(json).contains("\"name\":\"ann\"").contains("\"street\":\"Main St\"");
    assertThat(codec.decode(bytes)).isEqualTo(ann);
  }

  @Test
  void declaredRecordIsJson() throws Exception {
    ValueCodec<Order> codec = codec(Order.class);
    Order order = new Order(7L, "open", List.of(new Line("book", 2), new Line("pen", 1)), Instant.EPOCH.toString());

    byte[] bytes = codec.encode(order);

    assertThat(codec.writesJson()).isTrue();
    assertThat((char) bytes[2]).isEqualTo('j');
    assertThat(new String(bytes, 3, bytes.length - 3, StandardCharsets.UTF_8)).contains("\"status\":\"open\"");
    assertThat(codec.decode(bytes)).isEqualTo(order);
  }

  @Test
  void jsonWithAnExtraFieldStillReads() throws Exception {
    ValueCodec<Line> codec = codec(Line.class);
    byte[] json = "{\"item\":\"book\",\"quantity\":3,\"addedLater\":true}".getBytes(StandardCharsets.UTF_8);

    assertThat(codec.decode(withHeader('j', json))).isEqualTo(new Line("book", 3));
  }

  @Test
  void corruptJsonIsUndecodable() {
    ValueCodec<Line> codec = codec(Line.class);

    assertThatThrownBy(() -> codec.decode(withHeader('j', "{\"item\":".getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(UndecodableValueException.class);
  }

  @Test
  void jsonInACacheThatDoesNotReadJsonIsUndecodable() {
    ValueCodec<Object> codec = codec(Object.class);

    assertThatThrownBy(() -> codec.decode(withHeader('j', "{}".getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(UndecodableValueException.class);
  }

  @Test
  void declaredSerializableClassWithoutANoArgConstructorUsesJavaSerialization() throws Exception {
    ValueCodec<Money> codec = codec(Money.class);
    Money price = new Money(new BigDecimal("9.99"), "EUR");

    byte[] bytes = codec.encode(price);

    assertThat(codec.writesJson()).isFalse();
    assertThat((char) bytes[2]).isEqualTo('O');
    assertThat(codec.decode(bytes)).isEqualTo(price);
  }

  static Stream<Object> jdkValues() {
    HashMap<String, Object> map = new HashMap<>();
    map.put("list", new ArrayList<>(List.of(1, 2, 3)));
    map.put("date", LocalDate.of(2024, 2, 29));
    return Stream.of(new ArrayList<>(List.of("a", "b")), map, new BigDecimal("1.50"), UUID.randomUUID(),
        Instant.ofEpochSecond(1_700_000_000L, 5), List.of(1, 2), Map.of("k", "v"), new int[] {1, 2, 3});
  }

  @ParameterizedTest
  @MethodSource("jdkValues")
  void jdkValuesUseJavaSerializationByDefault(Object value) throws Exception {
    ValueCodec<Object> codec = codec(Object.class);

    byte[] bytes = codec.encode(value);

    assertThat((char) bytes[2]).isEqualTo('O');
    assertThat(decode(codec, bytes)).isEqualTo(value);
  }

  @Test
  void classOutsideTheAllowlistIsRejectedBeforeItsReadObjectRuns() {
    ValueCodec<Object> codec = codec(Object.class);
    byte[] bytes = codec.encode(new ReadObjectSpy());

    assertThatThrownBy(() -> codec.decode(bytes)).isInstanceOf(UndecodableValueException.class);
    assertThat(ReadObjectSpy.read).isFalse();
  }

  @Test
  void classOutsideTheAllowlistIsRejectedInsideAnAllowedCollection() {
    ValueCodec<Object> codec = codec(Object.class);
    byte[] bytes = codec.encode(new ArrayList<>(List.of("fine", new ReadObjectSpy())));

    assertThatThrownBy(() -> codec.decode(bytes)).isInstanceOf(UndecodableValueException.class);
    assertThat(ReadObjectSpy.read).isFalse();
  }

  @Test
  void theRejectionNamesTheClassToAllow() {
    ValueCodec<Object> codec = codec(Object.class);
    byte[] bytes = codec.encode(new ArrayList<>(List.of("fine", new ReadObjectSpy())));

    assertThatThrownBy(() -> codec.decode(bytes))
        .isInstanceOfSatisfying(UndecodableValueException.class, e -> {
          assertThat(e.disallowedClass()).isEqualTo(ReadObjectSpy.class.getName());
          assertThat(e.getMessage()).contains(ReadObjectSpy.class.getName(), "allowlist");
        });
  }

  /*
   * Hibernate's second-level cache entries hold their entity state as a Serializable[]. An array is
   * checked by its element type, here an interface; the elements are checked one by one.
   */
  @Test
  void arraysOfSerializableAreAllowedButNotWhatTheyHold() throws Exception {
    ValueCodec<Object> codec = codec(Object.class);

    Object decoded = decode(codec, codec.encode(new Serializable[] {"lamp", 1_000L}));
    assertThat(decoded).isEqualTo(new Serializable[] {"lamp", 1_000L});

    byte[] bytes = codec.encode(new Serializable[] {"lamp", new ReadObjectSpy()});
    assertThatThrownBy(() -> codec.decode(bytes)).isInstanceOf(UndecodableValueException.class);
    assertThat(ReadObjectSpy.read).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev.aside.codec.ValueCodecTest$ReadObjectSpy", "dev.aside.codec.*", "dev.aside.**"})
  void allowedPatternLetsTheClassIn(String pattern) throws Exception {
    ValueCodec<Object> codec = codec(Object.class, pattern);

    assertThat(codec.decode(codec.encode(new ReadObjectSpy()))).isInstanceOf(ReadObjectSpy.class);
    assertThat(ReadObjectSpy.read).isTrue();
  }

  @Test
  void otherPackagesStayOutWhenOnePackageIsAllowed() {
    ValueCodec<Object> codec = codec(Object.class, "com.acme.*");
    byte[] bytes = codec.encode(new ReadObjectSpy());

    assertThatThrownBy(() -> codec.decode(bytes)).isInstanceOf(UndecodableValueException.class);
    assertThat(ReadObjectSpy.read).isFalse();
  }

  @Test
  void deeplyNestedGraphIsRejected() {
    ValueCodec<Object> codec = codec(Object.class);
    List<Object> root = new ArrayList<>();
    List<Object> current = root;
    for (int i = 0; i < 200; i++) {
      List<Object> next = new ArrayList<>();
      current.add(next);
      current = next;
    }
    byte[] bytes = codec.encode(root);

    assertThatThrownBy(() -> codec.decode(bytes))
        .isInstanceOfSatisfying(UndecodableValueException.class, e -> assertThat(e.disallowedClass())
            .as("a graph past the limits is not a class to allow").isNull());
  }

  @ParameterizedTest
  @ValueSource(strings = {"!com.acme.*", "com.acme.*;java.lang.Runtime", "maxdepth=1000"})
  void filterPatternsThatWouldWeakenTheAllowlistAreRefused(String pattern) {
    assertThatThrownBy(() -> DeserializationFilter.of(List.of(pattern)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(pattern);
  }

  @Test
  void valueOfAnotherTypeIsUndecodable() {
    byte[] longBytes = codec(Long.class).encode(42L);

    assertThatThrownBy(() -> codec(String.class).decode(longBytes)).isInstanceOf(UndecodableValueException.class);
  }

  static Stream<Arguments> corruptBytes() {
    return Stream.of(
        Arguments.of("empty", new byte[0]),
        Arguments.of("marker only", new byte[] {(byte) 0xA5}),
        Arguments.of("no tag", new byte[] {(byte) 0xA5, 0}),
        Arguments.of("foreign text", "plain text".getBytes(StandardCharsets.UTF_8)),
        Arguments.of("unknown marker", new byte[] {(byte) 0xA6, 0, 'S', 'x'}),
        Arguments.of("unknown tag", new byte[] {(byte) 0xA5, 0, 'Q', 'x'}),
        Arguments.of("bad number", new byte[] {(byte) 0xA5, 0, 'J', 'x'}),
        Arguments.of("empty number", new byte[] {(byte) 0xA5, 0, 'I'}),
        Arguments.of("odd-length character", new byte[] {(byte) 0xA5, 0, 'C', 'a', 'b', 'c'}),
        Arguments.of("empty character", new byte[] {(byte) 0xA5, 0, 'C'}),
        Arguments.of("corrupt serialization", new byte[] {(byte) 0xA5, 0, 'O', (byte) 0xAC, (byte) 0xED, 0}),
        Arguments.of("empty serialization", new byte[] {(byte) 0xA5, 0, 'O'}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corruptBytes")
  void corruptBytesAreUndecodable(String what, byte[] bytes) {
    assertThatThrownBy(() -> codec(Object.class).decode(bytes)).isInstanceOf(UndecodableValueException.class);
  }

  @Test
  void valueThatCannotBeStoredIsRefusedWithItsClassName() {
    assertThatThrownBy(() -> codec(Object.class).encode(new Object()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.lang.Object");
  }

  // ---------------------------------------------------------------- helpers and test types

  static byte[] withHeader(char tag, byte[] payload) {
    byte[] out = new byte[payload.length + 3];
    out[0] = ValueFormat.V1;
    out[2] = (byte) tag;
    System.arraycopy(payload, 0, out, 3, payload.length);
    return out;
  }

  /** A class outside the default allowlist whose readObject has a side effect, like a gadget. */
  static final class ReadObjectSpy implements Serializable {
    private static final long serialVersionUID = 1L;
    static volatile boolean read;

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      read = true;
    }
  }

  /** An application class with private fields, no setters and a no-arg constructor. */
  static final class Customer {
    private String name;
    private int age;
    private List<String> roles;
    private Address address;

    Customer() {}

    Customer(String name, int age, List<String> roles, Address address) {
      this.name = name;
      this.age = age;
      this.roles = roles;
      this.address = address;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Customer c && Objects.equals(name, c.name) && age == c.age
          && Objects.equals(roles, c.roles) && Objects.equals(address, c.address);
    }

    @Override
    public int hashCode() {
      return Objects.hash(name, age, roles, address);
    }
  }

  /** A nested application class. */
  static final class Address {
    private String street;
    private String zip;

    Address() {}

    Address(String street, String zip) {
      this.street = street;
      this.zip = zip;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Address a && Objects.equals(street, a.street) && Objects.equals(zip, a.zip);
    }

    @Override
    public int hashCode() {
      return Objects.hash(street, zip);
    }
  }

  /** A record value with nested records. */
  record Order(long id, String status, List<Line> lines, String placedAt) {}

  /** A nested record. */
  record Line(String item, int quantity) {}

  /** A Serializable value without a no-arg constructor: not JSON. */
  static final class Money implements Serializable {
    private static final long serialVersionUID = 1L;
    private final BigDecimal amount;
    private final String currency;

    Money(BigDecimal amount, String currency) {
      this.amount = amount;
      this.currency = currency;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Money m && amount.equals(m.amount) && currency.equals(m.currency);
    }

    @Override
    public int hashCode() {
      return Objects.hash(amount, currency);
    }
  }
}
