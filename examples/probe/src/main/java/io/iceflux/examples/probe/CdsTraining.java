package io.iceflux.examples.probe;

import io.iceflux.netty.NettyIceGatherer;
import io.iceflux.testkit.TestTurnServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import picocli.CommandLine;

/**
 * The training run of the probe's class-data-sharing archive (the build runs it once with
 * {@code -XX:ArchiveClassesAtExit=target/iceflux-probe.jsa}; see the README): probes an embedded
 * {@link TestTurnServer} on loopback, with TLS, through the command line as {@code main} parses it, so that the
 * classes of a real run are loaded: picocli, the JSON and human outputs, STUN, TURN over UDP, TCP and TLS, through
 * OpenSSL (when it loads) and through the JDK's TLS. Prints nothing but one line; exit status 0 when every run
 * gave its candidates.
 */
final class CdsTraining {

    private CdsTraining() {
    }

    /**
     * Run the training.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        int worst = 0;
        try (TestTurnServer server = TestTurnServer.builder().bindAddress(InetAddress.getLoopbackAddress()).start()) {
            for (boolean openSsl : new boolean[] {true, false}) {
                for (boolean json : new boolean[] {true, false}) {
                    ProbeGatherers gatherers = insecure -> ProbeGatherers.closing(NettyIceGatherer.builder()
                            .trustManager(server.trustManager()).openSsl(openSsl).build());
                    CommandLine commandLine = ProbeCommand.commandLine(new ProbeCommand(gatherers));
                    StringWriter out = new StringWriter();
                    commandLine.setOut(new PrintWriter(out));
                    commandLine.setErr(new PrintWriter(new StringWriter()));
                    String[] probeArgs = {"--loopback-only", "--rto", "100", "--deadline", "5000",
                        "-u", server.username(), "--password", server.password(),
                        server.stunUrl(), server.turnUdpUrl(), server.turnTcpUrl(), server.turnsUrl()};
                    if (json) {
                        probeArgs = prepend("--json", probeArgs);
                    }
                    worst = Math.max(worst, commandLine.execute(probeArgs));
                }
            }
        }
        System.out.println("iceflux-probe CDS training run: exit status " + worst);
        System.exit(worst);
    }

    private static String[] prepend(String first, String[] rest) {
        String[] result = new String[rest.length + 1];
        result[0] = first;
        System.arraycopy(rest, 0, result, 1, rest.length);
        return result;
    }
}
