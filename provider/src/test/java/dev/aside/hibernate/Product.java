package dev.aside.hibernate;

import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;

/** A second-level-cached entity, as an application would declare it. */
@Entity
@Cacheable
@Cache(usage = CacheConcurrencyStrategy.READ_WRITE)
public class Product {
  @Id
  private long id;
  private String name;
  private int priceCents;

  protected Product() {}

  Product(long id, String name, int priceCents) {
    this.id = id;
    this.name = name;
    this.priceCents = priceCents;
  }

  String name() {
    return name;
  }

  int priceCents() {
    return priceCents;
  }

  void reprice(int cents) {
    this.priceCents = cents;
  }
}
