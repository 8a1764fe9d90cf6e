package io.iceflux.examples.build;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * The Java snippets of a Markdown document, compiled with {@code javax.tools.JavaCompiler} against a class path, each
 * compile error reported with the document's line.
 *
 * <h2>What is a snippet</h2>
 * Every fenced block opened by a line {@code ```java} (indented or not) and closed by a line {@code ```}. Its code is
 * compiled in one of three ways, told apart by its text:
 * <ul>
 *   <li><b>a compilation unit</b> when a line starts (in column 0 of the snippet) with {@code package}, {@code import}
 *       or a top-level type declaration ({@code class}, {@code interface}, {@code enum}, {@code record}, possibly after
 *       {@code public}, {@code final}, {@code abstract}, {@code sealed}, {@code non-sealed} or an annotation line):
 *       compiled as it is, in a package of its own ({@code readme.lineN}) unless it names one, with the standard
 *       imports below added after its package line;</li>
 *   <li><b>class members</b> when its first code line starts with an annotation ({@code @}) or with {@code public},
 *       {@code protected}, {@code private} or {@code static}: fields and methods, wrapped in a class;</li>
 *   <li><b>statements</b> otherwise (the usual case): wrapped into the body of a method that {@code throws
 *       Exception}.</li>
 * </ul>
 * Every wrapper gets the standard imports ({@link #STANDARD_IMPORTS}): the packages of IceFlux's API, the testkit, the
 * recipes and their nested types, the recipes' public helpers ({@code summary}, {@code has701}, {@code errors701}),
 * {@code java.util}, {@code java.time}, Reactor, Netty's buffers and JUnit 5. A snippet with a type of another
 * package writes it qualified or is a compilation unit with its own imports.
 *
 * <h2>What a snippet assumes: an HTML comment on the line before the fence</h2>
 * A statements snippet usually uses variables it does not declare ({@code gatherer}, {@code config}). It says so in
 * an HTML comment (invisible when the Markdown is rendered) on the last non-blank line before its fence:
 * <pre>
 * &lt;!-- snippet: given IceGatherer gatherer, IceConfiguration config --&gt;
 * </pre>
 * The text after {@code given} is the parameter list of the method the statements are wrapped in, written as Java.
 * A snippet that goes on from the one before it (uses the variables that one declared) says {@code continues}: its
 * statements are appended to the previous snippet's method, whose {@code given} parameters it shares (it may add
 * its own). Both together: {@code <!-- snippet: continues; given Duration timeout -->}. Any other directive, a
 * {@code continues} with no statements snippet before it, or {@code given} on a snippet that is not statements, is
 * an error naming the line.
 */
final class MarkdownSnippets {

    /** The imports of every wrapped snippet, and added to compilation units. */
    static final List<String> STANDARD_IMPORTS = List.of(
            "import io.iceflux.*;",
            "import io.iceflux.netty.*;",
            "import io.iceflux.netty.stun.*;",
            "import io.iceflux.testkit.*;",
            "import io.iceflux.examples.reactor.*;",
            "import io.iceflux.examples.reactor.MergeGatherings.*;",
            "import io.iceflux.examples.reactor.ProbeManyServers.*;",
            "import io.iceflux.examples.reactor.RetryOn701.*;",
            "import static io.iceflux.examples.reactor.ProbeManyServers.summary;",
            "import static io.iceflux.examples.reactor.RetryOn701.errors701;",
            "import static io.iceflux.examples.reactor.RetryOn701.has701;",
            "import io.netty.buffer.*;",
            "import java.time.*;",
            "import java.util.*;",
            "import java.util.function.*;",
            "import org.junit.jupiter.api.*;",
            "import org.junit.jupiter.api.extension.*;",
            "import reactor.core.publisher.*;",
            "import reactor.netty.http.*;",
            "import reactor.netty.resources.*;",
            "import reactor.util.retry.*;");

    private static final Pattern FENCE_OPEN = Pattern.compile("^(\\s*)```java\\s*$");
    private static final Pattern FENCE_CLOSE = Pattern.compile("^\\s*```\\s*$");
    private static final Pattern DIRECTIVE = Pattern.compile("^\\s*<!--\\s*snippet:(.*)-->\\s*$");
    private static final Pattern UNIT_LINE = Pattern.compile(
            "^(package |import |((public|final|abstract|sealed|non-sealed) )*(class|interface|enum|record) )");
    private static final Pattern MEMBER_START = Pattern.compile("^(@|public |protected |private |static )");
    private static final Pattern PUBLIC_TYPE = Pattern.compile(
            "^public ((final|abstract|sealed|non-sealed) )*(class|interface|enum|record) (\\w+)");

    private MarkdownSnippets() {
    }

    /** How a snippet's code is compiled. */
    enum Kind {
        /** Statements, wrapped into a method body. */
        STATEMENTS,
        /** Fields and methods, wrapped into a class. */
        MEMBERS,
        /** A whole source file. */
        COMPILATION_UNIT
    }

    /**
     * One fenced Java block.
     *
     * @param firstLine the document's line (from 1) of the snippet's first code line
     * @param code      the code lines, without the fence's indentation
     * @param kind      how it is compiled
     * @param given     the parameters it assumes (Java parameter list text), or empty
     * @param continues whether it goes on from the previous snippet
     */
    record Snippet(int firstLine, List<String> code, Kind kind, String given, boolean continues) {
    }

    /** One generated source file and, for each of its lines, the document line it came from (0: generated). */
    private record Source(String path, List<String> lines, List<Integer> documentLines, int firstDocumentLine) {
    }

    /**
     * Read the snippets of a Markdown document.
     *
     * @param markdown the document
     * @return its Java snippets, in order
     * @throws IllegalArgumentException for a bad {@code snippet:} comment or an unclosed fence, naming its line
     */
    static List<Snippet> parse(String markdown) {
        List<String> lines = markdown.lines().toList();
        List<Snippet> snippets = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher open = FENCE_OPEN.matcher(lines.get(i));
            if (!open.matches()) {
                continue;
            }
            int indent = open.group(1).length();
            List<String> code = new ArrayList<>();
            int j = i + 1;
            while (j < lines.size() && !FENCE_CLOSE.matcher(lines.get(j)).matches()) {
                String line = lines.get(j);
                code.add(line.length() >= indent && line.substring(0, indent).isBlank() ? line.substring(indent)
                        : line.strip());
                j++;
            }
            if (j == lines.size()) {
                throw new IllegalArgumentException("line " + (i + 1) + ": ```java block is never closed");
            }
            Kind kind = kindOf(code);
            String given = "";
            boolean continues = false;
            int previous = i - 1;
            while (previous >= 0 && lines.get(previous).isBlank()) {
                previous--;
            }
            if (previous >= 0 && lines.get(previous).strip().startsWith("<!-- snippet")) {
                Matcher directive = DIRECTIVE.matcher(lines.get(previous));
                if (!directive.matches()) {
                    throw new IllegalArgumentException("line " + (previous + 1)
                            + ": a snippet comment is <!-- snippet: continues; given TYPE NAME, ... --> on one line");
                }
                for (String part : directive.group(1).split(";")) {
                    String p = part.strip();
                    if (p.equals("continues")) {
                        continues = true;
                    } else if (p.startsWith("given ")) {
                        given = p.substring("given ".length()).strip();
                    } else {
                        throw new IllegalArgumentException("line " + (previous + 1) + ": unknown snippet directive \""
                                + p + "\" (known: continues, given PARAMETERS)");
                    }
                }
                if (kind != Kind.STATEMENTS) {
                    throw new IllegalArgumentException("line " + (previous + 1) + ": continues/given apply to "
                            + "statements only, and the snippet at line " + (i + 2) + " holds "
                            + kind.name().toLowerCase(Locale.ROOT).replace('_', ' '));
                }
                if (continues && (snippets.isEmpty() || snippets.get(snippets.size() - 1).kind() != Kind.STATEMENTS)) {
                    throw new IllegalArgumentException("line " + (previous + 1)
                            + ": continues, but no statements snippet comes before it");
                }
            }
            snippets.add(new Snippet(i + 2, List.copyOf(code), kind, given, continues));
            i = j;
        }
        return List.copyOf(snippets);
    }

    private static Kind kindOf(List<String> code) {
        if (code.stream().anyMatch(line -> UNIT_LINE.matcher(line).find())) {
            return Kind.COMPILATION_UNIT;
        }
        return code.stream()
                .map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("//"))
                .findFirst()
                .filter(line -> MEMBER_START.matcher(line).find())
                .map(line -> Kind.MEMBERS)
                .orElse(Kind.STATEMENTS);
    }

    /**
     * Compile the snippets of a Markdown document.
     *
     * @param documentName the document's name in the errors, e.g. {@code README.md}
     * @param snippets     its snippets
     * @param classPath    the class path to compile against
     * @param outputDir    where the class files go
     * @return one line per compile error, {@code DOCUMENT:LINE: message} ({@code DOCUMENT (in the standard imports …)}
     *         once for an error outside the snippets' own lines); empty when everything compiles
     */
    static List<String> compile(String documentName, List<Snippet> snippets, String classPath, Path outputDir) {
        List<Source> sources = sources(snippets);
        if (sources.isEmpty()) {
            return List.of();
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<JavaFileObject> units = new ArrayList<>();
        for (Source source : sources) {
            units.add(new SimpleJavaFileObject(URI.create("string:///" + source.path()), JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return String.join("\n", source.lines()) + "\n";
                }
            });
        }
        try {
            Files.createDirectories(outputDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
            List<String> options = List.of("--release", "17", "-proc:none", "-implicit:none", "-Xlint:none",
                    "-classpath", classPath, "-d", outputDir.toString());
            compiler.getTask(null, files, diagnostics, options, null, units).call();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<String> errors = new LinkedHashSet<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() != Diagnostic.Kind.ERROR) {
                continue;
            }
            Source source = d.getSource() == null ? null : sources.stream()
                    .filter(s -> d.getSource().toUri().getPath().endsWith(s.path()))
                    .findFirst().orElse(null);
            String where;
            if (source == null) {
                where = documentName;
            } else {
                int index = (int) d.getLineNumber() - 1;
                int line = index >= 0 && index < source.documentLines().size() ? source.documentLines().get(index) : 0;
                where = line > 0 ? documentName + ":" + line
                        : documentName + " (in the standard imports or the code the test wraps around a snippet)";
            }
            errors.add(where + ": " + String.join("; ", d.getMessage(Locale.ROOT).lines().map(String::strip)
                    .filter(line -> !line.isEmpty()).toList()));
        }
        return List.copyOf(errors);
    }

    /** One source per compilation unit, per members snippet, and per run of statements snippets that continue. */
    private static List<Source> sources(List<Snippet> snippets) {
        List<Source> sources = new ArrayList<>();
        for (int i = 0; i < snippets.size(); i++) {
            Snippet first = snippets.get(i);
            String pkg = "readme.line" + first.firstLine();
            List<String> lines = new ArrayList<>();
            List<Integer> documentLines = new ArrayList<>();
            String fileName = "Snippet.java";
            switch (first.kind()) {
                case COMPILATION_UNIT -> {
                    int packageLine = -1;
                    for (int k = 0; k < first.code().size(); k++) {
                        if (packageLine < 0 && first.code().get(k).startsWith("package ")) {
                            packageLine = k;
                        }
                        Matcher type = PUBLIC_TYPE.matcher(first.code().get(k));
                        if (type.find()) {
                            fileName = type.group(4) + ".java";
                        }
                    }
                    if (packageLine < 0) {
                        generated(lines, documentLines, "package " + pkg + ";");
                        STANDARD_IMPORTS.forEach(imp -> generated(lines, documentLines, imp));
                    } else {
                        pkg = first.code().get(packageLine).substring("package ".length()).replace(";", "").strip();
                    }
                    for (int k = 0; k < first.code().size(); k++) {
                        lines.add(first.code().get(k));
                        documentLines.add(first.firstLine() + k);
                        if (k == packageLine) {
                            STANDARD_IMPORTS.forEach(imp -> generated(lines, documentLines, imp));
                        }
                    }
                }
                case MEMBERS -> {
                    generated(lines, documentLines, "package " + pkg + ";");
                    STANDARD_IMPORTS.forEach(imp -> generated(lines, documentLines, imp));
                    generated(lines, documentLines, "class Snippet {");
                    append(lines, documentLines, first);
                    generated(lines, documentLines, "}");
                }
                case STATEMENTS -> {
                    List<Snippet> run = new ArrayList<>(List.of(first));
                    while (i + 1 < snippets.size() && snippets.get(i + 1).continues()) {
                        run.add(snippets.get(++i));
                    }
                    String parameters = String.join(", ", run.stream().map(Snippet::given)
                            .filter(given -> !given.isEmpty()).toList());
                    generated(lines, documentLines, "package " + pkg + ";");
                    STANDARD_IMPORTS.forEach(imp -> generated(lines, documentLines, imp));
                    generated(lines, documentLines, "class Snippet {");
                    generated(lines, documentLines, "void run(" + parameters + ") throws Exception {");
                    run.forEach(s -> append(lines, documentLines, s));
                    generated(lines, documentLines, "}");
                    generated(lines, documentLines, "}");
                }
                default -> throw new AssertionError(first.kind());
            }
            sources.add(new Source(pkg.replace('.', '/') + "/" + fileName, lines, documentLines, first.firstLine()));
        }
        return sources;
    }

    private static void generated(List<String> lines, List<Integer> documentLines, String line) {
        lines.add(line);
        documentLines.add(0);
    }

    private static void append(List<String> lines, List<Integer> documentLines, Snippet snippet) {
        for (int k = 0; k < snippet.code().size(); k++) {
            lines.add(snippet.code().get(k));
            documentLines.add(snippet.firstLine() + k);
        }
    }

    /**
     * The class path of the running tests: surefire's {@code surefire.test.class.path} (its own
     * {@code java.class.path} is a manifest-only jar), else {@code java.class.path}.
     *
     * @return the class path entries, joined with the path separator
     */
    static String testClassPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    /**
     * The entries of {@link #testClassPath()}.
     *
     * @return the entries, as absolute normalized paths
     */
    static List<Path> testClassPathEntries() {
        return Arrays.stream(testClassPath().split(java.io.File.pathSeparator))
                .filter(entry -> !entry.isBlank())
                .map(entry -> Path.of(entry).toAbsolutePath().normalize())
                .toList();
    }
}
