package dev.aside.cache;

import java.util.Objects;
import javax.cache.Cache;

/** An immutable key-value pair handed to iterators and cache writers. */
public final class AsideEntry<K, V> implements Cache.Entry<K, V> {
  private final K key;
  private final V value;

  public AsideEntry(K key, V value) {
    this.key = Objects.requireNonNull(key);
    this.value = value;
  }

  @Override
  public K getKey() {
    return key;
  }

  @Override
  public V getValue() {
    return value;
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    if (clazz.isInstance(this)) {
      return clazz.cast(this);
    }
    throw new IllegalArgumentException("Cannot unwrap a cache entry to " + clazz.getName());
  }

  @Override
  public String toString() {
    return "AsideEntry[" + key + "]";
  }
}
