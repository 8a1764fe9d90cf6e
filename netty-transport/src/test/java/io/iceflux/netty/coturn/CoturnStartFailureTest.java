package io.iceflux.netty.coturn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How start() fails; stand-in executables play a coturn that dies or never answers, so no coturn runs here. */
class CoturnStartFailureTest {

    @TempDir
    Path scripts;

    @Test
    void aProcessThatExitsIsReportedWithItsOutputAndLeavesNothingBehind() throws IOException {
        Path dying = script("dying.sh", "echo \"config is broken: $*\" >&2", "exit 3");
        List<Path> before = coturnDirectories();

        CoturnException failure = catchThrowableOfType(CoturnException.class,
                () -> Coturn.builder().executable(dying).tls(false).start());

        assertThat(failure.getMessage())
                .startsWith("turnserver exited with status 3 while starting")
                .contains("--- turnserver stdout/stderr ---", "config is broken: -c ", "turnserver.conf");
        assertThat(coturnDirectories()).isSubsetOf(before);
    }

    @Test
    void aProcessThatNeverAnswersIsKilledAfterTheTimeout() throws IOException {
        Path pidFile = scripts.resolve("pid");
        Path silent = script("silent.sh", "echo $$ > " + pidFile, "echo 'waiting forever'", "exec sleep 60");
        List<Path> before = coturnDirectories();

        CoturnException failure = catchThrowableOfType(CoturnException.class,
                () -> Coturn.builder().executable(silent).startupTimeout(Duration.ofMillis(300)).start());

        assertThat(failure.getMessage())
                .startsWith("turnserver was not ready after 300 ms (UDP Binding not answering, TCP not answering, "
                        + "TLS not answering, CLI not answering)")
                .contains("waiting forever");
        long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.US_ASCII).trim());
        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
        assertThat(coturnDirectories()).isSubsetOf(before);
    }

    @Test
    void aMissingExecutableIsReported() {
        Path missing = scripts.resolve("no-such-turnserver");

        CoturnException failure = catchThrowableOfType(CoturnException.class,
                () -> Coturn.builder().executable(missing).tls(false).start());

        assertThat(failure.getMessage())
                .isEqualTo("could not launch " + missing + " (is the coturn package installed?)");
    }

    private Path script(String name, String... lines) throws IOException {
        Path script = scripts.resolve(name);
        Files.writeString(script, "#!/bin/sh\n" + String.join("\n", lines) + "\n", StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    /**
     * The coturn working directories in the temporary folder. A failed start must add none; another coturn of a
     * build running beside this one may remove its own meanwhile, so the check is "no new one", not "the same".
     */
    private static List<Path> coturnDirectories() throws IOException {
        try (Stream<Path> entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return entries.filter(p -> p.getFileName().toString().startsWith("iceflux-coturn-")).sorted().toList();
        }
    }
}
