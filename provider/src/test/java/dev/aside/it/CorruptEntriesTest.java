package dev.aside.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.aside.cache.AsideCache;
import dev.aside.spi.AsideCachingProvider;
import dev.aside.testkit.RedisFixture;
import dev.aside.testkit.RedisTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.integration.CacheLoader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bytes under a cache key that Aside did not write, or must not trust, read as misses and never run code. */
@RedisTest
class CorruptEntriesTest {
  @RegisterExtension
  static final RedisFixture<AsideCachingProvider> redis = RedisFixture.sharedOrPrivate(AsideCachingProvider::new);

  private static final AtomicInteger LOADS = new AtomicInteger();

  private String prefix;

  @BeforeEach
  void resetSpies() {
    ReadObjectSpy.read = false;
    LOADS.set(0);
    prefix = redis.newPrefix();
  }

  static Stream<Arguments> corruptValues() {
    return Stream.of(
        Arguments.of("foreign text", RedisFixture.utf8("written by someone else")),
        Arguments.of("empty", new byte[0]),
        Arguments.of("marker only", new byte[] {(byte) 0xA5}),
        Arguments.of("header without a tag", new byte[] {(byte) 0xA5, 0}),
        Arguments.of("unknown format marker", new byte[] {(byte) 0xA6, 0, 'S', 'x'}),
        Arguments.of("unknown type tag", new byte[] {(byte) 0xA5, 0, 'Q', 'x'}),
        Arguments.of("unknown header flags", new byte[] {(byte) 0xA5, (byte) 0x80, 'S', 'x'}),
        Arguments.of("a Long in a String cache", new byte[] {(byte) 0xA5, 0, 'J', '4', '2'}),
        Arguments.of("corrupt serialized object", new byte[] {(byte) 0xA5, 0, 'O', 1, 2, 3}),
        Arguments.of("truncated serialized String", truncated(header('O', serialize("a long enough string")))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corruptValues")
  void corruptValueIsAMiss(String what, byte[] bytes) {
    Cache<String, String> cache = stringCache("c", null);
    cache.put("good", "value");
    writeRaw("c", "bad", bytes);

    assertThat(cache.get("bad")).isNull();
    assertThat(undecodable(cache)).isEqualTo(1);

    assertThat(cache.getAll(Set.of("good", "bad"))).isEqualTo(Map.of("good", "value"));
    assertThat(undecodable(cache)).isEqualTo(2);

    assertThat(entries(cache)).isEqualTo(Map.of("good", "value"));
    assertThat(undecodable(cache)).isEqualTo(3);

    // containsKey agrees with get: an entry get cannot read is not contained.
    assertThat(cache.containsKey("bad")).isFalse();
    assertThat(cache.containsKey("good")).isTrue();
    assertThat(undecodable(cache)).isEqualTo(4);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corruptValues")
  void readThroughLoadsOverACorruptValue(String what, byte[] bytes) {
    Cache<String, String> cache = stringCache("c", Loader.class);
    writeRaw("c", "bad", bytes);

    assertThat(cache.get("bad")).isEqualTo("loaded bad");
    assertThat(LOADS.get()).isEqualTo(1);
    assertThat(cache.getAll(Set.of("bad"))).isEqualTo(Map.of("bad", "loaded bad"));
  }

  /** The loaded value should take the corrupt entry's place, else every read goes to the loader again. */
  @Test
  void readThroughReplacesTheCorruptValue() {
    Cache<String, String> cache = stringCache("c", Loader.class);
    writeRaw("c", "bad", RedisFixture.utf8("written by someone else"));

    assertThat(cache.get("bad")).isEqualTo("loaded bad");
    assertThat(cache.get("bad")).isEqualTo("loaded bad");

    assertThat(LOADS.get()).as("loader calls").isEqualTo(1);
  }

  @Test
  void corruptValueCanBeOverwrittenAndRemoved() {
    Cache<String, String> cache = stringCache("c", null);
    writeRaw("c", "a", RedisFixture.utf8("junk"));
    writeRaw("c", "b", RedisFixture.utf8("junk"));

    cache.put("a", "fixed");
    assertThat(cache.get("a")).isEqualTo("fixed");
    assertThat(cache.getAndRemove("b")).isNull();
    assertThat(redis.redis().exists(prefix + ":c:{b}")).isZero();
  }

  /** A key of another Redis type under an entry's name (another client's list, say). */
  @Test
  void wrongTypeKeyIsAMiss() {
    Cache<String, String> cache = stringCache("c", null);
    cache.put("good", "value");
    redis.redis().lpush(prefix + ":c:{bad}", "a list, not a string");

    assertThat(cache.getAll(Set.of("good", "bad"))).isEqualTo(Map.of("good", "value"));
    assertThat(entries(cache)).isEqualTo(Map.of("good", "value"));
    assertThat(cache.get("bad")).isNull();
    assertThat(cache.containsKey("bad")).isFalse();
  }

  @Test
  void wrongTypeKeyIsLoadedOverByReadThrough() {
    Cache<String, String> cache = stringCache("c", Loader.class);
    redis.redis().lpush(prefix + ":c:{bad}", "a list, not a string");

    assertThat(cache.get("bad")).isEqualTo("loaded bad");
  }

  static Stream<Arguments> corruptKeyTexts() {
    return Stream.of(
        Arguments.of("~Q1"),
        Arguments.of("~C"),
        Arguments.of("~O!!!"),
        Arguments.of("~OAAAA"),
        Arguments.of("~J42"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corruptKeyTexts")
  void undecodableKeyIsSkippedByIterationAndRemoveAll(String keyText) {
    Cache<String, String> cache = stringCache("c", null);
    cache.put("good", "value");
    writeRaw("c", keyText, header('S', RedisFixture.utf8("orphan")));

    assertThat(entries(cache)).isEqualTo(Map.of("good", "value"));
    assertThat(undecodable(cache)).isEqualTo(1);
    assertThatCode(cache::removeAll).doesNotThrowAnyException();
    assertThat(cache.get("good")).isNull();
    cache.clear();
    assertThat(redis.keys(prefix + ":*")).isEmpty();
  }

  @Test
  void gadgetValueIsRejectedBeforeItsReadObjectRuns() {
    Cache<String, Object> cache = redis.manager(prefix).createCache("objects",
        new MutableConfiguration<String, Object>().setTypes(String.class, Object.class));
    writeRaw("objects", "gadget", header('O', serialize(new ReadObjectSpy())));

    assertThat(cache.get("gadget")).isNull();
    assertThat(cache.getAll(Set.of("gadget"))).isEmpty();
    assertThat(entries(cache)).isEmpty();

    assertThat(ReadObjectSpy.read).as("gadget readObject ran").isFalse();
    assertThat(undecodable(cache)).isEqualTo(3);
  }

  @Test
  void gadgetInsideAnAllowedCollectionIsRejected() {
    Cache<String, Object> cache = redis.manager(prefix).createCache("objects",
        new MutableConfiguration<String, Object>().setTypes(String.class, Object.class));
    HashMap<String, Object> wrapper = new HashMap<>();
    wrapper.put("inner", new ReadObjectSpy());
    writeRaw("objects", "gadget", header('O', serialize(wrapper)));

    assertThat(cache.get("gadget")).isNull();
    assertThat(ReadObjectSpy.read).as("gadget readObject ran").isFalse();
    assertThat(undecodable(cache)).isEqualTo(1);
  }

  @Test
  void gadgetKeyIsRejectedBeforeItsReadObjectRuns() {
    Cache<Object, String> cache = redis.manager(prefix).createCache("objects",
        new MutableConfiguration<Object, String>().setTypes(Object.class, String.class));
    String keyText = "~O" + Base64.getUrlEncoder().withoutPadding().encodeToString(serialize(new ReadObjectSpy()));
    writeRaw("objects", keyText, header('S', RedisFixture.utf8("value")));

    assertThat(entries(cache)).isEmpty();
    assertThat(ReadObjectSpy.read).as("gadget readObject ran").isFalse();
    assertThat(undecodable(cache)).isEqualTo(1);
  }

  /** Control for the gadget tests: once allowed, the same bytes do deserialize and run readObject. */
  @Test
  void allowedClassIsDeserialized() {
    CacheManager manager = redis.manager(RedisFixture.withOption(redis.uri(prefix).toString(),
        "allow=" + ReadObjectSpy.class.getName()));
    Cache<String, Object> cache = manager.createCache("objects", new MutableConfiguration<String, Object>()
        .setTypes(String.class, Object.class));
    writeRaw("objects", "gadget", header('O', serialize(new ReadObjectSpy())));

    assertThat(cache.get("gadget")).isInstanceOf(ReadObjectSpy.class);
    assertThat(ReadObjectSpy.read).isTrue();
  }

  // ---------------------------------------------------------------- helpers

  private Cache<String, String> stringCache(String name, Class<? extends CacheLoader<String, String>> loader) {
    MutableConfiguration<String, String> config = new MutableConfiguration<String, String>()
        .setTypes(String.class, String.class);
    if (loader != null) {
      config.setCacheLoaderFactory(FactoryBuilder.factoryOf(loader)).setReadThrough(true);
    }
    return redis.manager(prefix).createCache(name, config);
  }

  private void writeRaw(String cacheName, String keyText, byte[] value) {
    redis.redisBytes().set(RedisFixture.utf8(prefix + ":" + cacheName + ":{" + keyText + "}"), value);
  }

  private static long undecodable(Cache<?, ?> cache) {
    return cache.unwrap(AsideCache.class).undecodableReads();
  }

  private static <K, V> Map<K, V> entries(Cache<K, V> cache) {
    Map<K, V> out = new HashMap<>();
    List<K> seen = new ArrayList<>();
    for (Cache.Entry<K, V> entry : cache) {
      seen.add(entry.getKey());
      out.put(entry.getKey(), entry.getValue());
    }
    assertThat(seen).doesNotHaveDuplicates();
    return out;
  }

  static byte[] header(char tag, byte[] payload) {
    byte[] out = new byte[payload.length + 3];
    out[0] = (byte) 0xA5;
    out[1] = 0;
    out[2] = (byte) tag;
    System.arraycopy(payload, 0, out, 3, payload.length);
    return out;
  }

  private static byte[] truncated(byte[] bytes) {
    return java.util.Arrays.copyOf(bytes, bytes.length - 5);
  }

  static byte[] serialize(Object value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return bytes.toByteArray();
  }

  /** Stands for a deserialization gadget: a class outside the allowlist whose readObject has a side effect. */
  public static final class ReadObjectSpy implements Serializable {
    private static final long serialVersionUID = 1L;
    static volatile boolean read;

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      read = true;
    }
  }

  /** Loads {@code "loaded " + key}, counting calls. */
  public static final class Loader implements CacheLoader<String, String> {
    @Override
    public String load(String key) {
      LOADS.incrementAndGet();
      return "loaded " + key;
    }

    @Override
    public Map<String, String> loadAll(Iterable<? extends String> keys) {
      Map<String, String> out = new HashMap<>();
      keys.forEach(k -> out.put(k, load(k)));
      return out;
    }
  }
}
