package dev.aside.cache;

import dev.aside.redis.RedisStore;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import javax.cache.Cache;

/**
 * Iterates a cache: walks its keys with {@code SCAN} and fetches their values with {@code MGET}, a
 * batch at a time. Entries removed meanwhile are skipped, and so are tombstones and bytes that do
 * not decode. A hashed long key is told by its value, whose key text must hash to it; its value is
 * then decoded for that key like any read. An entry counts as read (a hit, an access for expiry) when it is handed out, not when
 * it is prefetched.
 */
final class EntryIterator<K, V> implements Iterator<Cache.Entry<K, V>> {
  private static final int BATCH = 100;

  private final EntryCodec<K, V> entries;
  private final RedisStore store;
  private final Reads<K, V> reads;
  private final Removals<K, V> removals;
  private final Iterator<byte[]> scan;
  private final List<Cache.Entry<K, V>> buffer = new ArrayList<>();
  private final List<byte[]> bufferKeys = new ArrayList<>();
  private int position;
  private Cache.Entry<K, V> last;

  EntryIterator(EntryCodec<K, V> entries, RedisStore store, Reads<K, V> reads, Removals<K, V> removals,
      Iterator<byte[]> scan) {
    this.entries = entries;
    this.store = store;
    this.reads = reads;
    this.removals = removals;
    this.scan = scan;
  }

  @Override
  public boolean hasNext() {
    while (position == buffer.size() && scan.hasNext()) {
      fill();
    }
    return position < buffer.size();
  }

  private void fill() {
    buffer.clear();
    bufferKeys.clear();
    position = 0;
    List<byte[]> redisKeys = new ArrayList<>(BATCH);
    while (scan.hasNext() && redisKeys.size() < BATCH) {
      redisKeys.add(scan.next());
    }
    List<byte[]> found = store.getAll(redisKeys);
    for (int i = 0; i < redisKeys.size(); i++) {
      K key = entries.decodeKey(redisKeys.get(i), found.get(i));
      V value = key == null ? null : entries.decode(entries.scannedKey(redisKeys.get(i), found.get(i)), found.get(i));
      if (key != null && value != null) {
        buffer.add(new AsideEntry<>(key, value));
        bufferKeys.add(redisKeys.get(i));
      }
    }
  }

  @Override
  public Cache.Entry<K, V> next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    last = buffer.get(position);
    reads.iterated(last.getKey(), bufferKeys.get(position++));
    return last;
  }

  @Override
  public void remove() {
    if (last == null) {
      throw new IllegalStateException("next() has not been called, or remove() was already called");
    }
    removals.removeIterated(last.getKey());
    last = null;
  }
}
