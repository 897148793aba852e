package dev.aside.cache;

import dev.aside.cache.CompareAndSet.Change;
import dev.aside.load.LoaderAdapter;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.cache.CacheException;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;

/**
 * The entry-processor operations of a cache: {@code invoke} and {@code invokeAll}, each entry by
 * compare-and-set ({@link Operation#INVOKE} in {@link Mutations}), one caller of this JVM at a time
 * per entry.
 *
 * <p>Statistics, as the spec counts an invoke: the read on the first attempt (before the processor
 * runs, so it is counted even if the processor throws); then a put for a created or updated value,
 * or a removal, once the change commits. A value the processor loaded is not a put.
 */
final class Processing<K, V> {
  private final Mutations<K, V> mutations;
  private final Changes<K, V> changes;
  private final Arguments<K, V> arguments;
  private final EntryCodec<K, V> entries;
  private final LoaderAdapter<K, V> loader;
  private final Runnable openCheck;
  /* This JVM's invokes of one entry take turns (see EntryLocks); other JVMs are met by the compare-and-set. */
  private final EntryLocks locks = new EntryLocks();

  /** @param loader the loader a processor's {@code getValue} may call (read-through caches), or null */
  Processing(Mutations<K, V> mutations, Changes<K, V> changes, Arguments<K, V> arguments, EntryCodec<K, V> entries,
      LoaderAdapter<K, V> loader, Runnable openCheck) {
    this.mutations = Objects.requireNonNull(mutations);
    this.changes = Objects.requireNonNull(changes);
    this.arguments = Objects.requireNonNull(arguments);
    this.entries = Objects.requireNonNull(entries);
    this.loader = loader;
    this.openCheck = Objects.requireNonNull(openCheck);
  }

  <T> T invoke(K key, EntryProcessor<K, V, T> processor, Object... arguments) {
    openCheck.run();
    this.arguments.requireKey(key);
    Objects.requireNonNull(processor, "entryProcessor");
    byte[] redisKey = entries.redisKey(key);
    return locks.withLock(redisKey, () -> {
      Run<T> run = new Run<>(key, processor, arguments);
      mutations.applyDecision(Operation.INVOKE, key, null, null, run);
      return run.result;
    });
  }

  /** One invoke: its decision on each attempt, and what the last attempt's processor answered. */
  private final class Run<T> implements Mutations.Decision<Void> {
    private final K key;
    private final EntryProcessor<K, V, T> processor;
    private final Object[] arguments;
    private final long start = System.nanoTime();
    private boolean readCounted;
    T result;

    Run(K key, EntryProcessor<K, V, T> processor, Object[] arguments) {
      this.key = key;
      this.processor = processor;
      this.arguments = arguments;
    }

    @Override
    public Change<Void> decide(dev.aside.codec.EntryKey entryKey, byte[] current, byte[] none) {
      V value = entries.decode(entryKey, current);
      if (mutations.countsStatistics() && !readCounted) {
        readCounted = true;
        Operation.Counting.countRead(mutations.statistics(), value != null, start);
      }
      ProcessorEntry<K, V> entry = new ProcessorEntry<>(key, value, loader);
      try {
        result = processor.process(entry, arguments);
      } catch (CacheException e) {
        throw e;
      } catch (Exception e) {
        throw new EntryProcessorException(e);
      }
      ProcessorEntry.Operation operation = entry.operation();
      long decided = System.nanoTime();
      return changes.processed(entryKey, key, entry).andThen(() -> {
        if (mutations.countsStatistics()) {
          switch (operation) {
            case CREATE, UPDATE -> Operation.Counting.countPut(mutations.statistics(), true, decided);
            case REMOVE -> Operation.Counting.countRemoval(mutations.statistics(), true, decided);
            default -> { }
          }
        }
      });
    }
  }

  <T> Map<K, EntryProcessorResult<T>> invokeAll(Set<? extends K> keySet, EntryProcessor<K, V, T> processor,
      Object... arguments) {
    openCheck.run();
    this.arguments.requireKeys(keySet);
    Objects.requireNonNull(processor, "entryProcessor");
    Map<K, EntryProcessorResult<T>> results = new HashMap<>();
    for (K key : keySet) {
      try {
        T result = invoke(key, processor, arguments);
        if (result != null) {
          results.put(key, new ProcessorResult<>(result, null));
        }
      } catch (Exception e) {
        EntryProcessorException failure = e instanceof EntryProcessorException epe ? epe : new EntryProcessorException(e);
        results.put(key, new ProcessorResult<>(null, failure));
      }
    }
    return results;
  }
}
