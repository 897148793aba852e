package dev.aside.near;

import io.lettuce.core.api.push.PushMessage;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subscribers of an {@link InvalidationFeed}, by namespace, and the routing of Redis
 * {@code invalidate} push messages to them: a key to the subscribers whose namespace it starts with,
 * a null key list ({@code FLUSHALL}/{@code FLUSHDB}) or anything unreadable to all of them as a clear.
 */
final class Subscribers {
  private static final Logger log = LoggerFactory.getLogger(Subscribers.class);

  private final CopyOnWriteArrayList<Sub> subscriptions = new CopyOnWriteArrayList<>();
  private final LongAdder messages = new LongAdder();
  private final LongAdder flushes = new LongAdder();

  /** Adds a subscriber of the keys starting with {@code namespace} (UTF-8). */
  InvalidationFeed.Subscription add(byte[] namespace, InvalidationFeed.Listener listener) {
    Sub sub = new Sub(namespace, listener);
    subscriptions.add(sub);
    return sub;
  }

  /** Routes one push message (on Lettuce's event loop); messages other than {@code invalidate} are ignored. */
  void dispatch(PushMessage message) {
    if (!"invalidate".equals(message.getType())) {
      return;
    }
    messages.increment();
    try {
      List<Object> content = message.getContent();
      Object keys = content.size() > 1 ? content.get(1) : null;
      if (keys == null) {
        flushes.increment();
        invalidateAll();
      } else if (keys instanceof Collection<?> list) {
        for (Object key : list) {
          if (key instanceof ByteBuffer buffer) {
            route(bytes(buffer));
          } else {
            invalidateAll();
            return;
          }
        }
      } else if (keys instanceof ByteBuffer buffer) {
        route(bytes(buffer));
      } else {
        invalidateAll();
      }
    } catch (RuntimeException e) {
      log.warn("Cannot read an invalidation message; clearing all near caches", e);
      invalidateAll();
    }
  }

  /** Tells every subscriber that any key may have changed unseen. */
  void invalidateAll() {
    for (Sub sub : subscriptions) {
      clearQuietly(sub);
    }
  }

  /** Drops every subscriber. */
  void clear() {
    subscriptions.clear();
  }

  /** Invalidation messages received (one message may name several keys). */
  long messages() {
    return messages.sum();
  }

  /** Null invalidations received (FLUSHALL / FLUSHDB). */
  long flushes() {
    return flushes.sum();
  }

  private void route(byte[] key) {
    for (Sub sub : subscriptions) {
      if (startsWith(key, sub.namespace)) {
        try {
          sub.listener.onInvalidate(key);
        } catch (RuntimeException e) {
          log.warn("Near-cache invalidation failed; clearing that near cache", e);
          clearQuietly(sub);
        }
      }
    }
  }

  private static void clearQuietly(Sub sub) {
    try {
      sub.listener.onInvalidateAll();
    } catch (RuntimeException e) {
      log.error("Near-cache clear failed", e);
    }
  }

  private static boolean startsWith(byte[] key, byte[] prefix) {
    return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }

  private static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer view = buffer.duplicate();
    byte[] out = new byte[view.remaining()];
    view.get(out);
    return out;
  }

  private final class Sub implements InvalidationFeed.Subscription {
    final byte[] namespace;
    final InvalidationFeed.Listener listener;

    Sub(byte[] namespace, InvalidationFeed.Listener listener) {
      this.namespace = namespace;
      this.listener = listener;
    }

    @Override
    public void close() {
      subscriptions.remove(this);
    }
  }
}
