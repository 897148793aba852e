package dev.aside.cache;

import java.io.Closeable;
import java.io.IOException;
import java.util.Collection;
import java.util.Objects;
import javax.cache.Cache;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cache's {@link CacheWriter}, wrapped once when the cache is built: a no-op unless the cache is
 * write-through, and whatever the writer throws reaches callers as a {@link CacheWriterException}.
 */
public final class WriterAdapter<K, V> implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(WriterAdapter.class);

  private final CacheWriter<K, V> writer;
  private final boolean enabled;

  private WriterAdapter(CacheWriter<K, V> writer, boolean enabled) {
    this.writer = writer;
    this.enabled = enabled;
  }

  /** The writer of a cache; it is called only if {@code writeThrough}. */
  public static <K, V> WriterAdapter<K, V> of(CacheWriter<K, V> writer, boolean writeThrough) {
    Objects.requireNonNull(writer);
    return new WriterAdapter<>(writer, writeThrough);
  }

  /** The writer of a cache that has none. */
  public static <K, V> WriterAdapter<K, V> none() {
    return new WriterAdapter<>(null, false);
  }

  /** Whether writes and removals go through the writer (the cache is write-through and has one). */
  public boolean isEnabled() {
    return enabled;
  }

  void write(K key, V value) {
    if (enabled) {
      try {
        writer.write(new AsideEntry<>(key, value));
      } catch (Exception e) {
        throw translate(e);
      }
    }
  }

  void delete(K key) {
    if (enabled) {
      try {
        writer.delete(key);
      } catch (Exception e) {
        throw translate(e);
      }
    }
  }

  /**
   * Writes {@code pending} through {@code writeAll}; what the writer did not write stays in
   * {@code pending}. Returns the writer's failure, or null.
   */
  CacheWriterException writeAll(Collection<Cache.Entry<? extends K, ? extends V>> pending) {
    if (!enabled || pending.isEmpty()) {
      pending.clear();
      return null;
    }
    try {
      writer.writeAll(pending);
      pending.clear();
      return null;
    } catch (Exception e) {
      return translate(e);
    }
  }

  /**
   * Deletes {@code pending} through {@code deleteAll}; what the writer did not delete stays in
   * {@code pending}. Returns the writer's failure, or null.
   */
  CacheWriterException deleteAll(Collection<?> pending) {
    if (!enabled || pending.isEmpty()) {
      pending.clear();
      return null;
    }
    try {
      writer.deleteAll(pending);
      pending.clear();
      return null;
    } catch (Exception e) {
      return translate(e);
    }
  }

  private static CacheWriterException translate(Exception e) {
    return e instanceof CacheWriterException cwe ? cwe : new CacheWriterException("Exception in CacheWriter", e);
  }

  /** Closes the writer if it is {@link Closeable}; a failure is logged. */
  @Override
  public void close() {
    if (writer instanceof Closeable closeable) {
      try {
        closeable.close();
      } catch (IOException | RuntimeException e) {
        log.warn("Could not close {}", writer.getClass().getName(), e);
      }
    }
  }
}
