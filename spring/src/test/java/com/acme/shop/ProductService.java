package com.acme.shop;

// tag::service[]
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.stereotype.Service;

@Service
public class ProductService {
  private final ProductRepository repository;

  public ProductService(ProductRepository repository) {
    this.repository = repository;
  }

  // sync = true: one load per key across the fleet, never a stale value cached
  @Cacheable(cacheNames = "products", sync = true)
  public Product find(long id) {
    return repository.findById(id);
  }

  // update the database first, then evict
  @CacheEvict(cacheNames = "products", key = "#p0.id()")
  public void update(Product product) {
    repository.save(product);
  }
}
// end::service[]
