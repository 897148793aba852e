package dev.aside.spring.boot;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** A Spring Boot application as the README's Spring Boot section has it: {@code @EnableCaching} and auto-configuration. */
@Configuration
@EnableCaching
@EnableAutoConfiguration
public class CatalogApp {
  @Bean
  Catalog catalog() {
    return new Catalog();
  }
}
