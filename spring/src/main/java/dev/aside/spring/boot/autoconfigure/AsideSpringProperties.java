package dev.aside.spring.boot.autoconfigure;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code aside.spring.*} settings of the Spring integration. The Redis connection and the caches'
 * settings stay in Aside's configuration file ({@code spring.cache.jcache.config}).
 */
@ConfigurationProperties("aside.spring")
public final class AsideSpringProperties {
  /**
   * Name of the cache manager: the {@code cacheManager} tag of Aside's meters and a detail of its health.
   * Default: {@code spring.application.name}, else "default". Never derived from a file path or URI.
   */
  private String managerName;

  /**
   * How often, at most, a put that Redis did not take (Redis unavailable) is logged; the ones in between
   * are counted ({@code aside.cache.puts.dropped}). Default 1m; 0 logs every one.
   */
  private Duration putFailureLogInterval = Duration.ofMinutes(1);

  public String getManagerName() {
    return managerName;
  }

  public void setManagerName(String managerName) {
    this.managerName = managerName;
  }

  public Duration getPutFailureLogInterval() {
    return putFailureLogInterval;
  }

  public void setPutFailureLogInterval(Duration putFailureLogInterval) {
    this.putFailureLogInterval = putFailureLogInterval;
  }
}
