package io.iceflux.examples.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iceflux.netty.coturn.Coturn;
import io.iceflux.netty.coturn.CoturnException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The probe as a process of its own (its main class on this test's class path) against a real coturn: once its
 * relay candidate is printed, the allocation is live on coturn, and the gathering goes on (a STUN URL where nothing
 * answers keeps it running). Ctrl-C (SIGINT) or SIGTERM then makes it cancel the gathering and wait for the gatherer
 * to delete the allocation before the JVM exits with its own status (130, 143). A UDP allocation whose client just
 * vanished would stay on coturn for its lifetime (600 s): SIGKILL, which runs no hook, shows it.
 */
class ProbeSignalTest {

    /** coturn drops a deleted allocation from its count on its own timer, about a second after the delete. */
    private static final Duration COTURN_REMOVAL = Duration.ofMillis(2500);
    private static final Duration STARTUP = Duration.ofSeconds(30);

    @ParameterizedTest(name = "SIG{0} exits {1} and deletes the allocation")
    @CsvSource({"INT, 130", "TERM, 143"})
    void aSignalCancelsTheGatheringDeletesTheAllocationAndExits(String signal, int status) throws Exception {
        try (Coturn coturn = Coturn.builder().tls(false).start();
                DatagramSocket silent = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            Probe probe = Probe.startHoldingAnAllocation(coturn, silent);
            try {
                probe.signal(signal);

                assertThat(probe.process.waitFor(10, TimeUnit.SECONDS)).as("the probe exited").isTrue();
                assertThat(probe.process.exitValue()).as("exit status; output:%n%s", probe.output())
                        .isEqualTo(status);
                coturn.awaitAllocationCount(0, COTURN_REMOVAL);
            } finally {
                probe.process.destroyForcibly();
            }
        }
    }

    @Test
    void sigkillRunsNoHookAndTheAllocationStays() throws Exception {
        try (Coturn coturn = Coturn.builder().tls(false).start();
                DatagramSocket silent = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            Probe probe = Probe.startHoldingAnAllocation(coturn, silent);
            try {
                probe.signal("KILL");

                assertThat(probe.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
                assertThat(probe.process.exitValue()).isEqualTo(137);
                assertThatThrownBy(() -> coturn.awaitAllocationCount(0, COTURN_REMOVAL))
                        .isInstanceOf(CoturnException.class).hasMessageContaining("still reports 1 allocation");
            } finally {
                probe.process.destroyForcibly();
            }
        }
    }

    /** The running probe and the lines it printed (stdout and stderr together). */
    private record Probe(Process process, BlockingQueue<String> lines, StringBuffer all) {

        /**
         * Start {@code java -cp <this test's class path> ProbeCommand} with coturn's UDP TURN URL and a STUN URL on
         * {@code silent}, where nothing answers, on loopback, with a deadline of a minute; return once it printed its
         * relay candidate and coturn counts the allocation.
         */
        static Probe startHoldingAnAllocation(Coturn coturn, DatagramSocket silent)
                throws IOException, InterruptedException {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                    "-cp", System.getProperty("java.class.path"), ProbeCommand.class.getName(),
                    "--loopback-only", "--deadline", "60000",
                    "-u", coturn.username(), "-p", coturn.password(),
                    coturn.turnUdpUrl(), "stun:127.0.0.1:" + silent.getLocalPort());
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            StringBuffer all = new StringBuffer();
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        all.append(line).append('\n');
                        lines.add(line);
                    }
                } catch (IOException closed) {
                    // the process is gone
                }
            }, "probe-output");
            reader.setDaemon(true);
            reader.start();
            Probe probe = new Probe(process, lines, all);
            try {
                probe.awaitLine("candidate relay");
                coturn.awaitAllocationCount(1, Duration.ofSeconds(2));
            } catch (RuntimeException | AssertionError | InterruptedException e) {
                process.destroyForcibly();
                throw e;
            }
            return probe;
        }

        /** Wait until a printed line contains {@code text}. */
        void awaitLine(String text) throws InterruptedException {
            long deadline = System.nanoTime() + STARTUP.toNanos();
            while (true) {
                String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line != null && line.contains(text)) {
                    return;
                }
                if (line == null) {
                    throw new AssertionError("the probe printed no line with '" + text + "' within " + STARTUP
                            + " (alive: " + process.isAlive() + "); output:\n" + all);
                }
            }
        }

        /** Send SIG{@code name} to the probe: SIGTERM as {@link Process#destroy()} does, the others with kill(1). */
        void signal(String name) throws IOException, InterruptedException {
            if (name.equals("TERM")) {
                process.destroy();
                return;
            }
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
            assertThat(kill.waitFor(5, TimeUnit.SECONDS)).isTrue();
            assertThat(kill.exitValue()).as("kill -%s", name).isZero();
        }

        String output() {
            return all.toString();
        }
    }
}
