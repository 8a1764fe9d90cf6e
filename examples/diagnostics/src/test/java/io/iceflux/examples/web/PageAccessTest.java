package io.iceflux.examples.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iceflux.examples.web.DiagnosticsProperties.Interfaces;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the page decides at start-up from where it listens, its allowlist and its password; the addresses are only
 * looked at, never bound.
 */
class PageAccessTest {

    private static final String SECRET = "s3cret-that-must-never-show";

    private static DemoServers demo;

    @TempDir
    Path files;

    @BeforeAll
    static void startDemo() {
        demo = DemoServers.start();
    }

    @AfterAll
    static void stopDemo() {
        demo.close();
    }

    private static DiagnosticsProperties properties(List<String> allow, Path passwordFile) {
        return new DiagnosticsProperties(false, 4, Interfaces.AUTO, List.of(), false, Duration.ofSeconds(60), allow,
                passwordFile);
    }

    @Test
    void onLoopbackWithoutRulesAnyServerMayBeProbedAsBefore() {
        PageAccess access = PageAccess.decide(properties(List.of(), null), "127.0.0.1", demo, null);

        assertThat(access.exposed()).isFalse();
        assertThat(access.allowlist()).isEmpty();
        assertThat(access.password()).isEmpty();
        assertThat(PageAccess.decide(properties(List.of(), null), "::1", null, null).exposed()).isFalse();
        assertThat(PageAccess.decide(properties(List.of(), null), "localhost", null, null).exposed()).isFalse();
    }

    @Test
    void configuredRulesAreInForceOnLoopbackTooWithTheDemoServersPorts() {
        PageAccess access = PageAccess.decide(properties(List.of("turn.example.org:3478"), null), "127.0.0.1", demo,
                null);

        assertThat(access.allowlist()).get().hasToString("turn.example.org:3478, "
                + String.join(", ", demo.ports().stream().map(p -> "127.0.0.1:" + p).toList()));
    }

    @Test
    void exposedWithoutAnyRuleRefusesToStartSayingHowToConfigureIt() {
        for (String address : new String[] {"0.0.0.0", "::", "", null}) {
            assertThatThrownBy(() -> PageAccess.decide(properties(List.of(), null), address, null, null))
                    .as("server.address=%s", address)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not on loopback, and iceflux.diagnostics.allow is empty")
                    .hasMessageContaining("port scanner")
                    .hasMessageContaining("Set iceflux.diagnostics.allow to the STUN/TURN servers it may probe")
                    .hasMessageContaining("server.address=127.0.0.1");
        }
    }

    @Test
    void exposedInDemoModeProbesOnlyTheDemoServers() {
        PageAccess access = PageAccess.decide(properties(List.of(), null), "0.0.0.0", demo, null);

        assertThat(access.exposed()).isTrue();
        assertThat(access.allowlist()).get().hasToString(
                String.join(", ", demo.ports().stream().map(p -> "127.0.0.1:" + p).toList()));
    }

    @Test
    void exposedWithRulesStarts() {
        PageAccess access = PageAccess.decide(properties(List.of("10.1.0.0/16:3478"), null), "0.0.0.0", null, null);

        assertThat(access.exposed()).isTrue();
        assertThat(access.allowlist()).get().hasToString("10.1.0.0/16:3478");
    }

    @Test
    void thePasswordIsTheFilesFirstLineOrTheEnvironmentVariable() throws IOException {
        Path file = Files.writeString(files.resolve("password"), SECRET + "\r\nsecond line\n");

        PagePassword fromFile = PageAccess.decide(properties(List.of(), file), "127.0.0.1", null, null)
                .password().orElseThrow();
        PagePassword fromEnvironment = PageAccess.decide(properties(List.of(), null), "127.0.0.1", null,
                SECRET + "\n").password().orElseThrow();

        for (PagePassword password : List.of(fromFile, fromEnvironment)) {
            assertThat(password.matches(SECRET)).isTrue();
            assertThat(password.matches(SECRET + "x")).isFalse();
            assertThat(password.matches("")).isFalse();
            assertThat(password.toString()).doesNotContain(SECRET);
        }
    }

    @Test
    void aBadPasswordSettingStopsTheStartNamingItNeverThePassword() throws IOException {
        Path missing = files.resolve("missing");
        Path empty = Files.writeString(files.resolve("empty"), "\n");
        Path shortOne = Files.writeString(files.resolve("short"), "s3cret\n");
        Path good = Files.writeString(files.resolve("good"), SECRET);

        assertBad(properties(List.of(), missing), null,
                "iceflux.diagnostics.password-file " + missing + ": cannot read it (NoSuchFileException)");
        assertBad(properties(List.of(), files), null,
                "iceflux.diagnostics.password-file " + files + ": cannot read it");
        assertBad(properties(List.of(), empty), null,
                "iceflux.diagnostics.password-file " + empty + ": the password is empty");
        assertBad(properties(List.of(), shortOne), null,
                "iceflux.diagnostics.password-file " + shortOne + ": the password is shorter than 12 characters");
        assertBad(properties(List.of(), null), "   ",
                "the environment variable ICEFLUX_DIAGNOSTICS_PASSWORD: the password is empty");
        assertBad(properties(List.of(), good), SECRET,
                "set iceflux.diagnostics.password-file or the environment variable ICEFLUX_DIAGNOSTICS_PASSWORD,"
                        + " not both");
    }

    private static void assertBad(DiagnosticsProperties properties, String fromEnvironment, String message) {
        assertThatThrownBy(() -> PageAccess.decide(properties, "127.0.0.1", null, fromEnvironment))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET).doesNotContain("s3cret"));
    }
}
