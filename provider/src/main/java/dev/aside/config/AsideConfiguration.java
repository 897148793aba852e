package dev.aside.config;

import dev.aside.resilience.FailurePolicy.WriteFailures;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.MutableConfiguration;

/**
 * The programmatic configuration of an Aside cache: a {@link MutableConfiguration} plus Aside's own
 * settings.
 *
 * <p>Aside settings and their defaults:
 * <ul>
 *   <li>{@link #getDeserializationAllowlist() deserialization allowlist}: extra
 *       {@link java.io.ObjectInputFilter} patterns ({@code com.acme.Dto}, {@code com.acme.dto.*},
 *       {@code com.acme.**}) of classes that may be deserialized from this cache's values, on top of
 *       Aside's JDK defaults, the declared key and value types and the connection URI's
 *       {@code allow} option. Default: empty.
 *   <li>{@link #isCoalescing() coalescing}: concurrent read-through misses of one key in this JVM
 *       share one loader call. Default: on.
 *   <li>{@link #getLeaseTtl() lease TTL}: the read-through miss that loads takes a lease in Redis
 *       for this long, so other JVMs wait for its fill instead of loading too, and a write or
 *       removal in between voids the fill (no stale set). {@code Duration.ZERO} turns leases off.
 *       Default: 10 s.
 *   <li>{@link #getLeaseWait() lease wait}: how long a miss waits for another JVM's lease holder
 *       before loading on its own. Default: 2 s.
 *   <li>{@link #getTtlJitter() TTL jitter}: creation and update TTLs are lengthened by a random
 *       0..jitter fraction so entries written together do not expire together. Default: 0 (off;
 *       the sample configuration sets 0.1).
 *   <li>{@link #getNegativeTtl() negative TTL}: when the loader finds nothing, remember that for
 *       this long, so repeated lookups of a missing key do not reach the loader. {@code ZERO} is
 *       off. Default: off (JCache semantics).
 *   <li>{@link #getRefreshAheadBeta() refresh-ahead beta}: probabilistic early refresh (XFetch) of
 *       entries near expiry, in the background; 0 is off, 1 the usual setting. Default: off.
 *   <li>{@link #getNearCacheMaxEntries() near cache}: a Caffeine tier in this JVM holding up to
 *       this many entries, invalidated by Redis itself (client tracking), each kept at most
 *       {@link #getNearCacheLifetime() the near-cache lifetime} and never past its Redis TTL.
 *       0 is off, unless a byte bound is set. Default: off (0 entries, lifetime 30 s).
 *   <li>{@link #getNearCacheMaxBytes() near-cache byte bound}: the most bytes the near cache's
 *       entries may weigh (encoded values, or an estimate for shared immutable ones, plus key and
 *       entry overhead); an entry above 1/16 of it is not kept locally. Setting it alone turns the near
 *       cache on with no count bound. 0 (the default) is 5% of the maximum heap, per cache.
 *   <li>{@link #getWriteFailures() write failures}: what a write that Redis fails does after
 *       queueing the key's invalidation: {@code THROW} a {@code CacheException} (the JCache
 *       default) or {@code LOG} and carry on. Reads always fail open (a miss); removals are queued
 *       and never thrown. Default: {@code THROW}.
 *   <li>{@link #getMaxValueBytes() maximum value size}: a larger value is refused with an
 *       {@code IllegalArgumentException} before anything is sent (a loaded one is returned, not
 *       cached). Default: 16 MiB.
 *   <li>{@link #getVersion() version}: part of the cache's key namespace in Redis
 *       ({@code <prefix>:<cache>:v<version>:{<key>}}), so a deployment that changes the shape of a
 *       cached class moves to fresh keys at once, and during a rolling update the old and new
 *       deployments never read each other's values. Default: none (the unversioned layout).
 *   <li>{@link #getOutageTtl() outage TTL}: while Redis is not answering for a key (breaker open, key
 *       queued for invalidation), values the loader returns are kept in this JVM for this long and
 *       served to later reads of the key (the gutter); a read is then at most this far behind a write
 *       made elsewhere. {@code ZERO} is off. Default: off.
 *   <li>{@link #getOutageMaxBytes() gutter byte bound}: the most bytes the gutter's entries may weigh
 *       (encoded values, keys and entry overhead); a value above 1/16 of it is not kept. 0 (the default)
 *       is 5% of the maximum heap, per cache, as for the near cache.
 *   <li>{@link #getOutageMaxEntries() gutter count bound}: the most values the gutter keeps, on top of
 *       the byte bound; 0 (the default) is none.
 *   <li>{@link #getInvalidationReplicas() invalidation replicas}: how many replicas must acknowledge
 *       each write and removal of the cache ({@code WAIT}, bounded by the command timeout, on a
 *       connection of its own) before it counts as done; one not acknowledged in time is treated as a
 *       failed write and its key is invalidated again once that can be acknowledged, so a failover to
 *       a replica that missed it never serves the old value. 0 (the default) is off: writes are
 *       acknowledged by the master alone, as Redis replication is asynchronous.
 * </ul>
 *
 * <p>The fluent setters inherited from {@link MutableConfiguration} return the same instance typed
 * as {@code MutableConfiguration}.
 *
 * @param <K> the type of keys
 * @param <V> the type of values
 */
public class AsideConfiguration<K, V> extends MutableConfiguration<K, V> {
  private static final long serialVersionUID = 1L;

  /* Always an unmodifiable List.copyOf, hence serializable and safe to hand out. */
  private List<String> deserializationAllowlist = List.of();
  private boolean coalescing = true;
  private Duration leaseTtl = Duration.ofSeconds(10);
  private Duration leaseWait = Duration.ofSeconds(2);
  private double ttlJitter;
  private Duration negativeTtl = Duration.ZERO;
  private double refreshAheadBeta;
  private WriteFailures writeFailures = WriteFailures.THROW;
  private long nearCacheMaxEntries;
  private Duration nearCacheLifetime = Duration.ofSeconds(30);
  private int maxValueBytes = DEFAULT_MAX_VALUE_BYTES;
  private String version = "";
  private long nearCacheMaxBytes;
  private Duration outageTtl = Duration.ZERO;
  private long outageMaxEntries;
  private long outageMaxBytes;
  private int invalidationReplicas;

  /** The default maximum size of one encoded value: 16 MiB. */
  public static final int DEFAULT_MAX_VALUE_BYTES = 16 << 20;

  /** A configuration with the JCache defaults and Aside's defaults. */
  public AsideConfiguration() {}

  /**
   * A copy of {@code other}; if it is an {@code AsideConfiguration}, its Aside settings are copied
   * too, else they take their defaults.
   */
  public AsideConfiguration(CompleteConfiguration<K, V> other) {
    super(Objects.requireNonNull(other));
    if (other instanceof AsideConfiguration<?, ?> aside) {
      this.deserializationAllowlist = aside.deserializationAllowlist;
      this.coalescing = aside.coalescing;
      this.leaseTtl = aside.leaseTtl;
      this.leaseWait = aside.leaseWait;
      this.ttlJitter = aside.ttlJitter;
      this.negativeTtl = aside.negativeTtl;
      this.refreshAheadBeta = aside.refreshAheadBeta;
      this.writeFailures = aside.writeFailures;
      this.nearCacheMaxEntries = aside.nearCacheMaxEntries;
      this.nearCacheLifetime = aside.nearCacheLifetime;
      this.maxValueBytes = aside.maxValueBytes;
      this.version = aside.version;
      this.nearCacheMaxBytes = aside.nearCacheMaxBytes;
      this.outageTtl = aside.outageTtl;
      this.outageMaxEntries = aside.outageMaxEntries;
      this.outageMaxBytes = aside.outageMaxBytes;
      this.invalidationReplicas = aside.invalidationReplicas;
    }
  }

  /** Extra deserialization allowlist patterns of this cache; default empty. */
  public List<String> getDeserializationAllowlist() {
    return deserializationAllowlist;
  }

  /**
   * Sets the extra deserialization allowlist patterns of this cache, replacing any set before.
   *
   * @throws IllegalArgumentException if a pattern is empty, a rejection ({@code !}), a limit
   *     ({@code maxdepth=}), holds a {@code ;} or would allow every class
   */
  public AsideConfiguration<K, V> setDeserializationAllowlist(List<String> patterns) {
    Objects.requireNonNull(patterns);
    patterns.forEach(Objects::requireNonNull);
    this.deserializationAllowlist =
        patterns.isEmpty() ? List.of() : SettingValues.allowlist(String.join(",", patterns));
    return this;
  }

  /** Whether concurrent read-through misses of one key in this JVM share one loader call; default true. */
  public boolean isCoalescing() {
    return coalescing;
  }

  public AsideConfiguration<K, V> setCoalescing(boolean coalescing) {
    this.coalescing = coalescing;
    return this;
  }

  /** How long a loading miss holds its lease in Redis; {@code ZERO} turns leases off. Default 10 s. */
  public Duration getLeaseTtl() {
    return leaseTtl;
  }

  public AsideConfiguration<K, V> setLeaseTtl(Duration leaseTtl) {
    this.leaseTtl = nonNegative(leaseTtl, "leaseTtl");
    return this;
  }

  /** How long a miss waits for another JVM's fill before loading itself. Default 2 s. */
  public Duration getLeaseWait() {
    return leaseWait;
  }

  public AsideConfiguration<K, V> setLeaseWait(Duration leaseWait) {
    this.leaseWait = nonNegative(leaseWait, "leaseWait");
    return this;
  }

  /** Fraction (0..1) by which creation and update TTLs are randomly lengthened. Default 0. */
  public double getTtlJitter() {
    return ttlJitter;
  }

  public AsideConfiguration<K, V> setTtlJitter(double ttlJitter) {
    if (!(ttlJitter >= 0 && ttlJitter <= 1)) {
      throw new IllegalArgumentException("ttlJitter must be within 0..1, was " + ttlJitter);
    }
    this.ttlJitter = ttlJitter;
    return this;
  }

  /** How long "the loader found nothing" is remembered; {@code ZERO} is off. Default off. */
  public Duration getNegativeTtl() {
    return negativeTtl;
  }

  public AsideConfiguration<K, V> setNegativeTtl(Duration negativeTtl) {
    this.negativeTtl = nonNegative(negativeTtl, "negativeTtl");
    return this;
  }

  /** XFetch's beta for refresh-ahead; 0 is off, 1 the usual choice, higher refreshes earlier. Default 0. */
  public double getRefreshAheadBeta() {
    return refreshAheadBeta;
  }

  public AsideConfiguration<K, V> setRefreshAheadBeta(double refreshAheadBeta) {
    if (!(refreshAheadBeta >= 0 && refreshAheadBeta <= 100)) {
      throw new IllegalArgumentException("refreshAheadBeta must be within 0..100, was " + refreshAheadBeta);
    }
    this.refreshAheadBeta = refreshAheadBeta;
    return this;
  }

  /** Entries the near cache holds in this JVM; 0 (the default) turns it off unless {@link #getNearCacheMaxBytes()} is set. */
  public long getNearCacheMaxEntries() {
    return nearCacheMaxEntries;
  }

  public AsideConfiguration<K, V> setNearCacheMaxEntries(long maxEntries) {
    if (maxEntries < 0) {
      throw new IllegalArgumentException("nearCacheMaxEntries must not be negative, was " + maxEntries);
    }
    this.nearCacheMaxEntries = maxEntries;
    return this;
  }

  /** The longest a near-cache entry is kept (never past its Redis TTL). Default 30 s. */
  public Duration getNearCacheLifetime() {
    return nearCacheLifetime;
  }

  public AsideConfiguration<K, V> setNearCacheLifetime(Duration lifetime) {
    Objects.requireNonNull(lifetime, "lifetime");
    if (lifetime.isZero() || lifetime.isNegative()) {
      throw new IllegalArgumentException("nearCacheLifetime must be positive, was " + lifetime);
    }
    this.nearCacheLifetime = lifetime;
    return this;
  }

  /** What a write that Redis fails does: THROW (default) or LOG. */
  public WriteFailures getWriteFailures() {
    return writeFailures;
  }

  public AsideConfiguration<K, V> setWriteFailures(WriteFailures writeFailures) {
    this.writeFailures = Objects.requireNonNull(writeFailures, "writeFailures");
    return this;
  }

  /** The largest encoded value this cache stores, in bytes. Default 16 MiB. */
  public int getMaxValueBytes() {
    return maxValueBytes;
  }

  public AsideConfiguration<K, V> setMaxValueBytes(int maxValueBytes) {
    if (maxValueBytes < 1) {
      throw new IllegalArgumentException("maxValueBytes must be positive, was " + maxValueBytes);
    }
    this.maxValueBytes = maxValueBytes;
    return this;
  }

  /** The cache's version in its Redis key namespace; empty (the default) for none. */
  public String getVersion() {
    return version;
  }

  /**
   * Sets the cache's version: letters, digits, {@code . _ -} (e.g. {@code 2} or {@code 2026-12}), or
   * empty for none. Entries written under another version are neither read nor cleared.
   */
  public AsideConfiguration<K, V> setVersion(String version) {
    Objects.requireNonNull(version, "version");
    if (!version.isEmpty() && !version.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("version must be made of [A-Za-z0-9._-], was '" + version + "'");
    }
    this.version = version;
    return this;
  }

  /**
   * The most bytes the near cache may weigh; 0 (the default) is 5% of the maximum heap. A positive
   * value alone turns the near cache on, with no count bound.
   */
  public long getNearCacheMaxBytes() {
    return nearCacheMaxBytes;
  }

  public AsideConfiguration<K, V> setNearCacheMaxBytes(long maxBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("nearCacheMaxBytes must not be negative, was " + maxBytes);
    }
    this.nearCacheMaxBytes = maxBytes;
    return this;
  }

  /** Whether the near cache is on: a count bound or a byte bound is set. */
  public boolean isNearCacheEnabled() {
    return nearCacheMaxEntries > 0 || nearCacheMaxBytes > 0;
  }

  /** How long a value loaded while Redis is not answering is served from this JVM; ZERO (default) is off. */
  public Duration getOutageTtl() {
    return outageTtl;
  }

  public AsideConfiguration<K, V> setOutageTtl(Duration outageTtl) {
    this.outageTtl = nonNegative(outageTtl, "outageTtl");
    return this;
  }

  /** The most values the gutter keeps in this JVM, on top of its byte bound; 0 (the default) is no count bound. */
  public long getOutageMaxEntries() {
    return outageMaxEntries;
  }

  public AsideConfiguration<K, V> setOutageMaxEntries(long maxEntries) {
    if (maxEntries < 0) {
      throw new IllegalArgumentException("outageMaxEntries must not be negative, was " + maxEntries);
    }
    this.outageMaxEntries = maxEntries;
    return this;
  }

  /** The most bytes the gutter's entries may weigh in this JVM; 0 (the default) is 5% of the maximum heap. */
  public long getOutageMaxBytes() {
    return outageMaxBytes;
  }

  public AsideConfiguration<K, V> setOutageMaxBytes(long maxBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("outageMaxBytes must not be negative, was " + maxBytes);
    }
    this.outageMaxBytes = maxBytes;
    return this;
  }

  /**
   * How many replicas must acknowledge each write and removal ({@code WAIT}) before it counts as done;
   * 0 (the default) is off.
   */
  public int getInvalidationReplicas() {
    return invalidationReplicas;
  }

  public AsideConfiguration<K, V> setInvalidationReplicas(int replicas) {
    if (replicas < 0) {
      throw new IllegalArgumentException("invalidationReplicas must not be negative, was " + replicas);
    }
    this.invalidationReplicas = replicas;
    return this;
  }

  private static Duration nonNegative(Duration duration, String name) {
    Objects.requireNonNull(duration, name);
    if (duration.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative, was " + duration);
    }
    return duration;
  }

  @Override
  public boolean equals(Object object) {
    return object instanceof AsideConfiguration<?, ?> other
        && super.equals(other)
        && deserializationAllowlist.equals(other.deserializationAllowlist)
        && coalescing == other.coalescing
        && leaseTtl.equals(other.leaseTtl)
        && leaseWait.equals(other.leaseWait)
        && ttlJitter == other.ttlJitter
        && negativeTtl.equals(other.negativeTtl)
        && refreshAheadBeta == other.refreshAheadBeta
        && writeFailures == other.writeFailures
        && maxValueBytes == other.maxValueBytes
        && nearCacheMaxEntries == other.nearCacheMaxEntries
        && nearCacheLifetime.equals(other.nearCacheLifetime)
        && version.equals(other.version)
        && nearCacheMaxBytes == other.nearCacheMaxBytes
        && outageTtl.equals(other.outageTtl)
        && outageMaxEntries == other.outageMaxEntries
        && outageMaxBytes == other.outageMaxBytes
        && invalidationReplicas == other.invalidationReplicas;
  }

  @Override
  public int hashCode() {
    return Objects.hash(super.hashCode(), deserializationAllowlist, coalescing, leaseTtl, leaseWait, ttlJitter,
        negativeTtl, refreshAheadBeta, writeFailures, maxValueBytes, nearCacheMaxEntries, nearCacheLifetime,
        version, nearCacheMaxBytes, outageTtl, outageMaxEntries, outageMaxBytes,
        invalidationReplicas);
  }
}
