package io.iceflux.netty.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iceflux.ServerTransport;
import io.iceflux.StunTimers;
import io.iceflux.netty.fixtures.FakeStunServer.Reply;
import io.iceflux.netty.fixtures.FakeStunServer;
import io.iceflux.netty.fixtures.TestLoops;
import io.iceflux.netty.stun.StunAttribute;
import io.iceflux.netty.stun.StunClass;
import io.iceflux.netty.stun.StunEncodeOptions;
import io.iceflux.netty.stun.StunMessage;
import io.iceflux.netty.stun.StunMethod;
import io.iceflux.testsupport.TestCertificate;
import io.netty.handler.ssl.SslContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.test.scheduler.VirtualTimeScheduler;

class StreamStunTransportTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration WAIT = Duration.ofSeconds(5);

    @RegisterExtension
    static final TestLoops LOOPS = TestLoops.withClientThreads(2);

    private static TestCertificate certificate;
    private static SslContext serverTls;

    private VirtualTimeScheduler time;
    private final DropCounter drops = new DropCounter();
    private FakeStunServer server;
    private StunTransport transport;

    @BeforeAll
    static void makeCertificate() {
        certificate = TestCertificate.selfSigned("localhost");
        serverTls = FakeStunServer.serverContext(certificate);
    }

    @BeforeEach
    void createTime() {
        time = LOOPS.virtualTime();
    }

    @AfterEach
    void close() {
        if (transport != null) {
            transport.close().block(WAIT);
        }
    }

    private NettyStunTransportFactory factory(NettyStunTransportFactory.TlsSettings tls) {
        return new NettyStunTransportFactory(LOOPS.client(), time, tls, NettyStunTransportFactory.DEFAULT_CONNECT_TIMEOUT,
                drops);
    }

    private StunTransport connectTcp() throws Exception {
        server = LOOPS.tcpServer(null);
        transport = drops.factory(LOOPS.client(), time).openStream(LOOPBACK, server.address(), null)
                .block(WAIT);
        return transport;
    }

    private static StunMessage binding() {
        return StunMessage.builder(StunClass.REQUEST, StunMethod.BINDING).build();
    }

    private CompletableFuture<StunMessage> send(StunMessage request) {
        return transport.request(request, StunEncodeOptions.defaults(), server.address(), null,
                StunTimers.rfc8489()).toFuture();
    }

    private static void successReplies(FakeStunServer s) {
        s.responder((req, from) -> List.of(Reply.of(FakeStunServer.success(req, from))));
    }

    private String serverText() {
        return FailureTexts.address(server.address());
    }

    @Test
    void requestAndResponseTravelAsFramesOverTcp() throws Exception {
        connectTcp();
        successReplies(server);
        StunMessage request = binding();

        StunMessage response = send(request).get(5, TimeUnit.SECONDS);

        assertThat(response.messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
        assertThat(response.transactionId()).isEqualTo(request.transactionId());
        assertThat(response.attribute(StunAttribute.XorMappedAddress.class).orElseThrow().address())
                .isEqualTo(transport.localAddress());
        assertThat(transport.localAddress().getAddress()).isEqualTo(LOOPBACK);
        assertThat(transport.transport()).isEqualTo(ServerTransport.TCP);
        assertThat(transport.isOpen()).isTrue();
        assertThat(drops.total()).isZero();
        FakeStunServer.Received received = server.poll(5000);
        assertThat(received.message()).isEqualTo(request);
        assertThat(received.from()).isEqualTo(transport.localAddress());
    }

    @Test
    void channelDataFramesAndUnmatchedResponsesAreDropped() throws Exception {
        connectTcp();
        server.responder((req, from) -> List.of(
                Reply.raw(new byte[] {0x40, 0x00, 0x00, 0x02, 7, 7, 0, 0}),
                Reply.of(FakeStunServer.success(binding(), from)),
                Reply.of(FakeStunServer.success(req, from))));
        StunMessage request = binding();

        StunMessage response = send(request).get(5, TimeUnit.SECONDS);

        assertThat(response.transactionId()).isEqualTo(request.transactionId());
        assertThat(drops.total()).isEqualTo(2);
    }

    @Test
    void silentServerGetsOneRequestAndTheTransactionTimesOutAfterTheReliableTimeout() throws Exception {
        connectTcp();
        CompletableFuture<StunMessage> result = send(binding());
        assertThat(server.poll(5000)).isNotNull();

        time.advanceTimeBy(Duration.ofMillis(39_499));
        assertThat(server.poll(50)).isNull();
        assertThat(result).isNotDone();
        time.advanceTimeBy(Duration.ofMillis(1));

        assertThat(result).failsWithin(WAIT).withThrowableThat().havingCause()
                .isInstanceOf(StunTransportException.Timeout.class)
                .withMessage("no response from " + serverText() + " within 39500 ms");
        assertThat(server.poll(50)).isNull();
        assertThat(transport.isOpen()).isTrue();
    }

    @Test
    void serverClosingTheConnectionFailsPendingRequestsWithClosed() throws Exception {
        connectTcp();
        server.responder((req, from) -> List.of(Reply.close()));

        CompletableFuture<StunMessage> result = send(binding());

        assertThat(result).failsWithin(WAIT).withThrowableThat().havingCause()
                .isInstanceOf(StunTransportException.Closed.class)
                .withMessage("TCP connection to " + serverText() + " was closed by the server.");
        assertThat(transport.isOpen()).isFalse();
    }

    @Test
    void serverResettingTheConnectionFailsPendingRequestsWithClosed() throws Exception {
        connectTcp();
        server.responder((req, from) -> List.of(Reply.reset()));

        CompletableFuture<StunMessage> result = send(binding());

        assertThat(result).failsWithin(WAIT).withThrowableThat().havingCause()
                .isInstanceOf(StunTransportException.Closed.class)
                .withMessage("TCP connection to " + serverText() + " was reset by the server.");
    }

    @Test
    void bytesThatAreNotStunFramesCloseTheConnection() throws Exception {
        connectTcp();
        server.responder((req, from) -> List.of(Reply.raw(new byte[] {(byte) 0xFF, 1, 2, 3})));

        CompletableFuture<StunMessage> result = send(binding());

        assertThat(result).failsWithin(WAIT).withThrowableThat().havingCause()
                .isInstanceOf(StunTransportException.Closed.class)
                .withMessageStartingWith("TCP connection to " + serverText()
                        + " was closed: the server sent bytes that are not STUN frames (");
        assertThat(transport.isOpen()).isFalse();
    }

    @Test
    void closeFailsPendingRequests() throws Exception {
        connectTcp();
        CompletableFuture<StunMessage> result = send(binding());
        assertThat(server.poll(5000)).isNotNull();

        transport.close().block(WAIT);

        assertThat(transport.isOpen()).isFalse();
        assertThat(result).failsWithin(WAIT).withThrowableThat().havingCause()
                .isInstanceOf(StunTransportException.Closed.class)
                .withMessage("TCP connection to " + serverText() + " was closed.");
        assertThatThrownBy(() -> send(binding()).join()).hasCauseInstanceOf(StunTransportException.Closed.class);
    }

    @Test
    void refusedConnectionIsUnreachable() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, LOOPBACK)) {
            port = closed.getLocalPort();
        }
        InetSocketAddress nobody = new InetSocketAddress(LOOPBACK, port);

        assertThatThrownBy(() -> drops.factory(LOOPS.client(), time).openStream(LOOPBACK, nobody, null)
                .block(WAIT)).isInstanceOf(StunTransportException.Unreachable.class)
                .hasMessage("TCP connection to 127.0.0.1:" + port + " refused.");
    }

    @Test
    void tlsWithATrustedCertificateWorksAndSendsSni() throws Exception {
        server = LOOPS.tcpServer(serverTls);
        successReplies(server);
        transport = factory(NettyStunTransportFactory.TlsSettings.trusting(certificate.trustManagerFactory()))
                .openStream(LOOPBACK, server.address(), "localhost").block(WAIT);

        StunMessage request = binding();
        StunMessage response = send(request).get(5, TimeUnit.SECONDS);

        assertThat(transport.transport()).isEqualTo(ServerTransport.TLS);
        assertThat(response.transactionId()).isEqualTo(request.transactionId());
        assertThat(response.attribute(StunAttribute.XorMappedAddress.class).orElseThrow().address())
                .isEqualTo(transport.localAddress());
        assertThat(server.pollServerNames()).containsExactly(new SNIHostName("localhost"));
    }

    @Test
    void tlsWithAnUntrustedCertificateIsUnreachable() throws Exception {
        server = LOOPS.tcpServer(serverTls);

        assertThatThrownBy(() -> factory(NettyStunTransportFactory.TlsSettings.systemDefault())
                .openStream(LOOPBACK, server.address(), "localhost").block(WAIT))
                .isInstanceOf(StunTransportException.Unreachable.class)
                .hasMessageStartingWith("TLS handshake with localhost failed: certificate not trusted (")
                .hasMessageEndingWith(").");
    }

    @Test
    void tlsWithAHostNameMismatchIsUnreachable() throws Exception {
        server = LOOPS.tcpServer(serverTls);

        assertThatThrownBy(() -> factory(NettyStunTransportFactory.TlsSettings.trusting(
                certificate.trustManagerFactory())).openStream(LOOPBACK, server.address(), "turn.example.org")
                .block(WAIT))
                .isInstanceOf(StunTransportException.Unreachable.class)
                .hasMessageStartingWith("TLS handshake with turn.example.org failed: certificate does not match the "
                        + "host name (")
                .hasMessageContaining("turn.example.org");
    }

    @Test
    void insecureTrustAllAcceptsAnyCertificateAndName() throws Exception {
        server = LOOPS.tcpServer(serverTls);
        successReplies(server);
        transport = factory(NettyStunTransportFactory.TlsSettings.insecureTrustAll())
                .openStream(LOOPBACK, server.address(), "turn.example.org").block(WAIT);

        StunMessage request = binding();

        assertThat(send(request).get(5, TimeUnit.SECONDS).transactionId()).isEqualTo(request.transactionId());
        assertThat(transport.transport()).isEqualTo(ServerTransport.TLS);
    }

    @Test
    void tlsHandshakeThatNeverCompletesTimesOutOnTheScheduler() throws Exception {
        server = LOOPS.tcpServer(null);
        CompletableFuture<StunTransport> opening = factory(NettyStunTransportFactory.TlsSettings.insecureTrustAll())
                .openStream(LOOPBACK, server.address(), "localhost").toFuture();
        assertThat(server.pollError()).as("the ClientHello reached the plain TCP server").isNotNull();

        time.advanceTimeBy(Duration.ofMillis(9_999));
        assertThat(opening).isNotDone();
        time.advanceTimeBy(Duration.ofMillis(1));

        assertThat(opening).failsWithin(WAIT).withThrowableThat().havingCause()
                .isInstanceOf(StunTransportException.Unreachable.class)
                .withMessage("TLS handshake with localhost timed out.");
    }
}
