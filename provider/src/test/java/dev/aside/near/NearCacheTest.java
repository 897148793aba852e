package dev.aside.near;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aside.codec.DeserializationFilter;
import dev.aside.codec.KeyCodec;
import dev.aside.codec.UndecodableValueException;
import dev.aside.redis.KeyLayout;
import dev.aside.redis.Ttl;
import dev.aside.spi.AsideCachingProvider;
import dev.aside.testkit.RedisFixture;
import dev.aside.testkit.RedisTest;
import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The near cache and its invalidation feed against a real redis-server; writes come from a plain Lettuce client. */
@RedisTest
class NearCacheTest {
  private static final NearCacheSettings SETTINGS = new NearCacheSettings(1000, Duration.ofMinutes(5));

  /* A server of its own, never REDIS_URI's: these tests pause it, FLUSHALL and CLIENT KILL. */
  @RegisterExtension
  static final RedisFixture<AsideCachingProvider> fixture = RedisFixture.privateServer(AsideCachingProvider::new);

  private String prefix;
  private KeyLayout layout;
  private InvalidationFeed feed;
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final Set<ByteBuffer> settled = ConcurrentHashMap.newKeySet();

  @BeforeEach
  void openFeed() throws InterruptedException {
    prefix = "n" + UUID.randomUUID().toString().substring(0, 8);
    layout = new KeyLayout(prefix, "users");
    feed = new InvalidationFeed(RedisURI.create(fixture.server().uri()), prefix + ":");
    assertThat(feed.awaitLive(Duration.ofSeconds(10))).as("live after construction").isTrue();
    settled.clear();
    feed.subscribe(prefix + ":settle:", new InvalidationFeed.Listener() {
      @Override
      public void onInvalidate(byte[] redisKey) {
        settled.add(ByteBuffer.wrap(redisKey));
      }

      @Override
      public void onInvalidateAll() {}
    });
  }

  @AfterEach
  void closeAll() throws Exception {
    fixture.server().resume();
    for (AutoCloseable c : toClose) {
      c.close();
    }
    toClose.clear();
    feed.close();
  }

  // ---------------------------------------------------------------- invalidation by other clients

  @Test
  void externalSetAndDelInvalidateFilledEntries() {
    NearCache<String, String> near = near(SETTINGS);
    set("a", "1");
    set("b", "1");
    assertThat(fillFromRedis(near, "a")).isTrue();
    assertThat(fillFromRedis(near, "b")).isTrue();
    assertThat(value(near, "a")).isEqualTo("1");
    assertThat(value(near, "b")).isEqualTo("1");

    set("a", "2");
    assertThat(near.get("a")).as("SET invalidated a").isNull();
    assertThat(value(near, "b")).as("b untouched").isEqualTo("1");

    redis().del(key("b"));
    settle();
    assertThat(near.get("b")).as("DEL invalidated b").isNull();
    assertThat(near.metrics().getInvalidationsReceived()).isGreaterThanOrEqualTo(2);

    assertThat(fillFromRedis(near, "a")).isTrue();
    assertThat(value(near, "a")).isEqualTo("2");
  }

  @Test
  void expireCommandsInvalidateToo() {
    NearCache<String, String> near = near(SETTINGS);
    set("a", "1");
    assertThat(fillFromRedis(near, "a")).isTrue();
    // An access-TTL touch is a modification for client tracking: it invalidates every JVM's near entry.
    redis().pexpire(key("a"), 600_000);
    settle();
    assertThat(near.get("a")).as("PEXPIRE invalidated a").isNull();
  }

  @Test
  void leaseKeysOtherCachesAndOtherPrefixesAreIgnored() {
    NearCache<String, String> near = near(SETTINGS);
    set("a", "1");
    assertThat(fillFromRedis(near, "a")).isTrue();

    redis().set(KeyLayout.leaseKey(key("a")), bytes("lease"));
    redis().set(new KeyLayout(prefix, "orders").entryKey("a"), bytes("x"));
    redis().set(new KeyLayout(prefix + "x", "users").entryKey("a"), bytes("x"));
    redis().set(new KeyLayout("other", "users").entryKey("a"), bytes("x"));
    long before = near.metrics().getInvalidationsReceived();
    settle();

    assertThat(value(near, "a")).isEqualTo("1");
    assertThat(near.metrics().getInvalidationsReceived()).isEqualTo(before);
  }

  @Test
  void keysMayBeTheCachesKeyObjects() {
    KeyCodec<Long> codec = new KeyCodec<>(Long.class, DeserializationFilter.of(List.of(), Long.class, String.class),
        getClass().getClassLoader());
    NearCache<Long, String> near = track(new NearCache<>(SETTINGS, feed, layout.namespace(), redisKey -> {
      String text = layout.keyText(redisKey);
      try {
        return text == null ? null : codec.decode(text);
      } catch (UndecodableValueException e) {
        throw new IllegalStateException(e);
      }
    }, true));
    redis().set(layout.entryKey(codec.encode(42L)), bytes("v"));
    settle();
    NearCache.Reservation r = near.reserve(42L);
    assertThat(near.fill(r, "v", bytes("v"), Ttl.ETERNAL)).isTrue();
    assertThat(near.get(42L)).isNotNull();

    redis().del(layout.entryKey(codec.encode(42L)));
    settle();
    assertThat(near.get(42L)).as("invalidated by key object").isNull();
  }

  @Test
  void aKeyThatCannotBeMappedClearsEverything() {
    NearCache<String, String> near = track(new NearCache<>(SETTINGS, feed, layout.namespace(), redisKey -> {
      String text = layout.keyText(redisKey);
      if ("bad".equals(text)) {
        throw new IllegalArgumentException("unmappable");
      }
      return text;
    }, true));
    set("a", "1");
    assertThat(fillFromRedis(near, "a")).isTrue();
    set("bad", "1");
    assertThat(near.get("a")).as("cleared").isNull();
    assertThat(near.metrics().getFullClears()).isEqualTo(1);
  }

  // ---------------------------------------------------------------- the fill race

  @Test
  void aFillRacingAnInvalidationIsDropped() {
    NearCache<String, String> near = near(SETTINGS);
    set("a", "old");
    NearCache.Reservation reservation = near.reserve("a");
    assertThat(reservation.isLive()).isTrue();
    byte[] read = redis().get(key("a"));
    long ttl = redis().pttl(key("a"));

    long before = near.metrics().getInvalidationsReceived();
    set("a", "new"); // returns once the invalidation has been processed
    assertThat(near.metrics().getInvalidationsReceived()).isEqualTo(before + 1);

    assertThat(near.fill(reservation, str(read), read, ttl)).isFalse();
    assertThat(near.get("a")).isNull();
    assertThat(near.metrics().getStaleFillsDropped()).isEqualTo(1);
    assertThat(near.metrics().getFills()).isZero();

    assertThat(fillFromRedis(near, "a")).isTrue();
    assertThat(value(near, "a")).isEqualTo("new");
  }

  @Test
  void anOwnWriteVoidsOutstandingReservations() {
    NearCache<String, String> near = near(SETTINGS);
    set("a", "old");
    NearCache.Reservation reservation = near.reserve("a");
    byte[] read = redis().get(key("a"));
    near.invalidate("a");
    assertThat(near.fill(reservation, str(read), read, Ttl.ETERNAL)).isFalse();
    assertThat(near.metrics().getStaleFillsDropped()).isEqualTo(1);

    assertThat(fillFromRedis(near, "a")).isTrue();
    near.invalidate("a");
    assertThat(near.get("a")).as("own write drops the entry at once").isNull();
  }

  @Test
  void concurrentReadersShareOneReservation() {
    NearCache<String, String> near = near(SETTINGS);
    NearCache.Reservation first = near.reserve("a");
    NearCache.Reservation second = near.reserve("a");
    assertThat(near.fill(second, "v", bytes("v"), Ttl.ETERNAL)).isTrue();
    assertThat(near.fill(first, "v", bytes("v"), Ttl.ETERNAL)).as("already filled").isFalse();
    assertThat(near.metrics().getStaleFillsDropped()).isZero();
    assertThat(value(near, "a")).isEqualTo("v");
  }

  @Test
  void aClearVoidsOutstandingReservations() {
    NearCache<String, String> near = near(SETTINGS);
    NearCache.Reservation reservation = near.reserve("a");
    near.clear();
    assertThat(near.fill(reservation, "v", bytes("v"), Ttl.ETERNAL)).isFalse();
    assertThat(near.metrics().getStaleFillsDropped()).isEqualTo(1);
    assertThat(near.metrics().getFullClears()).isEqualTo(1);
  }

  /** Readers fill concurrently with a writer; once the last write's invalidation is in, nobody sees an older value. */
  @Test
  void noStaleValueSurvivesConcurrentWrites() throws Exception {
    NearCache<String, String> near = near(SETTINGS);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong lastWritten = new AtomicLong(-1);
    set("hot", "0");
    ExecutorService readers = Executors.newFixedThreadPool(4);
    RedisClient readerClient = RedisClient.create(fixture.server().uri());
    List<StatefulRedisConnection<byte[], byte[]>> connections = new ArrayList<>();
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        StatefulRedisConnection<byte[], byte[]> c = readerClient.connect(ByteArrayCodec.INSTANCE);
        connections.add(c);
        futures.add(readers.submit(() -> {
          while (!stop.get()) {
            NearCache.Hit<String> hit = near.get("hot");
            if (hit == null) {
              NearCache.Reservation r = near.reserve("hot");
              byte[] read = c.sync().get(key("hot"));
              near.fill(r, str(read), read, Ttl.ETERNAL);
            }
          }
          return null;
        }));
      }
      for (int i = 1; i <= 300; i++) {
        redis().set(key("hot"), bytes(Integer.toString(i)));
        lastWritten.set(i);
      }
      settle();
      AtomicReference<NearCache.Hit<String>> first = new AtomicReference<>();
      awaitWithin("a reader's fill after the last write", Duration.ofSeconds(10),
          () -> first.updateAndGet(hit -> hit != null ? hit : near.get("hot")) != null);
      assertThat(first.get().value(NearCacheTest::str)).as("the first hit after the last write").isEqualTo("300");
      int hits = 1;
      for (int i = 0; i < 200; i++) {
        NearCache.Hit<String> hit = near.get("hot");
        if (hit != null) {   // a miss is allowed (a late health check); a stale hit is not
          hits++;
          assertThat(hit.value(NearCacheTest::str)).isEqualTo("300");
        }
        Thread.sleep(1);
      }
      assertThat(hits).as("hits checked").isGreaterThan(1);
      stop.set(true);
      for (Future<?> f : futures) {
        f.get(10, TimeUnit.SECONDS);
      }
      assertThat(near.metrics().getFills()).isPositive();
    } finally {
      stop.set(true);
      readers.shutdownNow();
      connections.forEach(StatefulRedisConnection::close);
      readerClient.shutdown();
    }
  }

  // ---------------------------------------------------------------- full clears and liveness

  @Test
  void flushAllAndFlushDbClearEverything() {
    NearCache<String, String> near = near(SETTINGS);
    set("a", "1");
    set("b", "1");
    fillFromRedis(near, "a");
    fillFromRedis(near, "b");
    fixture.flushAll();
    settle();
    assertThat(near.get("a")).isNull();
    assertThat(near.get("b")).isNull();
    assertThat(near.metrics().getFullClears()).isEqualTo(1);
    assertThat(feed.flushesReceived()).isEqualTo(1);
    assertThat(feed.isLive()).isTrue();

    set("a", "1");
    assertThat(fillFromRedis(near, "a")).isTrue();
    redis().flushdb();
    settle();
    assertThat(near.get("a")).isNull();
    assertThat(near.metrics().getFullClears()).isEqualTo(2);
    await("memory released", () -> {
      near.cleanUp();
      return near.size() == 0;
    });
  }

  @Test
  void killingTheConnectionClearsAtOnceAndTrackingRecovers() throws Exception {
    NearCache<String, String> near = near(SETTINGS);
    set("a", "1");
    assertThat(fillFromRedis(near, "a")).isTrue();
    long id = feed.connectionId();
    assertThat(id).isPositive();
    NearCache.Reservation beforeLoss = near.reserve("b");

    redis().clientKill(KillArgs.Builder.id(id));
    await("cleared", () -> near.metrics().getFullClears() == 1);
    assertThat(near.get("a")).isNull();
    assertThat(feed.sessionsLost()).isEqualTo(1);

    assertThat(feed.awaitLive(Duration.ofSeconds(5))).as("live again").isTrue();
    assertThat(feed.connectionId()).isNotEqualTo(id);
    assertThat(near.get("a")).as("nothing from before the loss").isNull();
    assertThat(near.fill(beforeLoss, "v", bytes("v"), Ttl.ETERNAL)).as("a read from before the loss").isFalse();
    assertThat(near.metrics().getStaleFillsDropped()).isEqualTo(1);
    assertThat(fillFromRedis(near, "a")).isTrue();
    set("a", "2");
    assertThat(near.get("a")).as("tracking works on the new connection").isNull();
  }

  @Test
  void oncePutOutOfLiveNoReadIsAHit() throws Exception {
    NearCache<String, String> near = near(SETTINGS);
    set("a", "1");
    // A reader spinning on a held key while the feed's connection is killed again and again: any read
    // that began and ended while the near cache reported itself not live must have been a miss.
    AtomicBoolean reading = new AtomicBoolean(true);
    AtomicLong readsWhileNotLive = new AtomicLong();
    AtomicLong hitsWhileNotLive = new AtomicLong();
    Thread reader = new Thread(() -> {
      while (reading.get()) {
        boolean liveBefore = near.isLive();
        NearCache.Hit<String> hit = near.get("a");
        if (!liveBefore && !near.isLive()) {
          readsWhileNotLive.incrementAndGet();
          if (hit != null) {
            hitsWhileNotLive.incrementAndGet();
          }
        }
      }
    }, "spinning-reader");
    reader.start();
    try {
      for (int round = 0; round < 20; round++) {
        assertThat(feed.awaitLive(Duration.ofSeconds(5))).as("live before round %d", round).isTrue();
        awaitWithin("a near hit", Duration.ofSeconds(5), () -> fillFromRedis(near, "a") && near.get("a") != null);
        long lost = feed.sessionsLost();
        redis().clientKill(KillArgs.Builder.id(feed.connectionId()));
        await("the connection's loss seen", () -> feed.sessionsLost() > lost);
      }
    } finally {
      reading.set(false);
      reader.join(10_000);
    }
    assertThat(readsWhileNotLive.get()).as("reads while not live").isPositive();
    assertThat(hitsWhileNotLive.get()).as("near hits while not live").isZero();
  }

  @Test
  void killingAllNormalClientsClearsAndRecovers() throws Exception {
    NearCache<String, String> near = near(SETTINGS);
    set("a", "1");
    assertThat(fillFromRedis(near, "a")).isTrue();

    fixture.killNormalClients();
    await("cleared", () -> near.metrics().getFullClears() == 1);
    assertThat(near.get("a")).isNull();

    assertThat(feed.awaitLive(Duration.ofSeconds(5))).isTrue();
    set("a", "1");
    assertThat(fillFromRedis(near, "a")).isTrue();
    redis().del(key("a"));
    settle();
    assertThat(near.get("a")).as("tracking works after recovery").isNull();
  }

  @Test
  void aSilentServerDisablesTheNearCacheAndRecovers() throws Exception {
    NearCache<String, String> near = near(SETTINGS);
    set("a", "1");
    assertThat(fillFromRedis(near, "a")).isTrue();

    // Pause just after a health check was answered: the worst case for detection.
    awaitWithin("a health check answered", Duration.ofSeconds(3), () -> feed.lastPingRoundTrip() != null);
    fixture.server().pause();
    /* Detection takes up to pingInterval + pingTimeout (1.5 s) plus a scheduling period by design; the
       bound leaves room for a loaded build machine and still fails if a silent server goes unnoticed. */
    awaitWithin("cleared and not live", Duration.ofSeconds(8),
        () -> !feed.isLive() && near.metrics().getFullClears() == 1);
    assertThat(near.get("a")).isNull();
    assertThat(near.reserve("a").isLive()).isFalse();

    fixture.server().resume();
    assertThat(feed.awaitLive(Duration.ofSeconds(6))).as("live after resume").isTrue();
    assertThat(fillFromRedis(near, "a")).isTrue();
    assertThat(value(near, "a")).isEqualTo("1");
    set("a", "2");
    assertThat(near.get("a")).as("tracking works after recovery").isNull();
    await("health checks answered again", () -> feed.lastPingRoundTrip() != null);
  }

  @Test
  void whileNotLiveNothingIsServedOrKept() {
    NearCache<String, String> near = near(SETTINGS);
    NearCache.Reservation reservation = near.reserve("a");
    assertThat(near.fill(reservation, "v", bytes("v"), Ttl.ETERNAL)).isTrue();
    feed.close();
    assertThat(near.isLive()).isFalse();
    assertThat(near.get("a")).isNull();
    NearCache.Reservation later = near.reserve("a");
    assertThat(later.isLive()).isFalse();
    assertThat(near.fill(later, "v", bytes("v"), Ttl.ETERNAL)).isFalse();
  }

  // ---------------------------------------------------------------- lifetimes, size, values

  @Test
  void theLocalLifetimeIsCapped() throws Exception {
    NearCache<String, String> near = near(new NearCacheSettings(100, Duration.ofMillis(500)));
    long reserved = System.nanoTime();
    NearCache.Reservation reservation = near.reserve("a");
    assertThat(near.fill(reservation, "v", bytes("v"), Ttl.ETERNAL)).isTrue();
    assertThat(near.get("a")).isNotNull();
    assertThat(near.get("a").remainingNanos()).isLessThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(500));
    awaitNearClockPast(reserved, Duration.ofMillis(500));
    assertThat(near.get("a")).isNull();
  }

  @Test
  void anEntryNeverOutlivesItsRedisTtl() throws Exception {
    NearCache<String, String> near = near(SETTINGS);
    // The TTL passed in wins over the (long) local cap, with no invalidation involved.
    long reserved = System.nanoTime();
    NearCache.Reservation reservation = near.reserve("a");
    assertThat(near.fill(reservation, "v", bytes("v"), 500)).isTrue();
    assertThat(near.get("a")).isNotNull();
    assertThat(near.get("a").remainingNanos()).isLessThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(500));
    awaitNearClockPast(reserved, Duration.ofMillis(500));
    assertThat(near.get("a")).isNull();
    assertThat(near.metrics().getInvalidationsReceived()).isZero();

    // Read from Redis with its PTTL (long enough to outlast settle() on a busy machine).
    redis().set(key("b"), bytes("v"), SetArgs.Builder.px(3000));
    settle();
    reserved = System.nanoTime();
    assertThat(fillFromRedis(near, "b")).isTrue();
    assertThat(near.get("b").remainingNanos()).isLessThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(3000));
    awaitNearClockPast(reserved, Duration.ofMillis(3000));
    assertThat(near.get("b")).isNull();
  }

  @Test
  void aHugeLifetimeCapIsFine() {
    NearCache<String, String> near = near(new NearCacheSettings(10, Duration.ofDays(365L * 1000)));
    assertThat(near.fill(near.reserve("a"), "v", bytes("v"), Ttl.ETERNAL)).isTrue();
    assertThat(near.fill(near.reserve("b"), "v", bytes("v"), Long.MAX_VALUE)).isTrue();
    assertThat(near.get("a")).isNotNull();
    assertThat(near.get("b")).isNotNull();
  }

  @Test
  void expiredOrAbsentEntriesAreNotKept() {
    NearCache<String, String> near = near(SETTINGS);
    assertThat(near.fill(near.reserve("a"), "v", bytes("v"), Ttl.EXPIRED)).isFalse();
    assertThat(near.fill(near.reserve("a"), "v", bytes("v"), -2)).as("PTTL of a missing key").isFalse();
    assertThat(near.fill(near.reserve("a"), null, null, Ttl.ETERNAL)).isFalse();
    assertThat(near.get("a")).isNull();
    assertThat(near.pendingReservations()).as("every fill consumes its reservation").isZero();

    NearCache.Reservation failedRead = near.reserve("a");
    near.cancel(failedRead);
    assertThat(near.pendingReservations()).isZero();
    assertThat(near.fill(failedRead, "v", bytes("v"), Ttl.ETERNAL)).isFalse();
  }

  @Test
  void theSizeIsBounded() {
    NearCache<String, String> near = near(new NearCacheSettings(10, Duration.ofMinutes(1)));
    for (int i = 0; i < 100; i++) {
      near.fill(near.reserve("k" + i), "v", bytes("v"), Ttl.ETERNAL);
    }
    near.cleanUp();
    assertThat(near.size()).isLessThanOrEqualTo(10);
    await("evictions counted", () -> near.metrics().getEvictions() >= 90);
  }

  @Test
  void mutableValuesAreDecodedPerHitImmutableOnesShared() {
    NearCache<String, Object> near = track(NearCache.forKeyText(SETTINGS, feed, layout, true));
    String text = new String("text");
    near.fill(near.reserve("s"), text, bytes("text"), Ttl.ETERNAL);
    NearCache.Hit<Object> hit = near.get("s");
    assertThat(hit.isShared()).isTrue();
    assertThat(hit.value(b -> {
      throw new AssertionError("no decoding for immutable values");
    })).isSameAs(text);

    List<String> list = new ArrayList<>(List.of("x"));
    AtomicInteger decodes = new AtomicInteger();
    near.fill(near.reserve("l"), list, bytes("x"), Ttl.ETERNAL);
    NearCache.Hit<Object> listHit = near.get("l");
    assertThat(listHit.isShared()).isFalse();
    Object first = listHit.value(b -> {
      decodes.incrementAndGet();
      return new ArrayList<>(List.of(str(b)));
    });
    Object second = near.get("l").value(b -> {
      decodes.incrementAndGet();
      return new ArrayList<>(List.of(str(b)));
    });
    assertThat(first).isEqualTo(list).isNotSameAs(list).isNotSameAs(second);
    assertThat(decodes).hasValue(2);

    assertThat(near.fill(near.reserve("m"), new ArrayList<>(), null, Ttl.ETERNAL))
        .as("a mutable value without its bytes cannot be kept by value").isFalse();

    NearCache<String, Object> byReference = track(
        new NearCache<>(SETTINGS, feed, new KeyLayout(prefix, "refs").namespace(),
            new KeyLayout(prefix, "refs")::keyText, false));
    byReference.fill(byReference.reserve("l"), list, null, Ttl.ETERNAL);
    assertThat(byReference.get("l").value(b -> null)).isSameAs(list);
  }

  @Test
  void immutabilityIsJudgedByExactClass() {
    assertThat(NearCache.isImmutable("s")).isTrue();
    assertThat(NearCache.isImmutable(42L)).isTrue();
    assertThat(NearCache.isImmutable(java.math.BigInteger.ONE)).isTrue();
    assertThat(NearCache.isImmutable(java.time.Instant.now())).isTrue();
    assertThat(NearCache.isImmutable(java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(NearCache.isImmutable(new java.math.BigInteger("1") {})).isFalse();
    assertThat(NearCache.isImmutable(new byte[1])).isFalse();
    assertThat(NearCache.isImmutable(new java.util.Date())).isFalse();
    assertThat(NearCache.isImmutable(null)).isFalse();
  }

  @Test
  void namespacesMustBeUnderTheTrackedPrefix() {
    assertThatThrownBy(() -> new NearCache<>(SETTINGS, feed, new KeyLayout("elsewhere", "users").namespace(),
        b -> null, true)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void metricsCountHitsAndMisses() {
    NearCache<String, String> near = near(SETTINGS);
    assertThat(near.get("a")).isNull();
    near.fill(near.reserve("a"), "v", bytes("v"), Ttl.ETERNAL);
    near.get("a");
    near.get("a");
    NearCacheMetrics m = near.metrics();
    assertThat(m.getHits()).isEqualTo(2);
    assertThat(m.getMisses()).isEqualTo(1);
    assertThat(m.getFills()).isEqualTo(1);
    assertThat(m.isLive()).isTrue();
    assertThat(m.getSize()).isEqualTo(1);
  }

  // ---------------------------------------------------------------- helpers

  private NearCache<String, String> near(NearCacheSettings settings) {
    return track(NearCache.forKeyText(settings, feed, layout, true));
  }

  private <T extends AutoCloseable> T track(T closeable) {
    toClose.add(closeable);
    return closeable;
  }

  private static RedisCommands<byte[], byte[]> redis() {
    return fixture.redisBytes();
  }

  private byte[] key(String text) {
    return layout.entryKey(text);
  }

  /** Writes from the outside, and returns once the write's invalidation has been processed here. */
  private void set(String text, String value) {
    redis().set(key(text), bytes(value));
    settle();
  }

  /**
   * Returns once every invalidation of the writes made so far has been processed: a write by this client
   * is sent after the previous one's reply, so its invalidation comes in a later message on the feed.
   */
  private void settle() {
    byte[] marker = (prefix + ":settle:" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
    redis().set(marker, bytes("x"));
    awaitWithin("invalidation of the settle marker", Duration.ofSeconds(5),
        () -> settled.contains(ByteBuffer.wrap(marker)));
  }

  /** The cache's miss path: reserve, read value and PTTL, fill. */
  private boolean fillFromRedis(NearCache<String, String> near, String text) {
    NearCache.Reservation reservation = near.reserve(text);
    byte[] read = redis().get(key(text));
    long ttl = redis().pttl(key(text));
    return near.fill(reservation, str(read), read, ttl);
  }

  private static String value(NearCache<String, String> near, String text) {
    NearCache.Hit<String> hit = near.get(text);
    return hit == null ? null : hit.value(NearCacheTest::str);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String str(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  /**
   * Waits until the near cache's own clock (which lags the real one) is past {@code lifetime} after
   * {@code startNanos}, with a margin; a fixed sleep would not cover a stall of the clock's thread.
   */
  private static void awaitNearClockPast(long startNanos, Duration lifetime) {
    long past = startNanos + lifetime.toNanos() + TimeUnit.MILLISECONDS.toNanos(50);
    awaitWithin("the near cache's clock past the lifetime", lifetime.plusSeconds(10),
        () -> NearCache.clockNanos() - past > 0);
  }

  private static void await(String what, BooleanSupplier condition) {
    awaitWithin(what, Duration.ofSeconds(3), condition);
  }

  private static void awaitWithin(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("Timed out after " + timeout.toMillis() + " ms waiting for: " + what);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
