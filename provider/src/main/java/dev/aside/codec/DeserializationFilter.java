package dev.aside.codec;

import java.io.ObjectInputFilter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The allowlist that Java deserialization of cached values must pass.
 *
 * <p>Only classes matched by a pattern are ever instantiated; anything else, including every known
 * gadget class, is rejected before its bytes are read. The default list covers the JDK value types a
 * cache commonly holds; the cache adds its declared key and value types and the patterns a user
 * configures ({@code allow} URI option, {@code allow-classes} setting). Graph depth, size and
 * reference counts are capped as well, against deserialization bombs.
 */
public final class DeserializationFilter {
  /**
   * JDK types allowed by default: value types, collections, time, math. An array is checked by its
   * element type (arrays of primitives always pass), so {@code java.io.Serializable} is here for
   * {@code Serializable[]} (Hibernate's cache entries hold one): an interface is never instantiated,
   * and each element is checked on its own.
   */
  public static final List<String> DEFAULT_PATTERNS = List.of(
      "java.lang.*", "java.util.*", "java.time.*", "java.math.*", "java.net.URI", "java.net.URL",
      "java.sql.Date", "java.sql.Time", "java.sql.Timestamp", "java.util.concurrent.atomic.*",
      "java.util.concurrent.ConcurrentHashMap", "java.util.concurrent.ConcurrentHashMap$Segment",
      "java.util.concurrent.CopyOnWriteArrayList", "java.io.Serializable");

  private static final String LIMITS = "maxdepth=64;maxrefs=100000;maxbytes=67108864;maxarray=16777216";

  private final ObjectInputFilter filter;
  /** The class patterns alone, without the limits: tells a disallowed class from a graph too large. */
  private final ObjectInputFilter classes;
  private final String description;

  private DeserializationFilter(List<String> patterns) {
    this.description = String.join(";", patterns);
    this.filter = ObjectInputFilter.Config.createFilter(LIMITS + ";" + description + ";!*");
    this.classes = ObjectInputFilter.Config.createFilter(description + ";!*");
  }

  /** The default patterns plus {@code extra} patterns and the exact names of {@code types}. */
  public static DeserializationFilter of(Collection<String> extra, Class<?>... types) {
    Objects.requireNonNull(extra);
    List<String> patterns = new ArrayList<>(DEFAULT_PATTERNS);
    for (Class<?> type : types) {
      if (type != null && type != Object.class && !type.isPrimitive()) {
        patterns.add(type.getName());
      }
    }
    for (String pattern : extra) {
      String p = pattern.trim();
      if (p.isEmpty()) {
        continue;
      }
      if (p.startsWith("!") || p.contains(";") || p.contains("=")) {
        throw new IllegalArgumentException("Invalid deserialization allowlist pattern '" + p
            + "': use class names or package patterns such as com.acme.* or com.acme.**");
      }
      patterns.add(p);
    }
    return new DeserializationFilter(patterns);
  }

  /** A filter for one stream: the allowlist, remembering the first class it refused (see {@link Check#disallowedClass}). */
  Check newCheck() {
    return new Check();
  }

  /** The allowlist applied to one stream. Not thread-safe: one per stream. */
  final class Check implements ObjectInputFilter {
    private String disallowedClass;

    @Override
    public Status checkInput(FilterInfo info) {
      Status status = filter.checkInput(info);
      Class<?> type = info.serialClass();
      if (status == Status.REJECTED && disallowedClass == null && type != null
          && classes.checkInput(info) == Status.REJECTED) {
        disallowedClass = type.getName();
      }
      return status;
    }

    /** The first class refused by the allowlist (not by the size limits), or null. */
    String disallowedClass() {
      return disallowedClass;
    }
  }

  @Override
  public String toString() {
    return "DeserializationFilter[" + description + "]";
  }
}
