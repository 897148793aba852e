package dev.aside.cache;

import java.util.Objects;
import java.util.Set;

/** The argument checks of a cache's operations: nulls are refused, and keys and values must be of the configured types. */
final class Arguments<K, V> {
  private final Class<K> keyType;
  private final Class<V> valueType;

  Arguments(Class<K> keyType, Class<V> valueType) {
    this.keyType = Objects.requireNonNull(keyType);
    this.valueType = Objects.requireNonNull(valueType);
  }

  void requireKey(K key) {
    Objects.requireNonNull(key, "key");
  }

  void requireKeys(Set<? extends K> keySet) {
    Objects.requireNonNull(keySet, "keys");
    for (K key : keySet) {
      Objects.requireNonNull(key, "keys contains a null");
    }
  }

  void requireEntry(K key, V value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    checkTypes(key, value);
  }

  void checkTypes(K key, V value) {
    if (keyType != Object.class && !keyType.isInstance(key)) {
      throw new ClassCastException("Key " + key.getClass().getName() + " is not a " + keyType.getName());
    }
    if (valueType != Object.class && !valueType.isInstance(value)) {
      throw new ClassCastException("Value " + value.getClass().getName() + " is not a " + valueType.getName());
    }
  }
}
