package dev.aside.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which {@code cache.<name>} sections of a configuration file a cache manager's caches used, so that
 * a section no cache uses, most often a typo ({@code cache.product.expiry} for a cache named
 * {@code products}), does not go unnoticed.
 *
 * <p>Warned once per section: as soon as a cache with a close name and no section of its own is
 * created ("did you mean products?"), else when the manager closes. A name is close when it is
 * within a third of its length in edits (at least one): {@code product}/{@code products},
 * {@code usres}/{@code users}.
 */
public final class CacheSectionUse {
  private static final Logger log = LoggerFactory.getLogger(CacheSectionUse.class);

  private final Set<String> sections;
  private final String location;
  private final Set<String> created = ConcurrentHashMap.newKeySet();
  private final Set<String> warned = ConcurrentHashMap.newKeySet();

  private CacheSectionUse(Set<String> sections, String location) {
    this.sections = Objects.requireNonNull(sections);
    this.location = Objects.requireNonNull(location);
  }

  /** The use of {@code file}'s sections; without a file (null), there is nothing to warn about. */
  public static CacheSectionUse of(ConfigFile file) {
    return file == null ? new CacheSectionUse(Set.of(), "") : new CacheSectionUse(file.cacheNames(),
        file.location().toString());
  }

  /** A cache named {@code cacheName} was created; warns now about an unused section whose name is close. */
  public void cacheCreated(String cacheName) {
    created.add(cacheName);
    if (sections.contains(cacheName)) {
      return;
    }
    for (String section : sections) {
      if (!created.contains(section) && isClose(section, cacheName) && warned.add(section)) {
        log.warn("Aside config file {}: section cache.{} is used by no cache, and cache '{}' has no section: did you"
            + " mean cache.{}?", location, section, cacheName, cacheName);
      }
    }
  }

  /** The manager closes: warns about every section no cache used that was not warned about yet. */
  public void managerClosed() {
    for (String section : sections) {
      if (!created.contains(section) && warned.add(section)) {
        Optional<String> closest = closest(section, created);
        log.warn("Aside config file {}: section cache.{} was used by no cache of this cache manager{}",
            location, section, closest.map(name -> "; did you mean " + name + "?").orElse(""));
      }
    }
  }

  /** The name among {@code names} closest to {@code name}, if one is close enough to be what was meant. */
  static Optional<String> closest(String name, Collection<String> names) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : names) {
      int distance = distance(name, candidate);
      if (distance < bestDistance && isClose(name, candidate)) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return Optional.ofNullable(best);
  }

  static boolean isClose(String a, String b) {
    int distance = distance(a, b);
    return distance > 0 && distance <= Math.max(1, Math.min(a.length(), b.length()) / 3);
  }

  /** Edits (insert, delete, substitute, swap two neighbours) from one name to the other, ignoring case. */
  static int distance(String a, String b) {
    String x = a.toLowerCase(Locale.ROOT);
    String y = b.toLowerCase(Locale.ROOT);
    if (x.equals(y)) {
      return a.equals(b) ? 0 : 1;
    }
    int[][] d = new int[x.length() + 1][y.length() + 1];
    for (int i = 0; i <= x.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= y.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= x.length(); i++) {
      for (int j = 1; j <= y.length(); j++) {
        int cost = x.charAt(i - 1) == y.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1));
        if (i > 1 && j > 1 && x.charAt(i - 1) == y.charAt(j - 2) && x.charAt(i - 2) == y.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[x.length()][y.length()];
  }
}
