package dev.aside.redis;

import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisLoadingException;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import javax.net.ssl.SSLException;

/**
 * Why a connection to Redis could not be made: a configuration mistake, which no waiting will fix,
 * or an outage, which will pass.
 *
 * <p>Mistakes: a host that does not resolve ({@link UnknownHostException}), a handshake that Redis
 * answered with an error ({@code WRONGPASS}, {@code NOAUTH}, an unknown user, protected mode), a TLS
 * certificate or handshake refused, an argument Lettuce rejects. Everything else is an outage: a
 * refused or timed-out connection, a lost one, no Sentinel reachable, Redis still loading its data
 * ({@code LOADING}) or busy with a script ({@code BUSY}). Through Sentinel, a name that does not
 * resolve is an outage too: a Sentinel's DNS name may vanish while its pod is down.
 */
public enum ConnectFailure {
  /** Fix the configuration: a cache manager does not start. */
  MISCONFIGURATION,
  /** Redis is not there yet: a cache manager starts degraded and keeps connecting. */
  OUTAGE;

  /**
   * The kind of {@code failure}, looking through its causes and suppressed exceptions.
   *
   * @param viaSentinel whether the connection was asked of Sentinel
   */
  public static ConnectFailure of(Throwable failure, boolean viaSentinel) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    return isMistake(failure, viaSentinel, seen) ? MISCONFIGURATION : OUTAGE;
  }

  private static boolean isMistake(Throwable t, boolean viaSentinel, Set<Throwable> seen) {
    if (t == null || !seen.add(t)) {
      return false;
    }
    if (t instanceof UnknownHostException) {
      return !viaSentinel;
    }
    if (t instanceof SSLException || t instanceof GeneralSecurityException
        || t instanceof IllegalArgumentException) {
      return true;
    }
    if (t instanceof RedisCommandExecutionException && !(t instanceof RedisLoadingException)
        && !(t instanceof RedisBusyException)) {
      return true;
    }
    for (Throwable suppressed : t.getSuppressed()) {
      if (isMistake(suppressed, viaSentinel, seen)) {
        return true;
      }
    }
    return isMistake(t.getCause(), viaSentinel, seen);
  }
}
