package dev.aside.config;

import java.io.ObjectInputFilter;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Parsers of the textual values shared by connection URIs and configuration files. */
final class SettingValues {
  /* Every parser throws IllegalArgumentException whose message says what is wrong with the value;
   * callers prefix it with where the value came from (URI option, file key). Values handled here are
   * never secrets, so messages may quote them. */

  private static final Logger log = LoggerFactory.getLogger(SettingValues.class);
  /* Allowlist patterns already warned about: a configuration is copied and merged many times. */
  private static final Set<String> WARNED_PATTERNS = ConcurrentHashMap.newKeySet();

  private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{1,18})(ms|s|m|h|d)");
  private static final String DURATION_FORMS =
      "expected a positive duration such as 250ms, 2s, 1m, 1h, 1d or ISO-8601 PT2S";

  private SettingValues() {}

  /** A strictly positive duration written {@code 250ms}, {@code 2s}, {@code 1m}, {@code 1h}, {@code 1d} or ISO-8601. */
  static Duration duration(String text) {
    String value = text.trim();
    Duration duration;
    try {
      Matcher matcher = SHORT_DURATION.matcher(value);
      if (matcher.matches()) {
        long amount = Long.parseLong(matcher.group(1));
        duration = switch (matcher.group(2)) {
          case "ms" -> Duration.ofMillis(amount);
          case "s" -> Duration.ofSeconds(amount);
          case "m" -> Duration.ofMinutes(amount);
          case "h" -> Duration.ofHours(amount);
          default -> Duration.ofDays(amount);
        };
      } else if (value.startsWith("P") || value.startsWith("p")) {
        duration = Duration.parse(value);
      } else {
        throw new IllegalArgumentException("'" + value + "' is not a duration: " + DURATION_FORMS);
      }
    } catch (ArithmeticException | DateTimeParseException e) {
      throw new IllegalArgumentException("'" + value + "' is not a duration: " + DURATION_FORMS);
    }
    if (duration.isZero() || duration.isNegative()) {
      throw new IllegalArgumentException("'" + value + "' is not positive: " + DURATION_FORMS);
    }
    return duration;
  }

  /** A duration as {@link #duration}, or {@code 0} for "off". */
  static Duration durationOrZero(String text) {
    return text.trim().equals("0") ? Duration.ZERO : duration(text);
  }

  /** {@code throw} or {@code log}, in any case. */
  static dev.aside.resilience.FailurePolicy.WriteFailures writeFailures(String text) {
    String value = text.trim().toUpperCase(Locale.ROOT);
    try {
      return dev.aside.resilience.FailurePolicy.WriteFailures.valueOf(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + text.trim() + "' is not a write failure policy: expected throw or log");
    }
  }

  /** A positive size in bytes, written {@code 1048576}, {@code 512k} or {@code 16m}, at most 512m. */
  static int size(String text) {
    String value = text.trim().toLowerCase(Locale.ROOT);
    long factor = value.endsWith("k") ? 1024 : value.endsWith("m") ? 1024 * 1024 : 1;
    String digits = factor == 1 ? value : value.substring(0, value.length() - 1);
    long bytes;
    try {
      bytes = Long.parseLong(digits) * factor;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text.trim() + "' is not a size: expected e.g. 1048576, 512k or 16m");
    }
    if (bytes < 1 || bytes > 512L * 1024 * 1024) {
      throw new IllegalArgumentException("'" + text.trim() + "' is not within 1 byte..512m");
    }
    return (int) bytes;
  }

  /** A fraction within 0..1, written {@code 0.1} or {@code 10%}. */
  static double fraction(String text) {
    String value = text.trim();
    double fraction = value.endsWith("%")
        ? number(value.substring(0, value.length() - 1), 0, 100) / 100
        : number(value, 0, 1);
    return fraction;
  }

  /** A decimal number within {@code min..max}. */
  /** A whole number within {@code min..max}, e.g. a count of replicas. */
  static int wholeNumber(String text, int min, int max) {
    double number = number(text, min, max);
    if (number != Math.rint(number)) {
      throw new IllegalArgumentException("'" + text.trim() + "' is not a whole number");
    }
    return (int) number;
  }

  static double number(String text, double min, double max) {
    double number;
    try {
      number = Double.parseDouble(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text.trim() + "' is not a number");
    }
    if (!(number >= min && number <= max)) {
      throw new IllegalArgumentException("'" + text.trim() + "' is not within " + min + ".." + max);
    }
    return number;
  }

  /** {@code true} or {@code false}, in any case; nothing else. */
  static boolean bool(String text) {
    String value = text.trim().toLowerCase(Locale.ROOT);
    if (value.equals("true")) {
      return true;
    }
    if (value.equals("false")) {
      return false;
    }
    throw new IllegalArgumentException("'" + text.trim() + "' is not a boolean: expected true or false");
  }

  /**
   * Comma-separated deserialization allowlist patterns in {@link ObjectInputFilter} syntax, without
   * rejections ({@code !}), separators ({@code ;}) or limits ({@code maxdepth=}).
   */
  static List<String> allowlist(String text) {
    List<String> patterns = new ArrayList<>();
    for (String item : text.split(",", -1)) {
      String pattern = item.trim();
      if (pattern.isEmpty()) {
        throw new IllegalArgumentException("'" + text.trim() + "' has an empty allowlist pattern");
      }
      if (pattern.startsWith("!") || pattern.contains(";") || pattern.contains("=")
          || pattern.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException("'" + pattern + "' is not an allowlist pattern: use class"
            + " names or patterns such as com.acme.Dto, com.acme.dto.* or com.acme.**");
      }
      if (pattern.equals("*") || pattern.equals("**") || pattern.equals(".*") || pattern.equals(".**")) {
        throw new IllegalArgumentException("'" + pattern + "' would allow every class to be deserialized");
      }
      try {
        ObjectInputFilter.Config.createFilter(pattern);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("'" + pattern + "' is not an allowlist pattern: " + e.getMessage());
      }
      if (looksLikePackage(pattern) && WARNED_PATTERNS.add(pattern)) {
        log.warn("Deserialization allowlist pattern '{}' allows only a class named exactly that; if it is a package,"
            + " write {}.* (its classes) or {}.** (its classes and subpackages)", pattern, pattern, pattern);
      }
      patterns.add(pattern);
    }
    return List.copyOf(patterns);
  }

  /** Whether an allowlist pattern without a wildcard ends in a lower-case name, as a package does ({@code com.acme}). */
  static boolean looksLikePackage(String pattern) {
    if (pattern.contains("*")) {
      return false;
    }
    String name = pattern.substring(Math.max(pattern.lastIndexOf('.'), pattern.lastIndexOf('/')) + 1);
    return !name.isEmpty() && Character.isLowerCase(name.charAt(0));
  }

  /** A cache version: letters, digits, {@code . _ -}; {@code v2} is read as {@code 2}, as keys show it with the v. */
  static String version(String text) {
    String version = text.trim();
    if (version.length() > 1 && (version.charAt(0) == 'v' || version.charAt(0) == 'V')
        && Character.isDigit(version.charAt(1))) {
      version = version.substring(1);
    }
    if (!version.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("'" + text.trim() + "' is not a version: use letters, digits, '.', '_', '-'");
    }
    return version;
  }

  /** The class named {@code text}, loaded without initialization through {@code loader}. */
  static Class<?> loadClass(String text, ClassLoader loader) {
    String name = text.trim();
    try {
      return Class.forName(name, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IllegalArgumentException("class '" + name + "' cannot be loaded: " + e);
    }
  }

  /** Fails unless {@code type} is a concrete class with a public no-argument constructor. */
  static void requireInstantiable(Class<?> type) {
    if (type.isInterface() || Modifier.isAbstract(type.getModifiers())
        || !Modifier.isPublic(type.getModifiers())) {
      throw new IllegalArgumentException("class '" + type.getName() + "' is not a public concrete class");
    }
    try {
      type.getConstructor();
    } catch (NoSuchMethodException e) {
      throw new IllegalArgumentException(
          "class '" + type.getName() + "' has no public no-argument constructor");
    }
  }

  /** A byte count, written {@code 67108864}, {@code 512k}, {@code 64m} or {@code 2g}; 0 allowed, at most 1024g. */
  static long byteCount(String text) {
    String value = text.trim().toLowerCase(Locale.ROOT);
    int last = value.isEmpty() ? 0 : value.charAt(value.length() - 1);
    long factor = last == 'k' ? 1L << 10 : last == 'm' ? 1L << 20 : last == 'g' ? 1L << 30 : 1;
    String digits = factor == 1 ? value : value.substring(0, value.length() - 1);
    long count;
    try {
      count = Long.parseLong(digits);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text.trim() + "' is not a byte count: expected e.g. 64m, 1g or 0");
    }
    if (count < 0 || count > (1024L << 30) / factor) {
      throw new IllegalArgumentException("'" + text.trim() + "' is not within 0..1024g");
    }
    return count * factor;
  }
}
