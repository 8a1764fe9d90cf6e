package io.iceflux.examples.probe;

import static io.iceflux.examples.probe.ProbeRuns.fast;
import static io.iceflux.examples.probe.ProbeRuns.fieldNames;
import static io.iceflux.examples.probe.ProbeRuns.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.iceflux.examples.probe.ProbeRuns.Run;
import io.iceflux.netty.coturn.Coturn;
import io.iceflux.testkit.TestTurnServer;
import io.iceflux.testkit.TestTurnServerExtension;
import io.iceflux.testkit.TurnMethod;
import io.iceflux.testsupport.NetworkNamespace;
import java.net.InetAddress;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The probe's relay data-path check: on by default for every TURN URL that gave a relay, in the JSON and verdicts. */
class ProbeRelayCheckTest {

    @RegisterExtension
    static final TestTurnServerExtension TURN = TestTurnServerExtension.perClass(TestTurnServer.builder());

    static final String ADVICE = "check relay-ip/external-ip and the firewall for the relay port range";

    static TestTurnServer server() {
        return TURN.server();
    }

    @Test
    void theJsonRelayCheckOfAPassingServerHasExactlyItsFourMembers() {
        Run run = run(fast("--json", server().stunUrl(), server().turnUdpUrl(), server().turnTcpUrl(), "-u",
                server().username(), "-p", server().password()));

        assertThat(run.exitCode()).as(run.out()).isEqualTo(ProbeCommand.OK);
        JsonNode servers = run.summary().get("servers");
        assertThat(servers.get(0).get("relayCheck").isNull()).as("a stun: URL").isTrue();
        for (int i = 1; i <= 2; i++) {
            JsonNode relayCheck = servers.get(i).get("relayCheck");
            assertThat(fieldNames(relayCheck)).containsExactly("ok", "rttMs", "lossPercent", "detail");
            assertThat(relayCheck.get("ok").booleanValue()).isTrue();
            assertThat(relayCheck.get("rttMs").isDouble()).isTrue();
            assertThat(relayCheck.get("rttMs").doubleValue()).isPositive();
            assertThat(relayCheck.get("lossPercent").intValue()).isZero();
        }
        assertThat(servers.get(1).get("relayCheck").get("detail").asText()).matches("relayed data flows: relay <-> "
                + "relay 10/10 echoed, srflx 127\\.0\\.0\\.1:\\d+ <-> relay 127\\.0\\.0\\.1:\\d+ 10/10 echoed; median "
                + "rtt \\d+\\.\\d{3} ms");
        assertThat(servers.get(2).get("relayCheck").get("detail").asText()).matches("relayed data flows: relay <-> "
                + "relay 10/10 echoed, udp 127\\.0\\.0\\.1:\\d+ <-> relay 127\\.0\\.0\\.1:\\d+ 10/10 echoed; median "
                + "rtt \\d+\\.\\d{3} ms");
        assertThat(servers.get(1).get("verdict").asText()).matches("reachable; credentials accepted; relay "
                + "127\\.0\\.0\\.1:\\d+ obtained in \\d+ ms; relayed data flows \\(median rtt \\d+\\.\\d+ ms, 0% loss\\)");
    }

    @Test
    void aServerThatRelaysNothingIsAFailWithTheCheckSaying() {
        server().silent(TurnMethod.SEND);

        Run run = run(fast("--json", server().turnUdpUrl(), "-u", server().username(), "-p", server().password()));

        assertThat(run.exitCode()).as(run.out()).isEqualTo(ProbeCommand.SOME_FAILED);
        JsonNode check = run.summary().get("servers").get(0);
        assertThat(check.get("ok").booleanValue()).isFalse();
        assertThat(check.get("verdict").asText()).matches("relay 127\\.0\\.0\\.1:\\d+ obtained in \\d+ ms, but the "
                + "relay check failed: allocations succeeded but no relayed data arrived \\(20 sent, 0 received\\): "
                + Pattern.quote(ADVICE));
        JsonNode relayCheck = check.get("relayCheck");
        assertThat(relayCheck.get("ok").booleanValue()).isFalse();
        assertThat(relayCheck.get("rttMs").isNull()).isTrue();
        assertThat(relayCheck.get("lossPercent").intValue()).isEqualTo(100);
        assertThat(relayCheck.get("detail").asText()).isEqualTo("allocations succeeded but no relayed data arrived "
                + "(20 sent, 0 received): " + ADVICE);
    }

    @Test
    void noRelayCheckSkipsIt() {
        server().silent(TurnMethod.SEND);

        Run run = run(fast("--no-relay-check", server().turnUdpUrl(), "-u", server().username(), "-p",
                server().password()));

        assertThat(run.exitCode()).as(run.out()).isEqualTo(ProbeCommand.OK);
        assertThat(run.lines()).noneMatch(l -> l.contains("relay-check"));
        assertThat(run.lines()).anyMatch(l -> l.matches("  OK   " + Pattern.quote(server().turnUdpUrl())
                + ": reachable; credentials accepted; relay 127\\.0\\.0\\.1:\\d+ obtained in \\d+ ms"));
    }

    /**
     * coturn in a namespace of the test's own, announcing (external-ip) an address nobody owns: the relay is
     * gathered, and the probe says FAIL because nothing sent to it arrives.
     */
    @Test
    void aCoturnAnnouncingAnAddressNobodyOwnsIsAFailSayingSo() throws Exception {
        NetworkNamespace.assumeAvailable();
        try (NetworkNamespace ns = NetworkNamespace.create("prelay")) {
            byte[] bytes = ns.nsAddress().getAddress();
            InetAddress nobody = InetAddress.getByAddress(new byte[] {10, 79, bytes[2], bytes[3]});
            ns.routeThrough(nobody);
            ns.exec("ip", "route", "add", "blackhole", nobody.getHostAddress() + "/32");
            try (Coturn coturn = Coturn.builder().inNamespace(ns).tls(false).externalIp(nobody).start()) {
                Run human = run("--interface", ns.hostInterface(), "--rto", "100", "--max-requests", "3",
                        coturn.turnUdpUrl(), "-u", coturn.username(), "-p", coturn.password());
                Run json = run("--json", "--interface", ns.hostInterface(), "--rto", "100", "--max-requests", "3",
                        coturn.turnUdpUrl(), "-u", coturn.username(), "-p", coturn.password());

                String detail = "allocations succeeded but no relayed data arrived from outside the server \\(srflx "
                        + Pattern.quote(ns.hostAddress().getHostAddress()) + ":\\d+ -> relay "
                        + Pattern.quote(nobody.getHostAddress()) + ":\\d+: 10 sent, 0 received; relay <-> relay "
                        + "10/10 came back inside the server\\): " + Pattern.quote(ADVICE);
                assertThat(human.exitCode()).as(human.out()).isEqualTo(ProbeCommand.SOME_FAILED);
                assertThat(human.lines()).anyMatch(l -> l.matches("  FAIL " + Pattern.quote(coturn.turnUdpUrl())
                        + ": relay " + Pattern.quote(nobody.getHostAddress()) + ":\\d+ obtained in \\d+ ms, but the "
                        + "relay check failed: " + detail));
                assertThat(human.lines()).anyMatch(l -> l.matches("\\s+\\d+ ms  relay-check FAIL "
                        + Pattern.quote(coturn.turnUdpUrl()) + "  " + detail));
                assertThat(human.lines().get(human.lines().size() - 1))
                        .isEqualTo("1 of 1 server URL(s) did not give what the URL promises (exit status 1).");

                assertThat(json.exitCode()).isEqualTo(ProbeCommand.SOME_FAILED);
                JsonNode relayCheck = json.summary().get("servers").get(0).get("relayCheck");
                assertThat(fieldNames(relayCheck)).containsExactly("ok", "rttMs", "lossPercent", "detail");
                assertThat(relayCheck.get("ok").booleanValue()).isFalse();
                assertThat(relayCheck.get("lossPercent").intValue()).isEqualTo(50);
                assertThat(relayCheck.get("detail").asText()).matches(detail);
                coturn.awaitAllocationCount(0, java.time.Duration.ofSeconds(10));
            }
        }
    }
}
