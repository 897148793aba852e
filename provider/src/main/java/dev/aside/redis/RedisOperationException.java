package dev.aside.redis;

import javax.cache.CacheException;

/** A Redis command failed, timed out or could not be sent; the cache's failure policy decides what a caller sees. */
public final class RedisOperationException extends CacheException {
  private static final long serialVersionUID = 1L;

  public RedisOperationException(String message, Throwable cause) {
    super(message, cause);
  }
}
