package dev.aside.benchmarks;

import org.springframework.cache.annotation.Cacheable;

/**
 * The cached service of {@code stampede --via spring}, as an application writes it. Not final: Spring
 * subclasses it to apply {@code @Cacheable}.
 */
public class UserProfiles {
  static final String CACHE = "users";

  private final StampedeRepository repository;

  UserProfiles(StampedeRepository repository) {
    this.repository = repository;
  }

  @Cacheable(cacheNames = CACHE, sync = true)
  public String find(String id) {
    return repository.find(id);
  }
}
