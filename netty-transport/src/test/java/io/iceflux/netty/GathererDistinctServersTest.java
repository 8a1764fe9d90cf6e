package io.iceflux.netty;

import static io.iceflux.netty.GathererFaultTest.PASSWORD;
import static io.iceflux.netty.GathererFaultTest.USER;
import static io.iceflux.netty.GathererFaultTest.assertOneAllocateExchangeFromOneClient;
import static io.iceflux.netty.GathererFaultTest.assertPortFree;
import static io.iceflux.netty.GathererFaultTest.relay;
import static io.iceflux.netty.GathererFaultTest.srflx;
import static io.iceflux.netty.fixtures.GatheringEvents.COMPLETE_0;
import static io.iceflux.netty.fixtures.GatheringEvents.END_0;
import static io.iceflux.netty.fixtures.GatheringEvents.GATHERING_0;
import static io.iceflux.netty.fixtures.GatheringEvents.assertEvents;
import static io.iceflux.netty.fixtures.GatheringEvents.assertOneGeneration;
import static io.iceflux.netty.fixtures.GatheringEvents.host;
import static io.iceflux.netty.fixtures.GatheringEvents.hostPort;
import static org.assertj.core.api.Assertions.assertThat;

import io.iceflux.IceConfiguration;
import io.iceflux.IceEvent;
import io.iceflux.IceServer;
import io.iceflux.IceTransportPolicy;
import io.iceflux.netty.GathererFaultTest.FakeTurn;
import io.iceflux.netty.fixtures.FakeStunServer;
import io.iceflux.netty.fixtures.FakeStunServer.Received;
import io.iceflux.netty.fixtures.FakeStunServer.Reply;
import io.iceflux.netty.fixtures.GatheringEvents;
import io.iceflux.netty.fixtures.TestLoops;
import io.iceflux.netty.stun.StunMethod;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One exchange per (host socket, canonical URL, credentials): a server configured twice, in one entry or two, in
 * the same or another spelling, is asked once, gives each candidate once and no error, and the events carry the
 * first configured spelling. The scripted servers count what they receive.
 */
class GathererDistinctServersTest {

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    /** Long enough never to pass on a working server: a deadline error would show a duplicate left waiting. */
    static final Duration DEADLINE = Duration.ofSeconds(10);

    @RegisterExtension
    static final TestLoops LOOPS = TestLoops.serverOnly();

    static final NettyIceGatherer gatherer = LOOPS.closeAfterAll(NettyIceGatherer.builder().threads(1).build());

    @Test
    void aStunUrlConfiguredThreeTimesIsOneBindingAndOneServerReflexive() throws Exception {
        FakeStunServer server = LOOPS.udpServer()
                .responder((request, from) -> List.of(Reply.of(FakeStunServer.success(request, from))));
        int serverPort = server.address().getPort();
        String first = "stun:127.0.0.1:" + serverPort;
        String respelled = "STUN:127.0.0.1:" + serverPort;

        List<IceEvent> events = gather(config(IceServer.of(first, first), IceServer.of(respelled)).build());

        int port = hostPort(events);
        assertEvents(events, GATHERING_0, host(port), srflx(port, first), END_0, COMPLETE_0);
        List<Received> received = server.drainReceived();
        assertThat(received).as("one Binding, from the host socket").singleElement().satisfies(r -> {
            assertThat(r.message().method()).isEqualTo(StunMethod.BINDING);
            assertThat(r.from()).isEqualTo(new InetSocketAddress(LOOPBACK, port));
        });
    }

    @Test
    void aTurnUrlConfiguredTwiceAndRespelledIsOneAllocateExchangeAndOneRelay() throws Exception {
        InetSocketAddress relayed = new InetSocketAddress(LOOPBACK, 49_990);
        FakeStunServer server = LOOPS.udpServer()
                .responder(new FakeTurn(false, false, UnaryOperator.identity(), relayed));
        int serverPort = server.address().getPort();
        String first = "turn:127.0.0.1:" + serverPort;
        String respelled = "TURN:127.0.0.1:" + serverPort + "?transport=udp";
        IceServer both = IceServer.of(List.of(first, respelled), USER, PASSWORD);
        IceServer again = IceServer.of(List.of(first), USER, PASSWORD);

        List<IceEvent> events = gather(config(both, again).build());

        int port = hostPort(events);
        InetSocketAddress hostSocket = new InetSocketAddress(LOOPBACK, port);
        assertOneGeneration(events, port, srflx(port, first), relay(relayed, hostSocket, first));
        List<Received> received = server.drainReceived();
        assertThat(assertOneAllocateExchangeFromOneClient(received)).as("the host socket").isEqualTo(hostSocket);
        assertThat(received).filteredOn(r -> r.message().method() == StunMethod.BINDING).hasSize(1);
        assertPortFree(port);
    }

    @Test
    void underTheRelayPolicyADuplicatedTurnUrlIsOneAllocateExchangeAndNoBinding() throws Exception {
        InetSocketAddress relayed = new InetSocketAddress(LOOPBACK, 49_991);
        FakeStunServer server = LOOPS.udpServer()
                .responder(new FakeTurn(false, false, UnaryOperator.identity(), relayed));
        String url = "turn:127.0.0.1:" + server.address().getPort();

        List<IceEvent> events = gather(config(turnServer(url), turnServer(url))
                .transportPolicy(IceTransportPolicy.RELAY).build());

        List<Received> received = server.drainReceived();
        InetSocketAddress client = assertOneAllocateExchangeFromOneClient(received);
        assertThat(received).noneMatch(r -> r.message().method() == StunMethod.BINDING);
        assertEvents(events, GATHERING_0, relay(relayed, client, url), END_0, COMPLETE_0);
    }

    @Test
    void aTurnOverTcpUrlConfiguredTwiceIsOneConnectionAndOneRelay() throws Exception {
        InetSocketAddress relayed = new InetSocketAddress(LOOPBACK, 49_992);
        FakeStunServer server = LOOPS.tcpServer(null)
                .responder(new FakeTurn(false, false, UnaryOperator.identity(), relayed));
        int serverPort = server.address().getPort();
        String first = "turn:127.0.0.1:" + serverPort + "?transport=tcp";
        String respelled = "Turn:127.0.0.1:" + serverPort + "?transport=tcp";

        List<IceEvent> events = gather(config(turnServer(first), turnServer(respelled)).build());

        int port = hostPort(events);
        InetSocketAddress client = assertOneAllocateExchangeFromOneClient(server.drainReceived());
        assertOneGeneration(events, port, relay(relayed, client, first));
    }

    static IceConfiguration.Builder config(IceServer... servers) {
        return GatheringEvents.loopbackConfig(GathererFaultTest.FAST, servers).gatheringDeadline(DEADLINE);
    }

    static IceServer turnServer(String url) {
        return IceServer.of(List.of(url), USER, PASSWORD);
    }

    static List<IceEvent> gather(IceConfiguration config) {
        return gatherer.gather(config).collectList().block(Duration.ofSeconds(20));
    }
}
