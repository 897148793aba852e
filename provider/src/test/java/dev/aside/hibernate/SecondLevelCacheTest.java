package dev.aside.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aside.cache.AsideCache;
import dev.aside.near.NearCacheMetrics;
import dev.aside.spi.AsideCachingProvider;
import dev.aside.testkit.RedisFixture;
import dev.aside.testkit.RedisTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.cache.Caching;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hibernate ORM's second-level cache on Aside, set up as the README's Hibernate section says: two
 * session factories stand for two JVMs of a fleet, each with its own cache manager (and Redis
 * client) over one Redis and one database.
 */
@RedisTest
class SecondLevelCacheTest {
  @RegisterExtension
  static final RedisFixture<AsideCachingProvider> redis = RedisFixture.privateServer(AsideCachingProvider::new);
  private final List<SessionFactory> factories = new ArrayList<>();
  @TempDir Path dir;

  @AfterEach
  void close() {
    factories.forEach(SessionFactory::close);
    Caching.getCachingProvider(AsideCachingProvider.class.getName()).close();
  }

  /** A session factory whose cache manager is configured by an aside.properties of its own. */
  private SessionFactory node(String name, String database, boolean createSchema, String allowClasses) throws IOException {
    return node(name, database, createSchema, allowClasses, "");
  }

  /** A node whose aside.properties also holds {@code settings} (lines of the configuration file). */
  private SessionFactory node(String name, String database, boolean createSchema, String allowClasses,
      String settings) throws IOException {
    Path config = dir.resolve(name + "-aside.properties");
    // A command timeout of 5 s rather than the default 500 ms, as the testkit's URIs have it, so that a busy
    // build machine does not fail the test.
    Files.writeString(config, "uri = " + redis.server().uri() + "?prefix=" + database + "&timeout=5s\n"
        + (allowClasses == null ? "" : "default.allow-classes = " + allowClasses + "\n") + settings);
    SessionFactory factory = new Configuration()
        .addAnnotatedClass(Product.class)
        .addAnnotatedClass(Category.class)
        .setProperty("hibernate.connection.url", "jdbc:h2:mem:" + database + ";DB_CLOSE_DELAY=-1")
        .setProperty("hibernate.hbm2ddl.auto", createSchema ? "create-drop" : "none")
        .setProperty("hibernate.cache.use_second_level_cache", "true")
        .setProperty("hibernate.cache.region.factory_class", "jcache")
        .setProperty("hibernate.javax.cache.provider", "dev.aside.spi.AsideCachingProvider")
        .setProperty("hibernate.javax.cache.uri", config.toUri().toString())
        .setProperty("hibernate.javax.cache.missing_cache_strategy", "create")
        .setProperty("hibernate.cache.use_query_cache", "true")
        .setProperty("hibernate.generate_statistics", "true")
        .buildSessionFactory();
    factories.add(factory);
    return factory;
  }

  /** The Aside cache behind the {@code Product} region of the node {@code name}. */
  private AsideCache<?, ?> productRegion(String name) {
    return Caching.getCachingProvider(AsideCachingProvider.class.getName())
        .getCacheManager(dir.resolve(name + "-aside.properties").toUri(), SecondLevelCacheTest.class.getClassLoader())
        .getCache(Product.class.getName())
        .unwrap(AsideCache.class);
  }

  private static <T> T read(SessionFactory factory, Function<Session, T> work) {
    try (Session session = factory.openSession()) {
      return work.apply(session);
    }
  }

  private static void write(SessionFactory factory, Consumer<Session> work) {
    factory.inTransaction(work);
  }

  @Test
  void anEntityCachedByOneNodeIsServedToAnotherAndItsUpdateToo() throws IOException {
    SessionFactory a = node("a", "shop", true, "org.hibernate.**, dev.aside.hibernate.**");
    SessionFactory b = node("b", "shop", false, "org.hibernate.**, dev.aside.hibernate.**");
    write(a, session -> session.persist(new Product(1, "lamp", 1_000)));
    Statistics onB = b.getStatistics();

    Product first = read(b, session -> session.find(Product.class, 1L));
    assertThat(first.priceCents()).isEqualTo(1_000);
    assertThat(onB.getSecondLevelCacheHitCount()).as("served from Redis, cached there by node a").isEqualTo(1);
    assertThat(onB.getPrepareStatementCount()).as("SQL statements on node b").isZero();

    write(a, session -> session.find(Product.class, 1L).reprice(1_250));
    Product second = read(b, session -> session.find(Product.class, 1L));
    assertThat(second.priceCents()).as("node a's update, seen by node b").isEqualTo(1_250);
    assertThat(onB.getSecondLevelCacheHitCount()).isEqualTo(2);
    assertThat(onB.getPrepareStatementCount()).isZero();
  }

  /* NONSTRICT_READ_WRITE evicts on update; the other node then reads the new state from the database. */
  @Test
  void aNonstrictEntityUpdatedOnOneNodeIsReadAfreshOnTheOther() throws IOException {
    SessionFactory a = node("a", "nonstrict", true, "org.hibernate.**, dev.aside.hibernate.**");
    SessionFactory b = node("b", "nonstrict", false, "org.hibernate.**, dev.aside.hibernate.**");
    write(a, session -> session.persist(new Category(1, "lamps")));
    Statistics onB = b.getStatistics();

    assertThat(read(b, session -> session.find(Category.class, 1L)).title()).isEqualTo("lamps");
    long statements = onB.getPrepareStatementCount();
    assertThat(read(b, session -> session.find(Category.class, 1L)).title()).isEqualTo("lamps");
    assertThat(onB.getPrepareStatementCount()).as("the second read, from the cache").isEqualTo(statements);

    write(a, session -> session.find(Category.class, 1L).retitle("lights"));
    assertThat(read(b, session -> session.find(Category.class, 1L)).title())
        .as("node a's update, seen by node b").isEqualTo("lights");
    assertThat(read(b, session -> session.find(Category.class, 1L)).title()).isEqualTo("lights");
  }

  /*
   * With a near cache on the entity region, node b serves the entity from its own memory; node a's
   * update reaches it through Redis's invalidation, after which b reads the new state.
   */
  @Test
  void aNearCachedEntityIsServedLocallyAndInvalidatedByAnotherNodesUpdate() throws Exception {
    String allow = "org.hibernate.**, dev.aside.hibernate.**";
    SessionFactory a = node("a", "near", true, allow);
    SessionFactory b = node("b", "near", false, allow,
        "cache." + Product.class.getName() + ".near-cache-max-entries = 1000\n"
            + "cache." + Product.class.getName() + ".statistics = true\n");    // near hits are counted with statistics
    NearCacheMetrics onB = productRegion("b").nearCacheMetrics();

    writeAndAwaitInvalidation(a, session -> session.persist(new Product(1, "lamp", 1_000)), onB);
    read(b, session -> session.find(Product.class, 1L));                 // fills b's near cache
    long nearHits = onB.getHits();
    assertThat(read(b, session -> session.find(Product.class, 1L)).priceCents()).isEqualTo(1_000);
    assertThat(onB.getHits()).as("served from node b's memory").isGreaterThan(nearHits);

    writeAndAwaitInvalidation(a, session -> session.find(Product.class, 1L).reprice(1_250), onB);
    assertThat(read(b, session -> session.find(Product.class, 1L)).priceCents())
        .as("node a's update, once its invalidation reached node b").isEqualTo(1_250);
    assertThat(b.getStatistics().getPrepareStatementCount()).as("SQL statements on node b").isZero();
  }

  /** A write on one node, then a wait until Redis's invalidation of it has reached {@code near}. */
  private static void writeAndAwaitInvalidation(SessionFactory factory, Consumer<Session> work, NearCacheMetrics near)
      throws InterruptedException {
    long before = near.getInvalidationsReceived();
    write(factory, work);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (near.getInvalidationsReceived() == before && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(near.getInvalidationsReceived()).as("invalidations received").isGreaterThan(before);
  }

  /*
   * The query cache keeps result ids per query, and Hibernate's update-timestamps region tells every
   * node which tables changed since: both live in Redis, so an update on one node makes the other
   * run the query again.
   */
  @Test
  void aQueryCachedByOneNodeIsServedToAnotherUntilATableChanges() throws IOException {
    SessionFactory a = node("a", "catalog", true, "org.hibernate.**, dev.aside.hibernate.**");
    SessionFactory b = node("b", "catalog", false, "org.hibernate.**, dev.aside.hibernate.**");
    write(a, session -> {
      session.persist(new Product(1, "lamp", 1_000));
      session.persist(new Product(2, "desk", 20_000));
    });
    Function<Session, List<String>> expensive = session -> session
        .createSelectionQuery("from Product where priceCents > :min order by id", Product.class)
        .setParameter("min", 5_000)
        .setCacheable(true)
        .getResultList().stream().map(Product::name).toList();
    assertThat(read(a, expensive)).containsExactly("desk");
    Statistics onB = b.getStatistics();

    assertThat(read(b, expensive)).containsExactly("desk");
    assertThat(onB.getQueryCacheHitCount()).as("query results cached by node a").isEqualTo(1);
    assertThat(onB.getPrepareStatementCount()).as("SQL statements on node b").isZero();

    write(a, session -> session.find(Product.class, 1L).reprice(9_000));
    assertThat(read(b, expensive)).as("node a's update, seen by node b's query").containsExactly("lamp", "desk");
    assertThat(onB.getPrepareStatementCount()).as("the query ran again").isEqualTo(1);
  }

  @Test
  void withoutTheAllowlistEveryReadIsAMissNeverAnError() throws IOException {
    SessionFactory a = node("a", "locked", true, null);
    SessionFactory b = node("b", "locked", false, null);
    write(a, session -> session.persist(new Product(1, "lamp", 1_000)));
    Statistics onB = b.getStatistics();

    Product product = read(b, session -> session.find(Product.class, 1L));

    assertThat(product.name()).isEqualTo("lamp");
    assertThat(onB.getSecondLevelCacheHitCount()).isZero();
    assertThat(onB.getPrepareStatementCount()).as("read from the database instead").isEqualTo(1);
    long undecodable = productRegion("b").readPathMetrics()
        .getUndecodableReads();
    assertThat(undecodable).as("reads refused by the deserialization allowlist").isPositive();
  }
}
