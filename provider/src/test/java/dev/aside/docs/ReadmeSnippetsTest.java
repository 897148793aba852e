package dev.aside.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles every {@code ```java} block of the repository's README.md and every Java file of
 * META-INF-sample/ against the test class path, so the documentation cannot drift from the API.
 *
 * <p>A block that declares a class (or record, interface, enum) is compiled as it stands. Any other
 * block is a fragment: its {@code import} lines are hoisted and the rest becomes the body of a
 * method, in a class importing {@link #FRAGMENT_IMPORTS}. Each block is compiled on its own; a
 * failure shows the compiler's diagnostics with README line numbers. A block marked as another
 * module's tagged region ({@link #CHECKED_ELSEWHERE}) is left to that module's test.
 */
class ReadmeSnippetsTest {
  /** Surefire runs in the provider module; the README sits at the repository root. */
  static final Path REPOSITORY = Path.of("..");
  static final Path README = REPOSITORY.resolve("README.md");
  static final Path SAMPLES = REPOSITORY.resolve("META-INF-sample");

  static final List<String> FRAGMENT_IMPORTS = List.of(
      "javax.cache.*", "javax.cache.configuration.*", "javax.cache.expiry.*",
      "javax.cache.integration.*", "java.net.URI", "java.time.Duration", "java.util.*",
      "dev.aside.config.*");

  private static final Pattern FENCE_OPEN = Pattern.compile("^\\s*```java\\s*$");
  private static final Pattern FENCE_CLOSE = Pattern.compile("^\\s*```\\s*$");
  private static final Pattern TYPE_DECLARATION = Pattern.compile(
      "(?m)^(?:public\\s+|final\\s+|abstract\\s+)*(?:class|interface|record|enum)\\s+(\\w+)");
  /*
   * A block right after a line such as <!-- spring/src/test/java/com/acme/shop/ShopApplication.java#application -->
   * is the tagged region of that file, in a module whose class path this test lacks (Spring's
   * application classes); that module's test compiles it and checks that the README shows it exactly.
   */
  private static final Pattern CHECKED_ELSEWHERE = Pattern.compile("^<!-- [\\w/.-]+\\.java#[\\w-]+ -->$");
  private static final Pattern IMPORT = Pattern.compile("^\\s*import\\s+[\\w.*\\s]+;\\s*$");

  @TempDir
  Path output;

  /** A Java source taken from a documentation file; {@code firstLine} is its 1-based line there. */
  record Snippet(Path file, int firstLine, String code) {
    String where() {
      return REPOSITORY.relativize(file).toString().replace(File.separatorChar, '/') + ":" + firstLine;
    }
  }

  @Test
  void readmeHasJavaSnippets() throws IOException {
    assertThat(readmeSnippets()).as("```java blocks in %s", README.toAbsolutePath().normalize())
        .hasSizeGreaterThanOrEqualTo(3);
  }

  @TestFactory
  Stream<DynamicTest> readmeSnippetsCompile() throws IOException {
    return readmeSnippets().stream()
        .map(snippet -> DynamicTest.dynamicTest(snippet.where(), () -> compile(snippet)));
  }

  @TestFactory
  Stream<DynamicTest> sampleJavaFilesCompile() throws IOException {
    List<Path> files;
    try (Stream<Path> listing = Files.list(SAMPLES)) {
      files = listing.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    }
    assertThat(files).as("Java files in %s", SAMPLES.toAbsolutePath().normalize()).isNotEmpty();
    List<DynamicTest> tests = new ArrayList<>();
    for (Path file : files) {
      Snippet snippet = new Snippet(file, 1, Files.readString(file, StandardCharsets.UTF_8));
      tests.add(DynamicTest.dynamicTest(snippet.where(), () -> compile(snippet)));
    }
    return tests.stream();
  }

  /** The {@code ```java} blocks of README.md, in order. */
  static List<Snippet> readmeSnippets() throws IOException {
    List<String> lines = Files.readAllLines(README, StandardCharsets.UTF_8);
    List<Snippet> snippets = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (!FENCE_OPEN.matcher(lines.get(i)).matches()) {
        continue;
      }
      int first = i + 1;
      int end = first;
      while (end < lines.size() && !FENCE_CLOSE.matcher(lines.get(end)).matches()) {
        end++;
      }
      if (end == lines.size()) {
        fail("README.md:" + (i + 1) + ": ```java block is never closed");
      }
      if (i > 0 && CHECKED_ELSEWHERE.matcher(lines.get(i - 1)).matches()) {
        i = end;   // another module's test compiles it and checks it word for word
        continue;
      }
      snippets.add(new Snippet(README, first + 1, String.join("\n", lines.subList(first, end)) + "\n"));
      i = end;
    }
    return snippets;
  }

  private void compile(Snippet snippet) throws IOException {
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    assertThat(compiler).as("a JDK compiler (tests must run on a JDK, not a JRE)").isNotNull();

    Source source = toSource(snippet);
    Path classes = Files.createTempDirectory(output, "classes");
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    List<String> options = List.of("-classpath", System.getProperty("java.class.path"),
        "-d", classes.toString(), "-proc:none", "-encoding", "UTF-8");
    boolean compiled;
    try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, Locale.ROOT,
        StandardCharsets.UTF_8)) {
      compiled = compiler.getTask(null, files, diagnostics, options, null, List.of(source)).call();
    }
    List<String> errors = new ArrayList<>();
    for (Diagnostic<? extends JavaFileObject> diagnostic : diagnostics.getDiagnostics()) {
      if (diagnostic.getKind() == Diagnostic.Kind.ERROR) {
        errors.add(source.describe(diagnostic, snippet));
      }
    }
    if (!compiled || !errors.isEmpty()) {
      fail("Java snippet at " + snippet.where() + " does not compile"
          + (source.wrapped ? " (compiled as a fragment inside a method)" : "") + ":\n"
          + String.join("\n", errors) + "\n--- compiled source ---\n" + numbered(source.text));
    }
  }

  /** The compilation unit for a snippet, and how its lines map back to the documentation file. */
  private static Source toSource(Snippet snippet) {
    Matcher declaration = TYPE_DECLARATION.matcher(snippet.code());
    if (declaration.find()) {
      return new Source(declaration.group(1), snippet.code(), false, 1);
    }
    StringBuilder header = new StringBuilder();
    StringBuilder body = new StringBuilder();
    for (String line : snippet.code().split("\n", -1)) {
      if (IMPORT.matcher(line).matches()) {
        header.append(line.trim()).append('\n');
        body.append('\n');
      } else {
        body.append(line).append('\n');
      }
    }
    for (String name : FRAGMENT_IMPORTS) {
      header.append("import ").append(name).append(";\n");
    }
    String name = "ReadmeFragment" + snippet.firstLine();
    header.append("@SuppressWarnings(\"all\")\n")
        .append("public class ").append(name).append(" {\n")
        .append("  void snippet() throws Exception {\n");
    int bodyStart = (int) header.chars().filter(c -> c == '\n').count() + 1;
    String text = header + body.toString() + "  }\n}\n";
    return new Source(name, text, true, bodyStart);
  }

  private static String numbered(String text) {
    StringBuilder out = new StringBuilder();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      out.append(String.format(Locale.ROOT, "%4d  %s%n", i + 1, lines[i]));
    }
    return out.toString();
  }

  /** An in-memory source file named after its public class. */
  private static final class Source extends SimpleJavaFileObject {
    final String text;
    final boolean wrapped;
    /** The line of the compiled text that holds the snippet's first line. */
    final int offset;

    Source(String className, String text, boolean wrapped, int offset) {
      super(URI.create("string:///" + className + Kind.SOURCE.extension), Kind.SOURCE);
      this.text = text;
      this.wrapped = wrapped;
      this.offset = offset;
    }

    @Override
    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
      return text;
    }

    String describe(Diagnostic<? extends JavaFileObject> diagnostic, Snippet snippet) {
      long line = diagnostic.getLineNumber();
      String where;
      if (line == Diagnostic.NOPOS) {
        where = snippet.where();
      } else if (line < offset) {
        where = snippet.where() + " (imports of the wrapper, line " + line + ")";
      } else {
        String file = REPOSITORY.relativize(snippet.file()).toString().replace(File.separatorChar, '/');
        where = file + ":" + (snippet.firstLine() + line - offset);
      }
      return where + ": " + diagnostic.getMessage(Locale.ROOT);
    }
  }
}
