package dev.aside.spring.boot.autoconfigure;

import dev.aside.spi.AsideCachingProvider;
import dev.aside.spring.boot.cache.AsideSpringCacheManager;
import dev.aside.spring.boot.cache.DroppedPuts;
import java.io.IOException;
import java.net.URI;
import java.util.Properties;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.cache.autoconfigure.CacheManagerCustomizer;
import org.springframework.boot.cache.autoconfigure.CacheManagerCustomizers;
import org.springframework.boot.cache.autoconfigure.CacheProperties;
import org.springframework.boot.cache.autoconfigure.JCacheManagerCustomizer;
import org.springframework.boot.cache.autoconfigure.JCachePropertiesCustomizer;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cache.interceptor.CacheAspectSupport;
import org.springframework.cache.jcache.JCacheCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

/**
 * Makes Spring's caching ({@code @EnableCaching}) run on Aside when this module is on the class path.
 *
 * <p>It takes the place of Spring Boot's JCache configuration and reads the same properties:
 * {@code spring.cache.jcache.config} names Aside's configuration file (default
 * {@code classpath:aside.properties} when that file exists, else Aside's default URI),
 * {@code spring.cache.cache-names} the caches created at startup, and {@code JCacheManagerCustomizer},
 * {@code JCachePropertiesCustomizer}, {@code CacheManagerCustomizer} and a {@code javax.cache}
 * {@code Configuration} bean apply as they do there. It stands back when {@code spring.cache.type} names
 * another type, {@code spring.cache.jcache.provider} another provider, or the application defines its
 * own {@code CacheManager}.
 */
@AutoConfiguration(before = CacheAutoConfiguration.class)
@ConditionalOnClass({AsideCachingProvider.class, JCacheCacheManager.class, CacheProperties.class})
@ConditionalOnBean(CacheAspectSupport.class)
@ConditionalOnMissingBean(value = org.springframework.cache.CacheManager.class, name = "cacheResolver")
@ConditionalOnProperty(name = "spring.cache.type", havingValue = "jcache", matchIfMissing = true)
@ConditionalOnProperty(name = "spring.cache.jcache.provider", havingValue = "dev.aside.spi.AsideCachingProvider",
    matchIfMissing = true)
@EnableConfigurationProperties({CacheProperties.class, AsideSpringProperties.class})
public final class AsideCacheAutoConfiguration {
  private static final String DEFAULT_CONFIG = "classpath:aside.properties";

  @Bean
  AsideSpringCacheManager cacheManager(CacheManager jcacheManager, AsideSpringProperties properties,
      Environment environment, ObjectProvider<CacheManagerCustomizer<?>> customizers) {
    String name = properties.getManagerName() != null
        ? properties.getManagerName()
        : environment.getProperty("spring.application.name", "default");
    AsideSpringCacheManager manager = new AsideSpringCacheManager(name, jcacheManager,
        new DroppedPuts(properties.getPutFailureLogInterval()));
    return new CacheManagerCustomizers(customizers.orderedStream().toList()).customize(manager);
  }

  @Bean
  @ConditionalOnMissingBean
  CacheManager asideJCacheManager(CacheProperties cacheProperties, ResourceLoader resourceLoader,
      ObjectProvider<Configuration<?, ?>> defaultConfiguration, ObjectProvider<JCacheManagerCustomizer> customizers,
      ObjectProvider<JCachePropertiesCustomizer> propertiesCustomizers) throws IOException {
    ClassLoader classLoader = resourceLoader.getClassLoader();
    CachingProvider provider = Caching.getCachingProvider(AsideCachingProvider.class.getName(), classLoader);
    Properties properties = new Properties();
    propertiesCustomizers.orderedStream().forEach(customizer -> customizer.customize(properties));
    URI uri = configUri(cacheProperties, resourceLoader);
    CacheManager manager = provider.getCacheManager(uri != null ? uri : provider.getDefaultURI(), classLoader,
        properties);
    for (String cacheName : cacheProperties.getCacheNames()) {
      if (manager.getCache(cacheName) == null) {
        manager.createCache(cacheName, cacheConfiguration(defaultConfiguration));
      }
    }
    customizers.orderedStream().forEach(customizer -> customizer.customize(manager));
    return manager;
  }

  /** The configuration file's URI: {@code spring.cache.jcache.config}, else aside.properties if present, else none. */
  private static URI configUri(CacheProperties cacheProperties, ResourceLoader resourceLoader) throws IOException {
    Resource config = cacheProperties.resolveConfigLocation(cacheProperties.getJcache().getConfig());
    if (config == null) {
      Resource conventional = resourceLoader.getResource(DEFAULT_CONFIG);
      config = conventional.exists() ? conventional : null;
    }
    return config == null ? null : config.getURI();
  }

  @SuppressWarnings("unchecked")
  private static Configuration<Object, Object> cacheConfiguration(ObjectProvider<Configuration<?, ?>> configuration) {
    return (Configuration<Object, Object>) configuration.getIfAvailable(MutableConfiguration::new);
  }
}
