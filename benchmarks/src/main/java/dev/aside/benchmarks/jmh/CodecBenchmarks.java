package dev.aside.benchmarks.jmh;

import dev.aside.codec.DeserializationFilter;
import dev.aside.codec.KeyCodec;
import dev.aside.codec.UndecodableValueException;
import dev.aside.codec.ValueCodec;
import dev.aside.redis.KeyLayout;
import java.io.Serializable;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-call CPU work of Aside's hot paths, without Redis: turning a key into its Redis key and a
 * value into bytes and back. Run with {@code java -jar benchmarks/target/benchmarks.jar jmh [JMH options]},
 * e.g. {@code jmh CodecBenchmarks -f 1 -wi 3 -i 5}.
 *
 * <p>The small object is a five-field DTO: as the cache's declared value type it is written as JSON
 * ({@code json*}); in a cache typed {@code Object} it goes through filtered Java serialization
 * ({@code serialized*}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmarks {

  /** A small application value object. */
  public static final class Profile implements Serializable {
    private static final long serialVersionUID = 1L;

    private long id;
    private String name;
    private String email;
    private int age;
    private boolean active;

    Profile() {}

    Profile(long id, String name, String email, int age, boolean active) {
      this.id = id;
      this.name = name;
      this.email = email;
      this.age = age;
      this.active = active;
    }
  }

  private static final ClassLoader LOADER = CodecBenchmarks.class.getClassLoader();

  private KeyCodec<String> stringKeys;
  private KeyCodec<Long> longKeys;
  private KeyLayout layout;
  private ValueCodec<String> strings;
  private ValueCodec<Profile> json;
  private ValueCodec<Object> serialized;

  private String stringKey;
  private Long longKey;
  private String stringValue;
  private Profile profile;
  private byte[] stringBytes;
  private byte[] jsonBytes;
  private byte[] serializedBytes;

  @Setup
  public void setUp() {
    stringKeys = new KeyCodec<>(String.class, DeserializationFilter.of(List.of(), String.class), LOADER);
    longKeys = new KeyCodec<>(Long.class, DeserializationFilter.of(List.of(), Long.class), LOADER);
    layout = new KeyLayout("aside", "users");
    strings = new ValueCodec<>(String.class, DeserializationFilter.of(List.of(), String.class), LOADER);
    json = new ValueCodec<>(Profile.class, DeserializationFilter.of(List.of(), Profile.class), LOADER);
    serialized = new ValueCodec<>(Object.class,
        DeserializationFilter.of(List.of(Profile.class.getName()), Object.class), LOADER);
    if (!json.writesJson()) {
      throw new IllegalStateException("Profile is expected to be written as JSON");
    }

    stringKey = "user:000042";
    longKey = 42_000_042L;
    stringValue = "x".repeat(100);
    profile = new Profile(42, "Ada Lovelace", "ada@example.org", 36, true);
    stringBytes = strings.encode(stringValue);
    jsonBytes = json.encode(profile);
    serializedBytes = serialized.encode(profile);
  }

  @Benchmark
  public byte[] stringKey() {
    return layout.entryKey(stringKeys.encode(stringKey));
  }

  @Benchmark
  public byte[] longKey() {
    return layout.entryKey(longKeys.encode(longKey));
  }

  @Benchmark
  public byte[] stringEncode() {
    return strings.encode(stringValue);
  }

  @Benchmark
  public String stringDecode() throws UndecodableValueException {
    return strings.decode(stringBytes);
  }

  @Benchmark
  public byte[] jsonEncode() {
    return json.encode(profile);
  }

  @Benchmark
  public Profile jsonDecode() throws UndecodableValueException {
    return json.decode(jsonBytes);
  }

  @Benchmark
  public byte[] serializedEncode() {
    return serialized.encode(profile);
  }

  @Benchmark
  public Object serializedDecode() throws UndecodableValueException {
    return serialized.decode(serializedBytes);
  }
}
