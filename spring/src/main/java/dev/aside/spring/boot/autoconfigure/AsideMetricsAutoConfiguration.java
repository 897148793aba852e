package dev.aside.spring.boot.autoconfigure;

import dev.aside.spring.boot.cache.AsideSpringCacheManager;
import dev.aside.spring.boot.metrics.AsideMeterBinder;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/** Publishes Aside's own meters to Micrometer when it is on the class path; Spring Boot binds them to its registry. */
@AutoConfiguration(after = AsideCacheAutoConfiguration.class)
@ConditionalOnClass(MeterBinder.class)
@ConditionalOnBean(AsideSpringCacheManager.class)
public final class AsideMetricsAutoConfiguration {
  @Bean
  AsideMeterBinder asideMeterBinder(AsideSpringCacheManager cacheManager) {
    return new AsideMeterBinder(cacheManager);
  }
}
