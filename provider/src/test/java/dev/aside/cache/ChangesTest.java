package dev.aside.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aside.cache.CompareAndSet.Change;
import dev.aside.codec.DeserializationFilter;
import dev.aside.codec.KeyCodec;
import dev.aside.codec.MaxValueSize;
import dev.aside.codec.ValueCodec;
import dev.aside.event.EventDispatcher;
import dev.aside.expiry.ExpiryTimes;
import dev.aside.management.ReadPathMetrics;
import dev.aside.redis.EntryTtl;
import dev.aside.redis.KeyLayout;
import dev.aside.redis.RedisStore.CasAction;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;
import javax.cache.integration.CacheWriter;
import org.junit.jupiter.api.Test;

/**
 * Which change each operation's compare-and-set decision makes, from the entry's current bytes,
 * without Redis: the TTL asked of the expiry policy, the writer call, the answer, whether the entry
 * counts as found, and the event that follows only a commit.
 */
class ChangesTest {
  private static final long CREATED_MS = 60_000;
  private static final long UPDATED_MS = 30_000;
  private static final long ACCESSED_MS = 10_000;

  private final List<String> writerCalls = new ArrayList<>();
  private final List<String> events = new ArrayList<>();
  private final EntryCodec<String, String> entries = new EntryCodec<>("c",
      new KeyCodec<>(String.class, filter(), getClass().getClassLoader()),
      new ValueCodec<>(String.class, filter(), getClass().getClassLoader()), new KeyLayout("p", "c"),
      new MaxValueSize(1024, "c"), new ReadPathMetrics());
  private final dev.aside.codec.EntryKey K = entries.entryKey("k");
  private final Changes<String, String> changes = changes(new Policy(), true);

  @Test
  void aPutOfAnAbsentEntryCreatesItWithTheCreationTtl() {
    Change<String> change = changes.put(K, "k", "v", bytes("v"), null);
    assertThat(change.action()).isEqualTo(CasAction.SET);
    assertThat(change.ttl()).isEqualTo(EntryTtl.ofMillis(CREATED_MS));
    assertThat(change.found()).isFalse();
    assertThat(events).as("no event before the commit").isEmpty();
    change.onCommit().run();
    assertThat(events).containsExactly("CREATED k=v");
  }

  @Test
  void aPutOfAPresentEntryUpdatesItWithTheUpdateTtlAndAnswersTheOldValue() {
    Change<String> change = changes.put(K, "k", "new", bytes("new"), bytes("old"));
    assertThat(change.ttl()).isEqualTo(EntryTtl.ofMillis(UPDATED_MS));
    assertThat(change.answer()).isEqualTo("old");
    assertThat(change.found()).isTrue();
    change.onCommit().run();
    assertThat(events).containsExactly("UPDATED k=new (was old)");
  }

  @Test
  void aCreationThatExpiresAtOnceWritesNothing() {
    Changes<String, String> zeroCreation = changes(ModifiedExpiryPolicy.factoryOf(Duration.ZERO).create(), true);
    Change<String> change = zeroCreation.put(K, "k", "v", bytes("v"), null);
    assertThat(change.action()).isNull();
    assertThat(change.changes()).isFalse();
  }

  @Test
  void putIfAbsentLeavesAPresentEntryAndDoesNotCallTheWriter() {
    Change<String> change = changes.putIfAbsent(K, "k", "v", bytes("v"), bytes("there"));
    assertThat(change.action()).isNull();
    assertThat(change.found()).isTrue();
    assertThat(writerCalls).isEmpty();

    Change<String> created = changes.putIfAbsent(K, "k", "v", bytes("v"), null);
    assertThat(created.action()).isEqualTo(CasAction.SET);
    assertThat(writerCalls).containsExactly("write k=v");
  }

  @Test
  void replaceOfAnAbsentEntryDoesNothingAndCallsNoWriter() {
    Change<String> change = changes.replace(K, "k", "v", bytes("v"), null);
    assertThat(change.action()).isNull();
    assertThat(change.found()).isFalse();
    assertThat(writerCalls).isEmpty();
  }

  @Test
  void aConditionalReplaceThatDoesNotMatchIsAnAccess() {
    Change<String> change = changes.replaceIfEquals(K, "k", "expected", "new", bytes("new"), bytes("other"));
    assertThat(change.action()).isEqualTo(CasAction.TOUCH);
    assertThat(change.ttl()).isEqualTo(EntryTtl.ofMillis(ACCESSED_MS));
    assertThat(change.found()).isTrue();
    assertThat(change.changes()).isFalse();
    assertThat(writerCalls).isEmpty();
  }

  @Test
  void aConditionalReplaceThatMatchesUpdatesThroughTheWriter() {
    Change<String> change = changes.replaceIfEquals(K, "k", "old", "new", bytes("new"), bytes("old"));
    assertThat(change.action()).isEqualTo(CasAction.SET);
    assertThat(change.ttl()).isEqualTo(EntryTtl.ofMillis(UPDATED_MS));
    assertThat(writerCalls).containsExactly("write k=new");
  }

  @Test
  void aConditionalRemoveThatMatchesDeletesThroughTheWriterAndAnnouncesTheRemoval() {
    Change<String> change = changes.removeIfEquals(K, "k", "old", bytes("old"));
    assertThat(change.action()).isEqualTo(CasAction.DELETE);
    assertThat(writerCalls).containsExactly("delete k");
    change.onCommit().run();
    assertThat(events).containsExactly("REMOVED k (was old)");
    assertThat(changes.removeIfEquals(K, "k", "old", null).found()).as("absent is a miss").isFalse();
  }

  @Test
  void anAccessThatKeepsTheTtlWritesNothing() {
    Changes<String, String> keepOnAccess = changes(ModifiedExpiryPolicy.factoryOf(Duration.ONE_MINUTE).create(), true);
    Change<String> change = keepOnAccess.replaceIfEquals(K, "k", "expected", "new", bytes("new"), bytes("other"));
    assertThat(change.action()).isNull();
    assertThat(change.found()).isTrue();
  }

  @Test
  void aLoadedValueReplacesOnlyWhenAsked() {
    assertThat(changes.storeLoaded(K, "k", "v", false, bytes("v"), bytes("old")).action()).isNull();
    assertThat(changes.storeLoaded(K, "k", "v", true, bytes("v"), bytes("old")).action()).isEqualTo(CasAction.SET);
    assertThat(writerCalls).as("a load is not a write").isEmpty();
  }

  @Test
  void withoutWriteThroughTheWriterIsNeverCalled() {
    Changes<String, String> notWriteThrough = changes(new Policy(), false);
    notWriteThrough.putIfAbsent(K, "k", "v", bytes("v"), null);
    notWriteThrough.replace(K, "k", "v", bytes("v"), bytes("old"));
    notWriteThrough.removeIfEquals(K, "k", "old", bytes("old"));
    assertThat(writerCalls).isEmpty();
  }

  @Test
  void whatAProcessorDidBecomesAChange() {
    ProcessorEntry<String, String> created = new ProcessorEntry<>("k", null, null);
    created.setValue("v");
    Change<Void> create = changes.processed(K, "k", created);
    assertThat(create.action()).isEqualTo(CasAction.SET);
    assertThat(create.ttl()).isEqualTo(EntryTtl.ofMillis(CREATED_MS));
    assertThat(writerCalls).containsExactly("write k=v");

    ProcessorEntry<String, String> read = new ProcessorEntry<>("k", "v", null);
    read.getValue();
    assertThat(changes.processed(K, "k", read).action()).isEqualTo(CasAction.TOUCH);

    ProcessorEntry<String, String> removed = new ProcessorEntry<>("k", "v", null);
    removed.remove();
    Change<Void> remove = changes.processed(K, "k", removed);
    assertThat(remove.action()).isEqualTo(CasAction.DELETE);
    assertThat(writerCalls).containsExactly("write k=v", "delete k");

    ProcessorEntry<String, String> removedAbsent = new ProcessorEntry<>("k", null, null);
    removedAbsent.remove();
    assertThat(changes.processed(K, "k", removedAbsent).action()).as("nothing to delete").isNull();
  }

  private Changes<String, String> changes(ExpiryPolicy policy, boolean writeThrough) {
    return new Changes<>(entries, new ExpiryTimes(policy), WriterAdapter.of(new RecordingWriter(), writeThrough),
        dispatcher());
  }

  @SuppressWarnings("unchecked")
  private EventDispatcher<String, String> dispatcher() {
    Cache<String, String> source = (Cache<String, String>) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {Cache.class}, (proxy, method, args) -> method.getName().equals("getName") ? "c" : null);
    EventDispatcher<String, String> dispatcher = new EventDispatcher<>(source);
    dispatcher.register(new MutableCacheEntryListenerConfiguration<String, String>(() -> new Listener(), null,
        true, true));
    return dispatcher;
  }

  private byte[] bytes(String value) {
    return entries.encode(K, value);
  }

  private static DeserializationFilter filter() {
    return DeserializationFilter.of(List.of(), String.class, String.class);
  }

  /** Creation, update and access each answer a different duration, so a test sees which was asked. */
  private static final class Policy implements ExpiryPolicy {
    @Override
    public Duration getExpiryForCreation() {
      return new Duration(TimeUnit.MILLISECONDS, CREATED_MS);
    }

    @Override
    public Duration getExpiryForAccess() {
      return new Duration(TimeUnit.MILLISECONDS, ACCESSED_MS);
    }

    @Override
    public Duration getExpiryForUpdate() {
      return new Duration(TimeUnit.MILLISECONDS, UPDATED_MS);
    }
  }

  private final class RecordingWriter implements CacheWriter<String, String> {
    @Override
    public void write(Cache.Entry<? extends String, ? extends String> entry) {
      writerCalls.add("write " + entry.getKey() + "=" + entry.getValue());
    }

    @Override
    public void writeAll(Collection<Cache.Entry<? extends String, ? extends String>> entries) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void delete(Object key) {
      writerCalls.add("delete " + key);
    }

    @Override
    public void deleteAll(Collection<?> keys) {
      throw new UnsupportedOperationException();
    }
  }

  private final class Listener implements CacheEntryCreatedListener<String, String>,
      CacheEntryUpdatedListener<String, String>, CacheEntryRemovedListener<String, String> {
    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> batch) {
      batch.forEach(e -> events.add("CREATED " + e.getKey() + "=" + e.getValue()));
    }

    @Override
    public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends String>> batch) {
      batch.forEach(e -> events.add("UPDATED " + e.getKey() + "=" + e.getValue() + " (was " + e.getOldValue() + ")"));
    }

    @Override
    public void onRemoved(Iterable<CacheEntryEvent<? extends String, ? extends String>> batch) {
      batch.forEach(e -> events.add("REMOVED " + e.getKey() + " (was " + e.getOldValue() + ")"));
    }
  }
}
