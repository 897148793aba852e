package dev.aside.near;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aside.codec.DeserializationFilter;
import dev.aside.codec.KeyCodec;
import dev.aside.redis.KeyLayout;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Both directions of the near-cache key mapping agree, so an invalidation finds the entry a lookup filled. */
class NearKeysTest {
  private final KeyLayout layout = new KeyLayout("p", "c");

  @Test
  void simpleKeysAreTheirOwnNearKeysBothWays() {
    roundTrip(String.class, "user:42");
    roundTrip(Long.class, 42L);
    roundTrip(UUID.class, UUID.fromString("123e4567-e89b-12d3-a456-426614174000"));
  }

  @Test
  void otherKeysAreRepresentedByTheirTextSoNoUserCodeRunsOnTheEventLoop() {
    NearKeys<Point> keys = keys(Point.class);
    Point key = new Point(1, 2);
    Object nearKey = keys.of(key);
    assertThat(keys.byKeyObject()).isFalse();
    assertThat(nearKey).isEqualTo(codec(Point.class).encode(key));
    assertThat(keys.ofRedisKey(layout.entryKey(codec(Point.class).encode(key)))).isEqualTo(nearKey);
  }

  /** A key of no simple type. */
  record Point(int x, int y) implements Serializable {}

  @Test
  void aCompanionKeyOrAnUndecodableKeyNamesNoEntry() {
    NearKeys<Long> keys = keys(Long.class);
    byte[] entry = layout.entryKey("42");
    assertThat(keys.ofRedisKey(KeyLayout.leaseKey(entry))).isNull();
    assertThat(keys.ofRedisKey(layout.entryKey("not-a-number"))).isNull();
    assertThat(keys.ofRedisKey("p:other:{42}".getBytes(StandardCharsets.UTF_8))).isNull();
  }

  private <K> void roundTrip(Class<K> type, K key) {
    NearKeys<K> keys = keys(type);
    assertThat(keys.byKeyObject()).isTrue();
    assertThat(keys.of(key)).isEqualTo(key);
    assertThat(keys.ofRedisKey(redisKey(type, key))).isEqualTo(key);
  }

  private <K> byte[] redisKey(Class<K> type, K key) {
    return layout.entryKey(codec(type).encode(key));
  }

  private <K> NearKeys<K> keys(Class<K> type) {
    return new NearKeys<>(type, codec(type), layout);
  }

  private static <K> KeyCodec<K> codec(Class<K> type) {
    return new KeyCodec<>(type, DeserializationFilter.of(List.of(), type), NearKeysTest.class.getClassLoader());
  }
}
