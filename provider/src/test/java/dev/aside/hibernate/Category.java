package dev.aside.hibernate;

import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;

/** An entity under Hibernate's nonstrict strategy: updates evict the cached state instead of replacing it. */
@Entity
@Cacheable
@Cache(usage = CacheConcurrencyStrategy.NONSTRICT_READ_WRITE)
public class Category {
  @Id
  private long id;
  private String title;

  protected Category() {}

  Category(long id, String title) {
    this.id = id;
    this.title = title;
  }

  String title() {
    return title;
  }

  void retitle(String title) {
    this.title = title;
  }
}
