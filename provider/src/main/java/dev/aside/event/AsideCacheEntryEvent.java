package dev.aside.event;

import java.util.Objects;
import javax.cache.Cache;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.EventType;

/** An immutable cache entry event. */
final class AsideCacheEntryEvent<K, V> extends CacheEntryEvent<K, V> {

  private static final long serialVersionUID = 1L;

  /*
   * For CREATED and UPDATED events, value is the new value. For REMOVED and EXPIRED events,
   * value is the old value (JCache 1.1: getValue() returns the same as getOldValue()), so it is
   * null exactly when the old value is not available. oldValueAvailable == (oldValue != null),
   * and it is always false for CREATED events.
   */
  private final K key;
  private final V value;
  private final V oldValue;

  private AsideCacheEntryEvent(Cache<K, V> source, EventType type, K key, V value, V oldValue) {
    super(Objects.requireNonNull(source, "source"), Objects.requireNonNull(type, "type"));
    this.key = Objects.requireNonNull(key, "key");
    this.value = value;
    this.oldValue = oldValue;
  }

  static <K, V> AsideCacheEntryEvent<K, V> created(Cache<K, V> source, K key, V value) {
    return new AsideCacheEntryEvent<>(source, EventType.CREATED, key,
        Objects.requireNonNull(value, "value"), null);
  }

  static <K, V> AsideCacheEntryEvent<K, V> updated(Cache<K, V> source, K key, V value,
      V oldValue) {
    return new AsideCacheEntryEvent<>(source, EventType.UPDATED, key,
        Objects.requireNonNull(value, "value"), oldValue);
  }

  static <K, V> AsideCacheEntryEvent<K, V> removed(Cache<K, V> source, K key, V oldValue) {
    return new AsideCacheEntryEvent<>(source, EventType.REMOVED, key, oldValue, oldValue);
  }

  static <K, V> AsideCacheEntryEvent<K, V> expired(Cache<K, V> source, K key, V oldValue) {
    return new AsideCacheEntryEvent<>(source, EventType.EXPIRED, key, oldValue, oldValue);
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
  public V getOldValue() {
    return oldValue;
  }

  @Override
  public boolean isOldValueAvailable() {
    return oldValue != null;
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    Objects.requireNonNull(clazz, "clazz");
    if (clazz.isInstance(this)) {
      return clazz.cast(this);
    }
    throw new IllegalArgumentException("Cannot unwrap " + getClass().getName() + " to "
        + clazz.getName());
  }

  @Override
  public String toString() {
    /* Values stay out of the string: it ends up in logs. */
    return "CacheEntryEvent{type=" + getEventType() + ", key=" + key
        + ", oldValueAvailable=" + isOldValueAvailable() + '}';
  }
}
