package dev.aside.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aside.codec.DeserializationFilter;
import dev.aside.codec.KeyCodec;
import io.lettuce.core.cluster.SlotHash;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The key layout on a Redis Cluster: an entry and its lease share a slot, and one cache spreads over every slot. */
class KeyLayoutTest {
  private static final List<KeyLayout> LAYOUTS = List.of(
      new KeyLayout("aside", "users"),
      new KeyLayout("shop.v2", "com.acme.Product", "2026-12"),
      new KeyLayout("p", "odd{name}:with%braces"),
      new KeyLayout("p", "{}"));

  @Test
  void entryAndLeaseKeysHashToTheSameSlot() {
    KeyCodec<Object> keys = new KeyCodec<>(Object.class, DeserializationFilter.of(List.of(), Object.class,
        Object.class), getClass().getClassLoader());
    for (KeyLayout layout : LAYOUTS) {
      for (int i = 0; i < 5_000; i++) {
        for (Object key : List.of(i, "user-" + i, "a{b}" + i, UUID.nameUUIDFromBytes(new byte[] {(byte) i, 1}),
            "ünï-" + i)) {
          String text = keys.encode(key);
          byte[] entryKey = layout.entryKey(text);
          int slot = SlotHash.getSlot(entryKey);
          assertThat(SlotHash.getSlot(KeyLayout.leaseKey(entryKey))).as("lease of %s", key).isEqualTo(slot);
          // The hash tag is the key text alone: the slot does not depend on the cache.
          assertThat(slot).as("slot of %s", key).isEqualTo(SlotHash.getSlot(text.getBytes(StandardCharsets.UTF_8)));
        }
      }
    }
  }

  @Test
  void oneCacheSpreadsOverTheSlots() {
    KeyLayout layout = new KeyLayout("aside", "users");
    Set<Integer> slots = new HashSet<>();
    int[] thirds = new int[3];    // the slot ranges of a 3-master cluster as redis-cli creates it
    for (int i = 0; i < 30_000; i++) {
      int slot = SlotHash.getSlot(layout.entryKey(Integer.toString(i)));
      slots.add(slot);
      thirds[slot <= 5460 ? 0 : slot <= 10922 ? 1 : 2]++;
    }
    assertThat(slots.size()).isGreaterThan(12_000);
    for (int count : thirds) {
      assertThat(count).as("keys per third of the slots").isBetween(9_000, 11_000);
    }
  }
}
