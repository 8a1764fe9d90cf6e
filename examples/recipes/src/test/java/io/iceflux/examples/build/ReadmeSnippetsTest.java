package io.iceflux.examples.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Java snippet of the repository's README compiles against the built library jars (this module's test class
 * path: iceflux-core, iceflux-netty, iceflux-testkit, iceflux-test-support, the recipes, JUnit 5), extracted and
 * wrapped as {@link MarkdownSnippets} documents: a snippet that uses variables it does not declare says so in an
 * HTML comment on the line before its fence, {@code <!-- snippet: given IceGatherer gatherer -->}, and one that goes
 * on from the snippet before it says {@code <!-- snippet: continues -->}.
 *
 * <p>Snippets that need more on the class path (a Spring Boot application with the starter) need that artifact as a
 * test dependency of this module; a snippet that imports what the standard imports lack is best written as a whole
 * compilation unit with its own imports.
 */
class ReadmeSnippetsTest {

    private static final Path README = MavenReactor.root().resolve("README.md");

    @Test
    void everyJavaSnippetOfTheReadmeCompiles(@TempDir Path classes) throws IOException {
        List<MarkdownSnippets.Snippet> snippets = MarkdownSnippets.parse(Files.readString(README));

        List<String> errors = MarkdownSnippets.compile("README.md", snippets, MarkdownSnippets.testClassPath(), classes);

        assertThat(snippets).as("Java snippets found in %s", README).hasSizeGreaterThanOrEqualTo(9);
        assertThat(errors).as("compile errors of the README's Java snippets").isEmpty();
    }

    @Test
    void aCompileErrorNamesTheDocumentLineOfTheSnippet(@TempDir Path classes) {
        String markdown = """
                # Title

                <!-- snippet: given IceGatherer gatherer -->
                ```java
                Flux<IceEvent> events = gatherer.gather(IceConfiguration.builder().build());
                events.noSuchOperator();
                ```
                """;

        List<String> errors = MarkdownSnippets.compile("DOC.md", MarkdownSnippets.parse(markdown),
                MarkdownSnippets.testClassPath(), classes);

        assertThat(errors).singleElement().asString().startsWith("DOC.md:6: ").contains("noSuchOperator");
    }

    @Test
    void aSnippetThatContinuesSeesTheVariablesOfTheOneBefore(@TempDir Path classes) {
        String markdown = """
                ```java
                IceServer stun = IceServer.of("stun:stun.example.org");
                ```
                Some prose.

                <!-- snippet: continues; given IceGatherer gatherer -->
                ```java
                gatherer.gather(IceConfiguration.builder().server(stun).build()).blockLast(Duration.ofSeconds(1));
                ```
                ```java
                stun.urls();
                ```
                """;

        List<MarkdownSnippets.Snippet> snippets = MarkdownSnippets.parse(markdown);
        List<String> errors = MarkdownSnippets.compile("DOC.md", snippets, MarkdownSnippets.testClassPath(), classes);

        assertThat(snippets).extracting(MarkdownSnippets.Snippet::kind)
                .containsOnly(MarkdownSnippets.Kind.STATEMENTS);
        assertThat(errors).singleElement().asString()
                .as("the third snippet does not continue, so stun is unknown there")
                .startsWith("DOC.md:11: ").contains("stun");
    }

    @Test
    void classMembersAndCompilationUnitsAreRecognised(@TempDir Path classes) {
        String markdown = """
                ```java
                @Test
                void test() {
                    Assertions.assertTrue(true);
                }
                ```
                ```java
                import java.util.concurrent.atomic.AtomicInteger;

                public record Counted(AtomicInteger count) {
                }
                ```
                """;

        List<MarkdownSnippets.Snippet> snippets = MarkdownSnippets.parse(markdown);
        List<String> errors = MarkdownSnippets.compile("DOC.md", snippets, MarkdownSnippets.testClassPath(), classes);

        assertThat(snippets).extracting(MarkdownSnippets.Snippet::kind)
                .containsExactly(MarkdownSnippets.Kind.MEMBERS, MarkdownSnippets.Kind.COMPILATION_UNIT);
        assertThat(errors).isEmpty();
    }

    @Test
    void aBadSnippetCommentIsRefusedWithItsLine() {
        assertThatThrownBy(() -> MarkdownSnippets.parse("text\n<!-- snippet: assumes gatherer -->\n```java\nint a;\n```\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("line 2: unknown snippet directive \"assumes gatherer\"");
        assertThatThrownBy(() -> MarkdownSnippets.parse("<!-- snippet: continues -->\n```java\nint a;\n```\n"))
                .hasMessageStartingWith("line 1: continues, but no statements snippet comes before it");
    }
}
