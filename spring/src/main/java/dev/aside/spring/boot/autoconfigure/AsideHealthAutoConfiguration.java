package dev.aside.spring.boot.autoconfigure;

import dev.aside.spring.boot.cache.AsideSpringCacheManager;
import dev.aside.spring.boot.health.AsideHealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/** Adds the {@code aside} health indicator when Spring Boot's health support is on the class path. */
@AutoConfiguration(after = AsideCacheAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(AsideSpringCacheManager.class)
@ConditionalOnEnabledHealthIndicator("aside")
public final class AsideHealthAutoConfiguration {
  @Bean
  @ConditionalOnMissingBean(name = "asideHealthIndicator")
  AsideHealthIndicator asideHealthIndicator(AsideSpringCacheManager cacheManager) {
    return new AsideHealthIndicator(cacheManager);
  }
}
