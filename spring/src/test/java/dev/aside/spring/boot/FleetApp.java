package dev.aside.spring.boot;

import dev.aside.spring.boot.Catalog.Product;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** An instance of a fleet: its catalog reads the one database every instance of the JVM shares. */
@Configuration
@EnableCaching
@EnableAutoConfiguration
public class FleetApp {
  /** The fleet's database; a test clears it before starting instances. */
  public static final Map<Long, Product> DATABASE = new ConcurrentHashMap<>();

  @Bean
  Catalog catalog() {
    return new Catalog(DATABASE);
  }
}
