package dev.aside.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Long keys without Redis: the hashed text that stands in the Redis key, and the key text values carry. */
class LongKeyFormatTest {
  private final ValueCodec<String> values = new ValueCodec<>(String.class,
      DeserializationFilter.of(List.of(), String.class), getClass().getClassLoader());
  private final EntryKey shortKey = new EntryKey(bytes("p:c:{k}"), null);
  private final EntryKey longA = new EntryKey(bytes("p:c:{~#a}"), bytes("a".repeat(600)));
  private final EntryKey longB = new EntryKey(bytes("p:c:{~#b}"), bytes("b".repeat(600)));

  @Test
  void textUpToTheLimitStandsAsItIsAndLongerTextIsHashed() {
    String limit = "x".repeat(KeyCodec.MAX_KEY_TEXT);
    assertThat(KeyCodec.storedText(limit)).isSameAs(limit);
    String hashed = KeyCodec.storedText(limit + "x");
    assertThat(hashed).startsWith("~#").hasSize(45).doesNotContain("{", "}");
    assertThat(KeyCodec.storedText(limit + "x")).as("deterministic").isEqualTo(hashed);
    assertThat(KeyCodec.storedText(limit + "y")).isNotEqualTo(hashed);
    assertThat(KeyCodec.isHashed(hashed)).isTrue();
    assertThat(KeyCodec.isHashed(limit)).isFalse();
  }

  @Test
  void noShortKeyEncodesToTheHashedTag() {
    KeyCodec<Object> keys = new KeyCodec<>(Object.class, DeserializationFilter.of(List.of()), getClass().getClassLoader());
    assertThat(keys.encode("~#abc")).doesNotStartWith("~#");
    assertThat(keys.encode("#abc")).isEqualTo("#abc");
  }

  @Test
  void aLongKeysValueCarriesItsKeyAndDecodesOnlyForIt() throws Exception {
    byte[] stored = ValueFormat.stamped(values.encode("v"), longA);
    assertThat(ValueFormat.belongsTo(stored, longA)).isTrue();
    assertThat(ValueFormat.belongsTo(stored, longB)).as("another long key").isFalse();
    assertThat(ValueFormat.belongsTo(stored, shortKey)).as("a short key").isFalse();
    assertThat(ValueFormat.keyText(stored)).isEqualTo(longA.keyText());
    assertThat(values.decode(stored)).isEqualTo("v");
    assertThat(ValueFormat.withoutKeyText(stored)).isEqualTo(values.encode("v"));
  }

  @Test
  void aShortKeysValueIsUnchangedAndBelongsToNoLongKey() {
    byte[] encoded = values.encode("v");
    assertThat(ValueFormat.stamped(encoded, shortKey)).isSameAs(encoded);
    assertThat(ValueFormat.belongsTo(encoded, shortKey)).isTrue();
    assertThat(ValueFormat.belongsTo(encoded, longA)).isFalse();
    assertThat(ValueFormat.keyText(encoded)).isNull();
    assertThat(ValueFormat.withoutKeyText(encoded)).isSameAs(encoded);
  }

  @Test
  void loadInfoAndKeyTextTogether() throws Exception {
    byte[] stored = ValueFormat.stamped(ValueFormat.withLoadInfo(values.encode("v"), 7, 1234), longA);
    assertThat(ValueFormat.loadInfo(stored)).isEqualTo(new ValueFormat.LoadInfo(7, 1234));
    assertThat(ValueFormat.belongsTo(stored, longA)).isTrue();
    assertThat(values.decode(stored)).isEqualTo("v");
    assertThat(values.decode(ValueFormat.withoutKeyText(stored))).isEqualTo("v");
  }

  @Test
  void aLongKeysTombstoneCarriesItsKey() {
    byte[] tombstone = ValueFormat.tombstone(longA);
    assertThat(ValueFormat.isTombstone(tombstone)).isTrue();
    assertThat(ValueFormat.belongsTo(tombstone, longA)).isTrue();
    assertThat(ValueFormat.belongsTo(tombstone, longB)).isFalse();
    assertThat(ValueFormat.tombstone(shortKey)).isEqualTo(ValueFormat.tombstone());
  }

  @Test
  void aCutOrCorruptKeyTextIsUndecodable() {
    byte[] stored = ValueFormat.stamped(values.encode("v"), longA);
    byte[] cut = java.util.Arrays.copyOf(stored, 100);
    assertThat(ValueFormat.belongsTo(cut, longA)).isFalse();
    assertThat(ValueFormat.keyText(cut)).isNull();
    assertThatThrownBy(() -> values.decode(cut)).isInstanceOf(UndecodableValueException.class);
    stored[2] = (byte) 0x7F;                                   // a negative-looking huge length
    assertThatThrownBy(() -> values.decode(stored)).isInstanceOf(UndecodableValueException.class);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
