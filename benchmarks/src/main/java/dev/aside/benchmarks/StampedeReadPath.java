package dev.aside.benchmarks;

import dev.aside.management.ReadPathMetrics;
import java.util.Arrays;

/**
 * What a {@code stampede} worker reads the key through ({@code --via}): Aside in front of the
 * {@link StampedeRepository}, and the Aside cache's wait counts.
 */
interface StampedeReadPath extends AutoCloseable {

  /** The value of {@code key}, loaded from the repository on a miss. */
  String get(String key);

  /** Stores a value without the repository, so that a read of it warms the whole path up without a load. */
  void put(String key, String value);

  /** The read-path metrics of the Aside cache underneath: its in-JVM and cross-JVM waits. */
  ReadPathMetrics metrics();

  @Override
  void close();

  /** The {@code --via} choices. */
  enum Via {
    /** A read-through cache whose {@code CacheLoader} reads the repository: {@code cache.get(key)}. */
    LOADER("loader"),
    /** A plain cache given the repository as a per-call loader: {@code AsideCache.get(key, loader)}. */
    FUNCTION("function"),
    /** A Spring Boot application whose {@code @Cacheable(sync = true)} method reads the repository. */
    SPRING("spring");

    final String option;

    Via(String option) {
      this.option = option;
    }

    static Via of(String option) {
      return Arrays.stream(values()).filter(v -> v.option.equals(option)).findFirst()
          .orElseThrow(() -> new UsageException("--via must be loader, function or spring, was '" + option + "'"));
    }

    /** Builds this read path over the Aside cache manager at {@code managerUri}. */
    StampedeReadPath open(String managerUri, StampedeRepository repository) {
      return switch (this) {
        case LOADER -> JCacheReadPath.readThrough(managerUri, repository);
        case FUNCTION -> JCacheReadPath.perCallLoader(managerUri, repository);
        case SPRING -> SpringReadPath.start(managerUri, repository);
      };
    }
  }
}
