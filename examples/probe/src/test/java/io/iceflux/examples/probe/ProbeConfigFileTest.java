package io.iceflux.examples.probe;

import static io.iceflux.examples.probe.ProbeRuns.assertUsageError;
import static io.iceflux.examples.probe.ProbeRuns.fast;
import static io.iceflux.examples.probe.ProbeRuns.json;
import static io.iceflux.examples.probe.ProbeRuns.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.iceflux.examples.common.RtcConfigurationFile;
import io.iceflux.examples.probe.ProbeRuns.Run;
import io.iceflux.testkit.TestTurnServer;
import io.iceflux.testkit.TestTurnServerExtension;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --config} files the probe cannot use: too large or endless, not UTF-8, not JSON. Each is a usage error
 * (exit status 2, one line on stderr saying which file and what is wrong, with --json the summary too), and no
 * message ever shows what the file says, so a credential in it stays out of the terminal and the logs.
 */
class ProbeConfigFileTest {

    /** A recognisable credential: it must appear nowhere in what the probe writes. */
    private static final String SECRET = "S3cr3tMarker7f3a";

    @RegisterExtension
    static final TestTurnServerExtension TURN = TestTurnServerExtension.perClass(TestTurnServer.builder());

    @TempDir
    Path dir;

    // --- size --------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "json {0}")
    @ValueSource(booleans = {false, true})
    void aConfigFileOfExactlyTheLimitIsRead(boolean json) throws IOException {
        Path config = padded("max.json", RtcConfigurationFile.MAX_BYTES);

        Run run = run(fast(json(json, "--config", config.toString())));

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ProbeCommand.OK);
        assertThat(run.err()).isEmpty();
    }

    @ParameterizedTest(name = "json {0}")
    @ValueSource(booleans = {false, true})
    void aConfigFileOneByteLargerIsAUsageError(boolean json) throws IOException {
        Path config = padded("too-large.json", RtcConfigurationFile.MAX_BYTES + 1);

        Run run = run(fast(json(json, "--config", config.toString())));

        assertUsageError(run, json, tooLarge(config));
    }

    @Test
    void aHugeSparseFileIsAUsageError() throws IOException {
        Path config = dir.resolve("huge.json");
        try (RandomAccessFile file = new RandomAccessFile(config.toFile(), "rw")) {
            file.setLength(4L << 30);
        }

        Run run = run("--config", config.toString());

        assertUsageError(run, false, tooLarge(config));
    }

    @ParameterizedTest(name = "json {0}")
    @ValueSource(booleans = {false, true})
    void devZeroIsAUsageError(boolean json) {
        Path zero = Path.of("/dev/zero");
        assumeTrue(Files.isReadable(zero), "no /dev/zero here");

        Run run = run(json(json, "--config", zero.toString()));

        assertUsageError(run, json, tooLarge(zero));
    }

    @Test
    void aPipeThatNeverEndsIsAUsageError() throws Exception {
        Path fifo = dir.resolve("endless.json");
        Process mkfifo;
        try {
            mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        } catch (IOException e) {
            assumeTrue(false, "no mkfifo here: " + e);
            return;
        }
        assumeTrue(mkfifo.waitFor() == 0 && !Files.isRegularFile(fifo), "mkfifo failed");
        Thread writer = new Thread(() -> {
            byte[] spaces = new byte[8192];
            Arrays.fill(spaces, (byte) ' ');
            try (OutputStream out = Files.newOutputStream(fifo)) {
                while (true) {
                    out.write(spaces);
                }
            } catch (IOException e) {
                // the probe closed its end: the pipe is broken, as it should be
            }
        }, "endless-writer");
        writer.setDaemon(true);
        writer.start();

        Run run = run("--config", fifo.toString());

        assertUsageError(run, false, tooLarge(fifo));
        writer.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(writer.isAlive()).as("the writer saw the probe close the pipe").isFalse();
    }

    // --- encoding ----------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "json {0}")
    @ValueSource(booleans = {false, true})
    void aLatin1ConfigIsAUsageErrorGivingTheByteOffset(boolean json) throws IOException {
        String text = "{\"iceServers\":[\n  {\"urls\":\"stun:caf\u00e9.example.org\"}\n]}";
        Path config = dir.resolve("latin1.json");
        Files.write(config, text.getBytes(StandardCharsets.ISO_8859_1));

        Run run = run(json(json, "--config", config.toString()));

        int offset = text.indexOf('\u00e9');
        assertUsageError(run, json, "--config " + config + ": not UTF-8: invalid byte sequence at byte offset "
                + offset + " (line 2); save the file as UTF-8");
    }

    @Test
    void aConfigEndingInTheMiddleOfACharacterIsAUsageError() throws IOException {
        byte[] utf8 = "{\"iceServers\":[]} \u00e9".getBytes(StandardCharsets.UTF_8);
        Path config = dir.resolve("cut.json");
        Files.write(config, Arrays.copyOf(utf8, utf8.length - 1));

        Run run = run("--config", config.toString());

        assertUsageError(run, false, "--config " + config + ": not UTF-8: invalid byte sequence at byte offset "
                + (utf8.length - 2) + " (line 1); save the file as UTF-8");
    }

    @Test
    void aUtf8ByteOrderMarkIsAccepted() throws IOException {
        Path config = dir.resolve("bom.json");
        Files.writeString(config, "\ufeff{\"iceServers\":[{\"urls\":\"" + TURN.server().stunUrl() + "\"}]}");

        Run run = run(fast("--config", config.toString()));

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ProbeCommand.OK);
    }

    // --- credentials -------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "json {0}")
    @ValueSource(booleans = {false, true})
    void anUnquotedCredentialIsNotEchoed(boolean json) throws IOException {
        Path config = dir.resolve("unquoted.json");
        Files.writeString(config, "{\"iceServers\":[{\"urls\":\"turn:127.0.0.1\",\n"
                + "  \"username\":\"alice\", \"credential\": " + SECRET + "}]}");

        Run run = run(json(json, "--config", config.toString()));

        assertUsageError(run, json, "--config " + config + ": not valid JSON at line 2, column 37: expected a "
                + "value (a string in double quotes, a number, an object, an array, true, false or null)");
        assertThat(run.out() + run.err()).doesNotContain(SECRET).doesNotContain("3cr3t");
    }

    /**
     * Broken JSON around a credential or a username, each a different error of the JSON parser or of the
     * credential's checks, and what the message says instead of the text.
     */
    static Stream<Arguments> brokenConfigs() {
        String head = "{\"iceServers\":[{\"urls\":\"turn:127.0.0.1\",\"username\":\"alice\",\"credential\":";
        String value = "at line 1, column 73: expected a value (a string in double quotes, a number, an object, an "
                + "array, true, false or null)";
        return Stream.of(
                Arguments.of("single quotes", head + "'" + SECRET + "'}]}", value),
                Arguments.of("unquoted username", "{\"iceServers\":[{\"urls\":\"turn:127.0.0.1\",\"username\":"
                        + SECRET + ",\"credential\":\"x\"}]}", "column 52: expected a value"),
                Arguments.of("unquoted, starting with a JSON word", head + "true" + SECRET + "}]}", value),
                Arguments.of("unquoted, starting with a number", head + "12" + SECRET + "}]}",
                        "column 75: expected ',' or '}' after a member's value"),
                Arguments.of("unterminated string", head + "\"" + SECRET,
                        "the file ends before the JSON does"),
                Arguments.of("raw line break in the string", head + "\"" + SECRET + "\n" + SECRET + "\"}]}",
                        "a control character (such as a line break or a tab) in a string must be escaped"),
                Arguments.of("bad escape in the string", head + "\"" + SECRET + "\\q" + SECRET + "\"}]}",
                        "a backslash in a string must start an escape"),
                Arguments.of("missing comma", head + "\"" + SECRET + "\" \"" + SECRET + "\"}]}",
                        "expected ',' or '}' after a member's value"),
                Arguments.of("missing colon", head.substring(0, head.length() - 1) + " \"" + SECRET + "\"}]}",
                        "expected ':' after a member name"),
                Arguments.of("unquoted member name", "{\"iceServers\":[{" + SECRET + ":\"x\"}]}",
                        "column 17: expected a member name in double quotes"),
                Arguments.of("trailing comma", head + "\"" + SECRET + "\",}]}",
                        "expected a member name in double quotes"),
                Arguments.of("mismatched bracket", head + "\"" + SECRET + "\"]]}",
                        "a ']' or '}' that does not match the '[' or '{' it closes"),
                Arguments.of("credential not a string", head + "{\"secret\":\"" + SECRET + "\"}}]}",
                        "iceServers[0].credential must be a string"),
                Arguments.of("control character in the credential", head + "\"" + SECRET + "\\u0007\"}]}",
                        "the credential contains a control character"),
                Arguments.of("credential too long", head + "\"" + SECRET.repeat(40) + "\"}]}",
                        "the credential is too long in UTF-8"),
                Arguments.of("lone surrogate in the credential", head + "\"" + SECRET + "\\ud800\"}]}",
                        "the credential is not valid Unicode"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenConfigs")
    void aBrokenConfigNeverShowsItsCredential(String name, String text, String says) throws IOException {
        Path config = dir.resolve("broken.json");
        Files.writeString(config, text);

        for (boolean json : new boolean[] {false, true}) {
            Run run = run(json(json, "--config", config.toString()));

            assertThat(run.exitCode()).as("%s: %s", name, run.err()).isEqualTo(ProbeCommand.USAGE);
            assertThat(run.err()).startsWith("iceflux-probe: ").contains(says).hasLineCount(1);
            assertThat(run.out() + run.err()).as(name).doesNotContain(SECRET).doesNotContain("3cr3t");
        }
    }

    @Test
    void aJsonSyntaxErrorSaysWhereAndWhatWasExpected() throws IOException {
        Path config = dir.resolve("syntax.json");
        Files.writeString(config, "{\"iceServers\":[{\"urls\":\"stun:a.example\"}");

        Run run = run("--config", config.toString());

        assertUsageError(run, false, "--config " + config + ": not valid JSON at line 1, column 41: the file ends "
                + "before the JSON does (is a ']', '}' or '\"' missing?)");
    }

    private Path padded(String name, int size) throws IOException {
        byte[] json = ("{\"iceServers\":[{\"urls\":\"" + TURN.server().stunUrl() + "\"}]}").getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[size];
        Arrays.fill(bytes, (byte) ' ');
        System.arraycopy(json, 0, bytes, 0, json.length);
        Path config = dir.resolve(name);
        Files.write(config, bytes);
        return config;
    }

    private static String tooLarge(Path config) {
        return "--config " + config + ": larger than 1 MB (1048576 bytes), the most a configuration file may hold";
    }
}
