package io.iceflux.examples.probe;

import static io.iceflux.examples.probe.ProbeRuns.assertUsageError;
import static io.iceflux.examples.probe.ProbeRuns.fast;
import static io.iceflux.examples.probe.ProbeRuns.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.iceflux.examples.probe.ProbeRuns.Run;
import io.iceflux.netty.coturn.Coturn;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The probe with TURN REST credentials (--auth-secret-file, ICEFLUX_TURN_SECRET) against coturn's use-auth-secret. */
class ProbeTurnRestTest {

    static final String SECRET = "probe-rest-secret-4711";

    static Coturn coturn;

    @TempDir
    Path directory;

    @BeforeAll
    static void startCoturn() {
        coturn = Coturn.builder().tls(false).authSecret(SECRET).start();
    }

    @AfterAll
    static void stopCoturn() {
        coturn.close();
    }

    Path secretFile(String content) throws IOException {
        Path file = directory.resolve("turn-secret");
        Files.writeString(file, content);
        return file;
    }

    static ProbeCommand command(Clock clock, Map<String, String> environment) {
        return new ProbeCommand(ProbeGatherers.netty(), clock, environment::get);
    }

    static void assertSecretNeverShown(Run run) {
        assertThat(run.out()).doesNotContain(SECRET);
        assertThat(run.err()).doesNotContain(SECRET);
    }

    static String okLine() {
        return "  OK   " + Pattern.quote(coturn.turnUdpUrl()) + ": reachable; credentials accepted; relay "
                + "127\\.0\\.0\\.1:\\d+ obtained in \\d+ ms; relayed data flows \\(median rtt \\d+\\.\\d+ ms, 0% loss\\)";
    }

    @Test
    void authSecretFileGivesARelay() throws IOException {
        Run run = run(fast(coturn.turnUdpUrl(), "--auth-secret-file", secretFile(SECRET + "\n").toString(),
                "--user", "alice"));

        assertThat(run.exitCode()).as("stdout: %s", run.out()).isEqualTo(ProbeCommand.OK);
        assertThat(run.lines()).anyMatch(l -> l.matches(okLine()));
        assertSecretNeverShown(run);
    }

    @Test
    void theEnvironmentVariableGivesARelayWithoutAUserIdAndJsonNeverShowsTheSecret() {
        Run run = run(command(Clock.systemUTC(), Map.of(ProbeCommand.SECRET_ENV, SECRET)),
                fast("--json", coturn.turnUdpUrl()));

        assertThat(run.exitCode()).as("stdout: %s", run.out()).isEqualTo(ProbeCommand.OK);
        assertThat(run.summary().get("ok").asBoolean()).isTrue();
        assertSecretNeverShown(run);
    }

    @Test
    void credentialsMintedByAClockPastTheirTtlGiveTheCredentialsExpiredVerdict() throws IOException {
        Clock twoHoursAgo = Clock.offset(Clock.systemUTC(), Duration.ofHours(-2));
        Run run = run(command(twoHoursAgo, Map.of()), fast(coturn.turnUdpUrl(),
                "--auth-secret-file", secretFile(SECRET).toString(), "--user", "alice", "--ttl", "3600"));

        assertThat(run.exitCode()).isEqualTo(ProbeCommand.SOME_FAILED);
        assertThat(run.lines()).anyMatch(l -> l.matches("  FAIL " + Pattern.quote(coturn.turnUdpUrl())
                + ": TURN server answered 401 Unauthorized — not fatal for the other servers; likely cause: the TURN "
                + "REST credentials had expired: check the clocks of this machine and the server, and the TTL "
                + "\\[turn-rest-expired: 401 Unauthorized to credentials whose TURN REST username expired at \\S+Z\\]"));
        assertSecretNeverShown(run);
    }

    @Test
    void aWrongSecretIsAPlain401() throws IOException {
        Run run = run(fast(coturn.turnUdpUrl(), "--auth-secret-file", secretFile("not-the-secret").toString(),
                "--user", "alice"));

        assertThat(run.exitCode()).isEqualTo(ProbeCommand.SOME_FAILED);
        assertThat(run.lines()).anyMatch(l -> l.equals("  FAIL " + coturn.turnUdpUrl() + ": "
                + ProbeCommandTest.WRONG_PASSWORD_VERDICT));
        assertThat(run.out()).doesNotContain("not-the-secret");
    }

    @Test
    void aMissingOrEmptySecretFileIsAOneLineUsageError() throws IOException {
        Path missing = directory.resolve("no-such-file");
        assertUsageError(run(fast(coturn.turnUdpUrl(), "--auth-secret-file", missing.toString())), false,
                "--auth-secret-file " + missing + ": cannot read it (NoSuchFileException)");

        Path empty = secretFile("\n");
        assertUsageError(run(fast(coturn.turnUdpUrl(), "--auth-secret-file", empty.toString())), false,
                "--auth-secret-file " + empty + ": the secret is empty");

        assertUsageError(run(fast(coturn.turnUdpUrl(), "--auth-secret-file", directory.toString())), false,
                "--auth-secret-file " + directory + ": cannot read it (IOException)");

        assertUsageError(run(command(Clock.systemUTC(), Map.of(ProbeCommand.SECRET_ENV, "")),
                fast(coturn.turnUdpUrl())), false, ProbeCommand.SECRET_ENV + " is set but empty");
    }

    @Test
    void aSecretFileWithAPasswordOrABadTtlIsAUsageError() throws IOException {
        Path file = secretFile(SECRET);
        Run withPassword = run(fast(coturn.turnUdpUrl(), "--auth-secret-file", file.toString(), "-p", "x"));
        assertUsageError(withPassword, false, "--auth-secret-file and --password exclude each other");
        Run badTtl = run(fast(coturn.turnUdpUrl(), "--auth-secret-file", file.toString(), "--ttl", "0"));
        assertUsageError(badTtl, false, "--ttl must be 1 to 315360000 seconds, not 0");
        assertSecretNeverShown(withPassword);
    }
}
