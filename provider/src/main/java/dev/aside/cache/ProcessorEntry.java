package dev.aside.cache;

import dev.aside.load.LoaderAdapter;
import javax.cache.processor.MutableEntry;

/**
 * The entry an {@link javax.cache.processor.EntryProcessor} works on: a snapshot of one Redis entry
 * plus the change the processor asks for, applied afterwards by compare-and-set.
 */
final class ProcessorEntry<K, V> implements MutableEntry<K, V> {
  /** What the processor did to the entry, in JCache terms. */
  enum Operation { NONE, ACCESS, CREATE, LOAD, UPDATE, REMOVE }

  private final K key;
  private final V current;
  private final LoaderAdapter<K, V> loader;
  private Operation operation = Operation.NONE;
  private V value;

  /** @param loader the loader {@link #getValue} calls for an absent entry (read-through caches), or null */
  ProcessorEntry(K key, V current, LoaderAdapter<K, V> loader) {
    this.key = key;
    this.current = current;
    this.loader = loader;
  }

  @Override
  public K getKey() {
    return key;
  }

  @Override
  public V getValue() {
    if (operation == Operation.NONE) {
      value = current;
      if (value != null) {
        operation = Operation.ACCESS;
      }
    }
    if (value == null && operation != Operation.REMOVE && loader != null) {
      value = loader.load(key);
      if (value != null) {
        operation = Operation.LOAD;
      }
    }
    return value;
  }

  @Override
  public boolean exists() {
    return (operation == Operation.NONE && current != null) || value != null;
  }

  @Override
  public void remove() {
    operation = operation == Operation.CREATE || operation == Operation.LOAD ? Operation.NONE : Operation.REMOVE;
    value = null;
  }

  @Override
  public void setValue(V newValue) {
    if (newValue == null) {
      throw new NullPointerException("null value");
    }
    operation = current == null ? Operation.CREATE : Operation.UPDATE;
    value = newValue;
  }

  Operation operation() {
    return operation;
  }

  V current() {
    return current;
  }

  V value() {
    return value;
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    throw new IllegalArgumentException("Cannot unwrap a processor entry to " + clazz.getName());
  }
}
