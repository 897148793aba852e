package dev.aside.benchmarks;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The Spring Boot application of {@code stampede --via spring}: caching on, auto-configured, one cached service. */
@Configuration(proxyBeanMethods = false)
@EnableCaching
@EnableAutoConfiguration
public final class StampedeSpringApp {

  @Bean
  UserProfiles userProfiles(StampedeRepository repository) {
    return new UserProfiles(repository);
  }
}
