package dev.aside.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The options of one command line, {@code --name value} or {@code --name=value}, read by name.
 *
 * <p>A flag ({@link #FLAGS}) takes no value: {@code --cluster} alone, or {@code --cluster=true|false}.
 *
 * <p>Every getter marks its option as read; {@link Main} rejects the options nobody read, so a
 * misspelt option fails instead of being silently ignored.
 */
public final class Options {
  /** The options that take no value. */
  static final Set<String> FLAGS = Set.of("cluster");

  private final Map<String, String> values = new LinkedHashMap<>();
  private final List<String> read = new ArrayList<>();

  private Options() {}

  /** Parses {@code --name value} and {@code --name=value} pairs; a repeated option or a stray word is an error. */
  public static Options parse(List<String> args) {
    Options options = new Options();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw new UsageException("unexpected argument '" + arg + "' (options are --name value)");
      }
      String name;
      String value;
      int eq = arg.indexOf('=');
      if (eq > 0) {
        name = arg.substring(2, eq);
        value = arg.substring(eq + 1);
      } else if (FLAGS.contains(arg.substring(2))) {
        name = arg.substring(2);
        value = "true";
      } else {
        if (i + 1 >= args.size()) {
          throw new UsageException("option --" + arg.substring(2) + " needs a value");
        }
        name = arg.substring(2);
        value = args.get(++i);
      }
      if (options.values.put(name, value) != null) {
        throw new UsageException("option --" + name + " given twice");
      }
    }
    return options;
  }

  /** The option's text, or {@code fallback} when absent. */
  public String string(String name, String fallback) {
    read.add(name);
    return values.getOrDefault(name, fallback);
  }

  /** The option as an integer of at least {@code min}, or {@code fallback} when absent. */
  public int integer(String name, int fallback, int min) {
    String text = string(name, null);
    if (text == null) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(text.trim());
      if (value < min) {
        throw new UsageException("option --" + name + " must be at least " + min + ", was " + value);
      }
      return value;
    } catch (NumberFormatException e) {
      throw new UsageException("option --" + name + " must be an integer, was '" + text + "'");
    }
  }

  /** The option as a number greater than or equal to {@code min}, or {@code fallback} when absent. */
  public double decimal(String name, double fallback, double min) {
    String text = string(name, null);
    if (text == null) {
      return fallback;
    }
    try {
      double value = Double.parseDouble(text.trim());
      if (!(value >= min) || Double.isInfinite(value)) {
        throw new UsageException("option --" + name + " must be a number of at least " + min + ", was " + text);
      }
      return value;
    } catch (NumberFormatException e) {
      throw new UsageException("option --" + name + " must be a number, was '" + text + "'");
    }
  }

  /** Whether the flag was given ({@code --name} or {@code --name=true}); false when absent or {@code =false}. */
  public boolean flag(String name) {
    String text = string(name, "false");
    if (!text.equals("true") && !text.equals("false")) {
      throw new UsageException("option --" + name + " takes no value (or =true, =false), was '" + text + "'");
    }
    return Boolean.parseBoolean(text);
  }

  /** Whether the option was given at all (does not mark it as read). */
  public boolean has(String name) {
    return values.containsKey(name);
  }

  /** The names of the options given but never read. */
  List<String> unread() {
    List<String> unread = new ArrayList<>(values.keySet());
    unread.removeAll(read);
    return unread;
  }
}
