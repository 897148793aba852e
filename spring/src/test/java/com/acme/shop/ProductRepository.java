package com.acme.shop;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Repository;

/** The README example's database: products in memory, counting the reads that reach it. */
@Repository
public class ProductRepository {
  private final Map<Long, Product> products = new ConcurrentHashMap<>();
  private final AtomicInteger reads = new AtomicInteger();

  public Product findById(long id) {
    reads.incrementAndGet();
    return products.get(id);
  }

  public void save(Product product) {
    products.put(product.id(), product);
  }

  public int reads() {
    return reads.get();
  }
}
