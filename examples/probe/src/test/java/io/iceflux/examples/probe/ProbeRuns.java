package io.iceflux.examples.probe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine;

/** Runs the probe's command line in the test's JVM, as {@code main} does, and checks what every run must hold. */
final class ProbeRuns {

    static final ObjectMapper JSON = new ObjectMapper();

    /** Options that make a probe of a server on loopback quick. */
    static final String[] FAST = {"--loopback-only", "--rto", "100", "--max-requests", "3", "--deadline", "3000"};

    /** A line of a Java stack trace, or the line naming the exception above it. */
    private static final Pattern STACK_TRACE = Pattern.compile(
            "(?m)^(\\s+at |Caused by: |Exception in thread |([a-z_$][\\w$]*\\.)+[A-Z][\\w$]*(Exception|Error)\\b)");

    private ProbeRuns() {
    }

    /** What a run wrote and returned. */
    record Run(int exitCode, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }

        List<JsonNode> json() {
            List<JsonNode> nodes = new ArrayList<>();
            for (String line : lines()) {
                try {
                    nodes.add(JSON.readTree(line));
                } catch (IOException e) {
                    throw new AssertionError("not a JSON line: " + line, e);
                }
            }
            return nodes;
        }

        /** The last JSON line, which the contract says is the summary. */
        JsonNode summary() {
            List<JsonNode> nodes = json();
            assertThat(nodes).as("JSON lines of %s", out).isNotEmpty();
            JsonNode summary = nodes.get(nodes.size() - 1);
            assertThat(summary.get("type").asText()).isEqualTo("summary");
            return summary;
        }
    }

    /** Run the command line with the gatherers of the real probe. */
    static Run run(String... args) {
        return run(ProbeGatherers.netty(), args);
    }

    /**
     * Run the command line with these gatherers. Whatever the arguments, no stack trace may be written: a client's
     * mistake is a one-line usage error, and anything else a verdict.
     */
    static Run run(ProbeGatherers gatherers, String... args) {
        return run(new ProbeCommand(gatherers), args);
    }

    /** Run the command line of {@code command} (e.g. with its own clock and environment), checked as above. */
    static Run run(ProbeCommand command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = ProbeCommand.commandLine(command);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args);
        Run run = new Run(exitCode, out.toString(), err.toString());
        assertThat(run.out()).as("stdout").doesNotContainPattern(STACK_TRACE);
        assertThat(run.err()).as("stderr").doesNotContainPattern(STACK_TRACE);
        return run;
    }

    /** {@link #FAST} followed by {@code args}. */
    static String[] fast(String... args) {
        return Stream.concat(Stream.of(FAST), Stream.of(args)).toArray(String[]::new);
    }

    /** {@code args}, with {@code --json} first when {@code json}. */
    static String[] json(boolean json, String... args) {
        return json ? Stream.concat(Stream.of("--json"), Stream.of(args)).toArray(String[]::new) : args;
    }

    /**
     * Check that the run was a usage error: exit status 2, exactly {@code line} on stderr (after
     * {@code iceflux-probe: }), and on stdout nothing, or with {@code --json} only the summary, which carries the
     * same text as {@code usageError}.
     */
    static void assertUsageError(Run run, boolean json, String line) {
        assertThat(run.exitCode()).as("exit status; stderr: %s", run.err()).isEqualTo(ProbeCommand.USAGE);
        assertThat(run.err()).isEqualTo("iceflux-probe: " + line + System.lineSeparator());
        if (!json) {
            assertThat(run.out()).isEmpty();
            return;
        }
        assertThat(run.lines()).hasSize(1);
        JsonNode summary = run.summary();
        assertThat(fieldNames(summary))
                .containsExactly("type", "ok", "exitCode", "servers", "usageError", "generation", "t");
        assertThat(summary.get("generation").isNull()).as("nothing was gathered").isTrue();
        assertThat(summary.get("ok").asBoolean()).isFalse();
        assertThat(summary.get("exitCode").asInt()).isEqualTo(ProbeCommand.USAGE);
        assertThat(summary.get("servers")).isEmpty();
        assertThat(summary.get("usageError").asText()).isEqualTo(line);
        assertThat(summary.get("t").isIntegralNumber()).isTrue();
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
