package dev.aside.redis;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where the entries of one cache live in Redis: {@code <prefix>:<cache>:{<key>}}, or with a version
 * {@code <prefix>:<cache>:v<version>:{<key>}}.
 *
 * <p>The cache name is escaped ({@code % { } :} as {@code %XX}) so a name can neither break the
 * hash tag nor collide with another cache's namespace; the key text comes from
 * {@link dev.aside.codec.KeyCodec}, which never emits braces. A version ({@code [A-Za-z0-9._-]+})
 * is a namespace of its own: every pattern here (entries, a whole cache) and every namespace handed
 * to near caches and the invalidation queue names one version only, so two deployments with
 * different versions of a cache never read, clear or invalidate each other's entries. No version
 * is the layout of caches that have none, so their data stays readable.
 */
public final class KeyLayout {
  private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9._-]+");
  private static final byte[] LEASE_SUFFIX = ":lease".getBytes(StandardCharsets.US_ASCII);

  private final String namespace;
  private final byte[] namespaceBytes;

  /** The layout of a cache without a version. */
  public KeyLayout(String prefix, String cacheName) {
    this(prefix, cacheName, "");
  }

  /** @param version the cache's version ({@code [A-Za-z0-9._-]+}), or empty for none */
  public KeyLayout(String prefix, String cacheName, String version) {
    Objects.requireNonNull(prefix);
    Objects.requireNonNull(cacheName);
    Objects.requireNonNull(version);
    if (!version.isEmpty() && !VERSION.matcher(version).matches()) {
      throw new IllegalArgumentException("A cache version is made of [A-Za-z0-9._-], not '" + version + "'");
    }
    this.namespace = prefix + ":" + escape(cacheName) + ":" + (version.isEmpty() ? "" : "v" + version + ":");
    this.namespaceBytes = namespace.getBytes(StandardCharsets.UTF_8);
  }

  /** The Redis key of the entry whose encoded key is {@code keyText}. */
  public byte[] entryKey(String keyText) {
    byte[] text = keyText.getBytes(StandardCharsets.UTF_8);
    byte[] key = new byte[namespaceBytes.length + text.length + 2];
    System.arraycopy(namespaceBytes, 0, key, 0, namespaceBytes.length);
    key[namespaceBytes.length] = '{';
    System.arraycopy(text, 0, key, namespaceBytes.length + 1, text.length);
    key[key.length - 1] = '}';
    return key;
  }

  /** The lease key of an entry: the entry key plus {@code :lease}, in the same hash slot. */
  public static byte[] leaseKey(byte[] entryKey) {
    byte[] key = new byte[entryKey.length + LEASE_SUFFIX.length];
    System.arraycopy(entryKey, 0, key, 0, entryKey.length);
    System.arraycopy(LEASE_SUFFIX, 0, key, entryKey.length, LEASE_SUFFIX.length);
    return key;
  }

  /** The encoded key inside an entry key, or null if {@code redisKey} is not an entry of this cache. */
  public String keyText(byte[] redisKey) {
    int start = namespaceBytes.length;
    if (redisKey.length < start + 2 || redisKey[start] != '{' || redisKey[redisKey.length - 1] != '}') {
      return null;
    }
    for (int i = 0; i < start; i++) {
      if (redisKey[i] != namespaceBytes[i]) {
        return null;
      }
    }
    return new String(redisKey, start + 1, redisKey.length - start - 2, StandardCharsets.UTF_8);
  }

  /** SCAN pattern matching the cache's entry keys only. */
  public String entryPattern() {
    return glob(namespace) + "{*}";
  }

  /** SCAN pattern matching every key of the cache, entries and companions alike. */
  public String namespacePattern() {
    return patternOf(namespace);
  }

  /** SCAN pattern matching every key of the cache whose {@link #namespace()} is given. */
  public static String patternOf(String namespace) {
    return glob(namespace) + "{*";
  }

  public String namespace() {
    return namespace;
  }

  private static String escape(String name) {
    StringBuilder out = new StringBuilder(name.length());
    for (char c : name.toCharArray()) {
      switch (c) {
        case '%' -> out.append("%25");
        case '{' -> out.append("%7B");
        case '}' -> out.append("%7D");
        case ':' -> out.append("%3A");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static String glob(String text) {
    StringBuilder out = new StringBuilder(text.length() + 8);
    for (char c : text.toCharArray()) {
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }
}
