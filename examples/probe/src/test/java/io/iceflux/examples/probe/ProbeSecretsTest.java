package io.iceflux.examples.probe;

import static io.iceflux.examples.probe.ProbeRuns.assertUsageError;
import static io.iceflux.examples.probe.ProbeRuns.fast;
import static io.iceflux.examples.probe.ProbeRuns.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.iceflux.examples.probe.ProbeRuns.Run;
import io.iceflux.testkit.TestTurnServer;
import io.iceflux.testkit.TestTurnServerExtension;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TURN password kept off the command line: {@code --password-file}, {@code ICEFLUX_TURN_PASSWORD}, the prompt of
 * {@code --password} without a value, and an RTCConfiguration on standard input ({@code --config -}); {@code
 * --password VALUE} still works, with a warning. Every mistake is a usage error naming the option, and the password
 * appears nowhere in what the probe writes.
 */
class ProbeSecretsTest {

    private static final String USER = "alice";
    private static final String SECRET = "Pa55-marker-9c1e";

    @RegisterExtension
    static final TestTurnServerExtension TURN = TestTurnServerExtension.perClass(
            TestTurnServer.builder().user(USER, SECRET));

    @TempDir
    Path dir;

    private final List<String> prompts = new ArrayList<>();

    /** The command with this environment, standard input and prompt answer ({@code null}: no terminal). */
    private ProbeCommand command(Map<String, String> environment, String stdin, String typed) {
        Function<String, char[]> prompt = text -> {
            prompts.add(text);
            return typed == null ? null : typed.toCharArray();
        };
        return new ProbeCommand(ProbeGatherers.netty(), Clock.systemUTC(), environment::get,
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), prompt);
    }

    private ProbeCommand command(Map<String, String> environment) {
        return command(environment, "", null);
    }

    private Path file(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    private static void assertRelayAndSecretNeverShown(Run run) {
        assertThat(run.exitCode()).as("stdout: %s%nstderr: %s", run.out(), run.err()).isEqualTo(ProbeCommand.OK);
        assertThat(run.lines()).anyMatch(l -> l.startsWith("  OK   " + TURN.server().turnUdpUrl()
                + ": reachable; credentials accepted; relay 127.0.0.1:"));
        assertSecretNeverShown(run);
    }

    private static void assertSecretNeverShown(Run run) {
        assertThat(run.out()).doesNotContain(SECRET);
        assertThat(run.err()).doesNotContain(SECRET);
    }

    @Test
    void aPasswordFileGivesARelay() throws IOException {
        Path file = file("turn-password", SECRET + "\nignored second line\n");

        Run run = run(command(Map.of()), fast(TURN.server().turnUdpUrl(), "-u", USER, "--password-file",
                file.toString()));

        assertRelayAndSecretNeverShown(run);
        assertThat(run.err()).isEmpty();
    }

    @Test
    void theEnvironmentVariableGivesARelayAndJsonNeverShowsIt() {
        Run run = run(command(Map.of(ProbeCommand.PASSWORD_ENV, SECRET)),
                fast("--json", TURN.server().turnUdpUrl(), "-u", USER));

        assertThat(run.exitCode()).as(run.out()).isEqualTo(ProbeCommand.OK);
        assertThat(run.summary().get("ok").asBoolean()).isTrue();
        assertThat(run.err()).isEmpty();
        assertSecretNeverShown(run);
    }

    @Test
    void passwordWithoutAValueAsksForIt() {
        Run run = run(command(Map.of(), "", SECRET), fast(TURN.server().turnUdpUrl(), "-u", USER, "--password"));

        assertRelayAndSecretNeverShown(run);
        assertThat(prompts).containsExactly("TURN password: ");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void passwordWithAValueStillWorksAndWarnsWhyItIsUnsafe() {
        Run run = run(command(Map.of()), fast(TURN.server().turnUdpUrl(), "-u", USER, "--password", SECRET));

        assertRelayAndSecretNeverShown(run);
        assertThat(run.err()).isEqualTo("iceflux-probe: warning: --password VALUE shows the password to every user"
                + " of this machine (ps) and leaves it in your shell history; use --password-file FILE, the"
                + " environment variable ICEFLUX_TURN_PASSWORD, or --password without a value to be asked for it"
                + System.lineSeparator());
    }

    @Test
    void aWrongPasswordFromAFileIsA401VerdictThatNeverShowsIt() throws IOException {
        String wrong = "Wr0ng-marker-55aa";
        Run run = run(command(Map.of()), fast("--json", TURN.server().turnUdpUrl(), "-u", USER, "--password-file",
                file("wrong", wrong).toString()));

        assertThat(run.exitCode()).isEqualTo(ProbeCommand.SOME_FAILED);
        assertThat(run.summary().get("servers").get(0).get("verdict").asText())
                .isEqualTo(ProbeCommandTest.WRONG_PASSWORD_VERDICT);
        assertThat(run.out() + run.err()).doesNotContain(wrong).doesNotContain(SECRET);
    }

    @Test
    void aBadPasswordSettingIsAUsageErrorNamingTheOptionNeverThePassword() throws IOException {
        String url = TURN.server().turnUdpUrl();
        Path missing = dir.resolve("missing");
        Path empty = file("empty", "\n");
        Path good = file("good", SECRET);
        Path secretFile = file("rest-secret", "rest-" + SECRET);

        for (boolean json : new boolean[] {false, true}) {
            List<Object[]> cases = List.of(
                    new Object[] {command(Map.of()), new String[] {"--password-file", missing.toString()},
                        "--password-file " + missing + ": cannot read it (NoSuchFileException)"},
                    new Object[] {command(Map.of()), new String[] {"--password-file", dir.toString()},
                        "--password-file " + dir + ": cannot read it (IOException)"},
                    new Object[] {command(Map.of()), new String[] {"--password-file", empty.toString()},
                        "--password-file " + empty + ": the password is empty"},
                    new Object[] {command(Map.of()), new String[] {"--password-file", good.toString(), "-p", SECRET},
                        "--password and --password-file exclude each other"},
                    new Object[] {command(Map.of()), new String[] {"--password-file", good.toString(),
                        "--auth-secret-file", secretFile.toString()},
                        "--auth-secret-file and --password-file exclude each other"},
                    new Object[] {command(Map.of(ProbeCommand.PASSWORD_ENV, "")), new String[0],
                        "ICEFLUX_TURN_PASSWORD is set but empty"},
                    new Object[] {command(Map.of(ProbeCommand.PASSWORD_ENV, SECRET, ProbeCommand.SECRET_ENV,
                        "rest-" + SECRET)), new String[0], "ICEFLUX_TURN_PASSWORD and ICEFLUX_TURN_SECRET are both"
                        + " set: unset one, or choose with --password-file or --auth-secret-file"},
                    new Object[] {command(Map.of(), "", null), new String[] {"--password"},
                        "--password without a value asks for the password on a terminal, and there is none (or"
                        + " nothing was typed): use --password-file FILE or the environment variable"
                        + " ICEFLUX_TURN_PASSWORD"},
                    new Object[] {command(Map.of(), "", ""), new String[] {"--password"},
                        "--password: the password typed is empty"});
            for (Object[] c : cases) {
                List<String> args = new ArrayList<>(List.of(ProbeRuns.json(json, url, "-u", USER)));
                args.addAll(List.of((String[]) c[1]));
                Run run = run((ProbeCommand) c[0], fast(args.toArray(String[]::new)));

                assertUsageError(run, json, (String) c[2]);
                assertSecretNeverShown(run);
            }
        }
    }

    @Test
    void configDashReadsTheRtcConfigurationFromStandardInput() {
        String config = "{\"iceServers\":[{\"urls\":\"" + TURN.server().turnUdpUrl() + "\",\"username\":\"" + USER
                + "\",\"credential\":\"" + SECRET + "\"}]}";

        Run run = run(command(Map.of(), config, null), fast("--config", "-"));

        assertRelayAndSecretNeverShown(run);
        assertThat(run.err()).isEmpty();
    }

    @Test
    void anEmptyOrBrokenStandardInputIsAUsageErrorThatNeverShowsIt() {
        Run empty = run(command(Map.of(), "", null), fast("--config", "-"));
        Run broken = run(command(Map.of(), "{\"iceServers\":[{\"credential\":\"" + SECRET + "\" oops", null),
                fast("--json", "--config", "-"));

        assertUsageError(empty, false, "--config -: standard input is empty; pipe the RTCConfiguration JSON in");
        assertThat(broken.exitCode()).isEqualTo(ProbeCommand.USAGE);
        assertThat(broken.err()).startsWith("iceflux-probe: --config -: not valid JSON").hasLineCount(1);
        assertSecretNeverShown(broken);
    }
}
