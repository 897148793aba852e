package dev.aside.spring.boot;

import java.io.Serializable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;

/** A cached service as an application writes it: products from a "database" that counts its lookups. */
public class Catalog {
  /** A cached value. */
  public record Product(long id, String name, long version) implements Serializable {}

  private final Map<Long, Product> database;
  private final AtomicInteger lookups = new AtomicInteger();
  private volatile Runnable afterRead = () -> {};

  /** @param database shared by the instances of a fleet */
  public Catalog(Map<Long, Product> database) {
    this.database = database;
  }

  public Catalog() {
    this(new ConcurrentHashMap<>());
  }

  /** Lookups that reached the database (a method: callers hold Spring's proxy). */
  public int lookups() {
    return lookups.get();
  }

  @Cacheable("products")
  public Product find(long id) {
    return lookup(id);
  }

  @Cacheable(cacheNames = "products", sync = true)
  public Product findSync(long id) {
    return lookup(id);
  }

  @CachePut(cacheNames = "products", key = "#p0.id()")
  public Product save(Product product) {
    database.put(product.id(), product);
    return product;
  }

  /** Writers update the database, then evict. */
  @CacheEvict(cacheNames = "products", key = "#p0")
  public void rename(long id, String name) {
    database.compute(id, (key, old) -> new Product(id, name, old == null ? 1 : old.version() + 1));
  }

  /** Runs {@code action} in each lookup, after the database was read: a slow lookup, or one held in a race. */
  public void afterRead(Runnable action) {
    afterRead = action;
  }

  private Product lookup(long id) {
    lookups.incrementAndGet();
    Product product = database.getOrDefault(id, new Product(id, "product " + id, 0));
    afterRead.run();
    return product;
  }
}
