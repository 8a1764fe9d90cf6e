package io.iceflux.netty.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iceflux.StunTimers;
import io.iceflux.netty.fixtures.FakeStunServer;
import io.iceflux.netty.fixtures.FakeStunServer.Reply;
import io.iceflux.netty.fixtures.TestLoops;
import io.iceflux.netty.stun.StunAttribute;
import io.iceflux.netty.stun.StunClass;
import io.iceflux.netty.stun.StunEncodeOptions;
import io.iceflux.netty.stun.StunMessage;
import io.iceflux.netty.stun.StunMethod;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ReflectiveChannelFactory;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * The sockets a UDP transport connects to each destination to hear ICMP errors: an ICMP port unreachable fails the
 * requests to that destination only, the server still sees the host socket's port (the mapped address is the
 * transport's local address), and closing the transport closes them all. Timers on virtual
 * time that never moves: only an ICMP error or a response can end a request.
 */
class ConnectedSocketsTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration WAIT = Duration.ofSeconds(5);

    @RegisterExtension
    static final TestLoops LOOPS = TestLoops.withClientThreads(1);

    private VirtualTimeScheduler frozen;
    private FakeStunServer server;
    private DatagramSocket silent;
    private InetSocketAddress closed;

    @BeforeEach
    void setUp() throws Exception {
        frozen = LOOPS.virtualTime();
        server = LOOPS.udpServer();
        server.responder((request, from) -> List.of(Reply.of(FakeStunServer.success(request, from))));
        silent = new DatagramSocket(0, LOOPBACK);
        try (DatagramSocket s = new DatagramSocket(0, LOOPBACK)) {
            closed = new InetSocketAddress(LOOPBACK, s.getLocalPort());
        }
    }

    @AfterEach
    void tearDown() {
        silent.close();
    }

    private UdpStunTransport open(boolean icmp) {
        NettyStunTransportFactory factory = new NettyStunTransportFactory(LOOPS.client(), frozen,
                NettyStunTransportFactory.TlsSettings.systemDefault(), NettyStunTransportFactory.DEFAULT_CONNECT_TIMEOUT,
                TransportListener.NONE, icmp);
        assertThat(factory.icmpFastFailure()).isEqualTo(icmp);
        return (UdpStunTransport) factory.openUdp(LOOPBACK).block(WAIT);
    }

    private static CompletableFuture<StunMessage> binding(StunTransport t, InetSocketAddress to) {
        return t.request(StunMessage.builder(StunClass.REQUEST, StunMethod.BINDING).build(),
                StunEncodeOptions.defaults(), to, null, StunTimers.rfc8489()).toFuture();
    }

    @Test
    void portUnreachableFailsOnlyTheRequestsToThatServer() throws Exception {
        UdpStunTransport t = open(true);
        try {
            CompletableFuture<StunMessage> toSilent = binding(t, (InetSocketAddress) silent.getLocalSocketAddress());
            CompletableFuture<StunMessage> toClosed = binding(t, closed);

            assertThatThrownBy(() -> toClosed.get(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS))
                    .cause().isInstanceOfSatisfying(StunTransportException.IcmpUnreachable.class, e -> {
                        assertThat(e.what()).isEqualTo("port unreachable");
                        assertThat(e.getMessage()).isEqualTo("ICMP port unreachable for the request to "
                                + FailureTexts.address(closed) + ".");
                    });
            // the silent server's request is untouched (and the frozen timers never end it)
            assertThat(toSilent).isNotDone();
            StunMessage answer = binding(t, server.address()).get(WAIT.toMillis(),
                    java.util.concurrent.TimeUnit.MILLISECONDS);
            // the server saw the host socket's own address and port: the base of the host candidate
            assertThat(answer.attribute(StunAttribute.XorMappedAddress.class).orElseThrow().address())
                    .isEqualTo(t.localAddress());
            // within the grace after their last request ended, the three connected sockets are all still open
            assertThat(t.connectedSockets()).hasSize(3).allSatisfy(c -> assertThat(c.isOpen()).isTrue());
            // then a connected socket lives while a request to its server is pending: only the silent server's is left
            frozen.advanceTimeBy(ConnectedSockets.IDLE_GRACE);
            List<Channel> connected = awaitConnected(t, 1);
            assertThat(connected).singleElement().satisfies(c -> {
                assertThat(c.localAddress()).isEqualTo(t.localAddress());
                assertThat(c.remoteAddress()).isEqualTo(silent.getLocalSocketAddress());
                assertThat(c.isOpen()).isTrue();
            });
            t.close().block(WAIT);
            // closing the transport closed every socket connected from its port
            assertThat(connected).noneMatch(Channel::isOpen);
            assertThat(t.connectedSockets()).isEmpty();
            assertThat(toSilent).isCompletedExceptionally();
        } finally {
            t.close().block(WAIT);
        }
    }

    @Test
    void atMostTheLimitIsOpenAndAnEndedRequestGivesItsRoomBack() throws Exception {
        ChannelTypes types = ChannelTypes.of(LOOPS.client());
        UdpStunTransport t = (UdpStunTransport) UdpStunTransport.open(LOOPS.client(),
                new ReflectiveChannelFactory<>(types.datagram()), ByteBufAllocator.DEFAULT, frozen, LOOPBACK,
                TransportListener.NONE, IcmpErrors.of(types).withLimit(1)).block(WAIT);
        try {
            CompletableFuture<StunMessage> toSilent = binding(t, (InetSocketAddress) silent.getLocalSocketAddress());
            // no room left: this request leaves from the host socket, which hears no ICMP error
            CompletableFuture<StunMessage> unheard = binding(t, closed);
            // answered on the host socket (and its ending does not close the silent server's socket)
            assertThat(binding(t, server.address()).get(WAIT.toMillis(), TimeUnit.MILLISECONDS).messageClass())
                    .isEqualTo(StunClass.SUCCESS_RESPONSE);
            assertThat(t.connectedSockets()).extracting(Channel::remoteAddress)
                    .containsExactly(silent.getLocalSocketAddress());
            assertThat(unheard).isNotDone();

            toSilent.cancel(true);
            // the cancel ends the request on the transport's loop: once a task queued after it ran, the grace runs
            awaitConnected(t, 1).get(0).eventLoop().submit(() -> { }).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            frozen.advanceTimeBy(ConnectedSockets.IDLE_GRACE);
            awaitConnected(t, 0);
            // the room is back: the next request to the closed port is connected and hears its ICMP error
            assertThatThrownBy(() -> binding(t, closed).get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
                    .cause().isInstanceOf(StunTransportException.IcmpUnreachable.class);
            // and that error ends every request pending to that server, the one sent from the host socket too
            assertThat(unheard).isCompletedExceptionally();
        } finally {
            t.close().block(WAIT);
        }
    }

    /** The transport's connected sockets once there are {@code count} of them (the closes run on the loop). */
    private static List<Channel> awaitConnected(UdpStunTransport t, int count) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<Channel> now = t.connectedSockets();
        while (now.size() != count && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            now = t.connectedSockets();
        }
        assertThat(now).hasSize(count);
        return now;
    }

    @Test
    void switchedOffNoSocketIsConnectedAndTheClosedPortStaysSilent() throws Exception {
        UdpStunTransport t = open(false);
        try {
            CompletableFuture<StunMessage> toClosed = binding(t, closed);
            StunMessage answer = binding(t, server.address()).get(WAIT.toMillis(),
                    java.util.concurrent.TimeUnit.MILLISECONDS);
            assertThat(answer.messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            assertThat(toClosed).isNotDone();
            assertThat(t.connectedSockets()).isEmpty();
            toClosed.cancel(true);
        } finally {
            t.close().block(WAIT);
        }
    }

    @Test
    void aRequestStartedOnAClosedTransportFailsAndConnectsNothing() {
        UdpStunTransport t = open(true);
        t.close().block(WAIT);
        assertThatThrownBy(() -> Mono.fromFuture(binding(t, closed)).block(WAIT))
                .isInstanceOf(StunTransportException.Closed.class);
        assertThat(t.connectedSockets()).isEmpty();
    }
}
