package dev.aside.cache;

import dev.aside.cache.CompareAndSet.Change;
import dev.aside.event.EventDispatcher;
import dev.aside.expiry.ExpiryTimes;
import dev.aside.redis.RedisOperationException;
import dev.aside.redis.Ttl;
import dev.aside.resilience.FailurePolicy;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.cache.CacheException;
import javax.cache.integration.CacheLoader;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;

/**
 * The entry-processor operations of a cache: {@code invoke} and {@code invokeAll}, each entry by
 * compare-and-set, one caller of this JVM at a time per entry.
 */
final class Processing<K, V> {
  private final CacheContext<K, V> context;
  private final ExpiryTimes expiry;
  private final EventDispatcher<K, V> events;
  private final FailurePolicy failures;
  private final CompareAndSet cas;
  private final CacheLoader<K, V> loader;
  /* This JVM's invokes of one entry take turns (see EntryLocks); other JVMs are met by the compare-and-set. */
  private final EntryLocks locks = new EntryLocks();

  Processing(CacheContext<K, V> context) {
    this.context = Objects.requireNonNull(context);
    this.expiry = context.expiry;
    this.events = context.events;
    this.failures = context.failures;
    this.cas = context.cas;
    this.loader = context.loader;
  }

  <T> T invoke(K key, EntryProcessor<K, V, T> processor, Object... arguments) {
    context.checkOpen();
    context.requireKey(key);
    Objects.requireNonNull(processor, "entryProcessor");
    byte[] redisKey = context.redisKey(key);
    return locks.withLock(redisKey, () -> process(key, redisKey, processor, arguments));
  }

  /** One invoke, holding the entry's lock: read, run the processor, write by compare-and-set (again on a conflict). */
  private <T> T process(K key, byte[] redisKey, EntryProcessor<K, V, T> processor, Object... arguments) {
    long start = System.nanoTime();
    Object[] result = new Object[1];
    boolean[] counted = new boolean[1];
    try {
      cas.run(redisKey, current -> {
        V value = context.decode(current);
        if (context.statsOn() && !counted[0]) {
          counted[0] = true;
          context.recordGetOutcome(value != null, start);
        }
        ProcessorEntry<K, V> entry = new ProcessorEntry<>(key, value, context.isReadThrough() ? loader : null);
        try {
          result[0] = processor.process(entry, arguments);
        } catch (CacheException e) {
          throw e;
        } catch (Exception e) {
          throw new EntryProcessorException(e);
        }
        return processorChange(key, entry);
      });
    } catch (RedisOperationException e) {
      failures.writeFailed(redisKey, e);
    } finally {
      context.nearInvalidate(key);
    }
    @SuppressWarnings("unchecked")
    T t = (T) result[0];
    return t;
  }

  Change<Void> processorChange(K key, ProcessorEntry<K, V> entry) {
    long start = System.nanoTime();
    V value = entry.value();
    switch (entry.operation()) {
      case ACCESS:
        return Change.touch(expiry.access(), null);
      case CREATE:
      case LOAD: {
        if (entry.operation() == ProcessorEntry.Operation.CREATE) {
          context.writeThrough(key, value);
        }
        long ttl = expiry.creation();
        if (ttl == Ttl.EXPIRED) {
          return Change.none(null);
        }
        boolean countPut = entry.operation() == ProcessorEntry.Operation.CREATE;
        return Change.set(context.encode(value), ttl, null, () -> {
          events.created(key, value);
          if (countPut && context.statsOn()) {
            context.recordPut(start);
          }
        });
      }
      case UPDATE: {
        V old = entry.current();
        context.writeThrough(key, value);
        return Change.set(context.encode(value), expiry.update(), null, () -> {
          context.publishUpdated(key, value, old);
          if (context.statsOn()) {
            context.recordPut(start);
          }
        });
      }
      case REMOVE: {
        context.deleteThrough(key);
        V old = entry.current();
        if (old == null) {
          return Change.none(null);
        }
        return Change.delete(null, () -> {
          events.removed(key, old);
          if (context.statsOn()) {
            context.recordRemoval(start);
          }
        });
      }
      default:
        return Change.none(null);
    }
  }

  <T> Map<K, EntryProcessorResult<T>> invokeAll(Set<? extends K> keySet, EntryProcessor<K, V, T> processor,
      Object... arguments) {
    context.checkOpen();
    context.requireKeys(keySet);
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
