package io.iceflux.netty.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iceflux.IceLimitExceededException;
import io.iceflux.StunTimers;
import io.iceflux.netty.NettyIceGatherer;
import io.iceflux.netty.fixtures.TestLoops;
import io.iceflux.netty.internal.gather.HostAddresses;
import io.iceflux.netty.stun.StunClass;
import io.iceflux.netty.stun.StunEncodeOptions;
import io.iceflux.netty.stun.StunMessage;
import io.iceflux.netty.stun.StunMethod;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.Disposable;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * The transport limits, each at the limit and one past it: pending transactions per transport
 * ({@link StunTransactions#MAX_PENDING}), inbound message size over UDP and over TCP
 * ({@link StunTransport#MAX_INBOUND_MESSAGE_LENGTH}), host addresses per gathering
 * ({@link NettyIceGatherer#MAX_HOST_ADDRESSES}).
 */
class TransportLimitsTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int MAX = StunTransport.MAX_INBOUND_MESSAGE_LENGTH;

    @RegisterExtension
    static final TestLoops LOOPS = TestLoops.withClientThreads(1);

    private VirtualTimeScheduler time;
    private NettyStunTransportFactory factory;
    private DropCounter drops;

    @BeforeEach
    void setUp() {
        time = LOOPS.virtualTime();
        drops = new DropCounter();
        factory = drops.factory(LOOPS.client(), time);
    }

    private static StunMessage binding() {
        return StunMessage.builder(StunClass.REQUEST, StunMethod.BINDING).build();
    }

    /**
     * A Binding success response of exactly {@code size} bytes (a multiple of 4, at least 24) answering the
     * request in {@code request}: the header and one comprehension-optional attribute (0x8077) of zeros.
     */
    static byte[] successOfSize(byte[] request, int size) {
        ByteBuffer b = ByteBuffer.allocate(size);
        b.putShort((short) 0x0101).putShort((short) (size - 20)).put(request, 4, 16);
        b.putShort((short) 0x8077).putShort((short) (size - 24));
        return b.array();
    }

    // ------------------------------------------------------------------------------------ pending transactions

    @Test
    void aUdpSocketTakesMaxPendingTransactionsAndFailsTheNextAtOnce() throws Exception {
        DatagramSocket silent = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        LOOPS.closeAfterTest(silent);
        StunTransport transport = factory.openUdp(LOOPBACK).block(WAIT);
        LOOPS.closeAfterTest(() -> transport.close().block(WAIT));
        InetSocketAddress nowhere = (InetSocketAddress) silent.getLocalSocketAddress();

        List<CompletableFuture<StunMessage>> futures = new ArrayList<>();
        List<Disposable> subscriptions = new ArrayList<>();
        for (int i = 0; i < StunTransactions.MAX_PENDING; i++) {
            CompletableFuture<StunMessage> f = new CompletableFuture<>();
            subscriptions.add(transport.request(binding(), StunEncodeOptions.defaults(), nowhere, null,
                    StunTimers.rfc8489()).subscribe(f::complete, f::completeExceptionally));
            futures.add(f);
        }
        CompletableFuture<StunMessage> oneTooMany = transport.request(binding(), StunEncodeOptions.defaults(),
                nowhere, null, StunTimers.rfc8489()).toFuture();

        assertThatThrownBy(() -> oneTooMany.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(StunTransportException.TooManyTransactions.class)
                .hasMessage("too many STUN transactions pending on the UDP socket "
                        + FailureTexts.address(transport.localAddress()) + ": the limit is 1024.");
        assertThat(futures).as("the first %d are still pending", StunTransactions.MAX_PENDING)
                .noneMatch(CompletableFuture::isDone);

        // one ends: there is room for one more again
        subscriptions.get(0).dispose();
        CompletableFuture<StunMessage> another = transport.request(binding(), StunEncodeOptions.defaults(),
                nowhere, null, StunTimers.rfc8489()).toFuture();
        CompletableFuture<StunMessage> andOneTooMany = transport.request(binding(), StunEncodeOptions.defaults(),
                nowhere, null, StunTimers.rfc8489()).toFuture();
        assertThatThrownBy(() -> andOneTooMany.get(10, TimeUnit.SECONDS)).cause()
                .isInstanceOf(StunTransportException.TooManyTransactions.class);
        assertThat(another).isNotDone();
        another.cancel(true);
        subscriptions.forEach(Disposable::dispose);
        assertThat(transport.isOpen()).isTrue();
    }

    // ------------------------------------------------------------------------------------ inbound size: UDP

    @Test
    void aUdpResponseOfMaxBytesIsTaken() throws Exception {
        DatagramSocket server = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        LOOPS.closeAfterTest(server);
        StunTransport transport = factory.openUdp(LOOPBACK).block(WAIT);
        LOOPS.closeAfterTest(() -> transport.close().block(WAIT));
        CompletableFuture<Void> answered = CompletableFuture.runAsync(() -> answerUdp(server, List.of(MAX)));

        StunMessage response = transport.request(binding(), StunEncodeOptions.defaults(),
                (InetSocketAddress) server.getLocalSocketAddress(), null, StunTimers.rfc8489()).block(WAIT);

        answered.get(10, TimeUnit.SECONDS);
        assertThat(response.messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
        assertThat(response.method()).isEqualTo(StunMethod.BINDING);
        assertThat(drops.total()).isZero();
    }

    @Test
    void aUdpResponseLongerThanMaxIsDroppedAndTheTransactionGoesOn() throws Exception {
        DatagramSocket server = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        LOOPS.closeAfterTest(server);
        StunTransport transport = factory.openUdp(LOOPBACK).block(WAIT);
        LOOPS.closeAfterTest(() -> transport.close().block(WAIT));
        // first the oversized answer (cut by the kernel, dropped), then a small one for the same transaction
        CompletableFuture<Void> answered = CompletableFuture.runAsync(() -> answerUdp(server, List.of(MAX + 4, 24)));

        StunMessage response = transport.request(binding(), StunEncodeOptions.defaults(),
                (InetSocketAddress) server.getLocalSocketAddress(), null, StunTimers.rfc8489()).block(WAIT);

        answered.get(10, TimeUnit.SECONDS);
        assertThat(response.messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
        assertThat(response.attributes()).hasSize(1);
        assertThat(drops.total()).isEqualTo(1);
        assertThat(transport.isOpen()).isTrue();
    }

    private static void answerUdp(DatagramSocket server, List<Integer> sizes) {
        try {
            byte[] buffer = new byte[1500];
            DatagramPacket request = new DatagramPacket(buffer, buffer.length);
            server.receive(request);
            byte[] req = Arrays.copyOf(buffer, request.getLength());
            for (int size : sizes) {
                byte[] answer = successOfSize(req, size);
                server.send(new DatagramPacket(answer, answer.length, request.getSocketAddress()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------------------------ inbound size: TCP

    @Test
    void aTcpFrameOfMaxBytesIsTaken() throws Exception {
        ServerSocket server = new ServerSocket(0, 1, LOOPBACK);
        LOOPS.closeAfterTest(server);
        CompletableFuture<Void> answered = CompletableFuture.runAsync(() -> answerTcp(server, MAX, false));
        StunTransport transport = factory.openStream(LOOPBACK,
                (InetSocketAddress) server.getLocalSocketAddress(), null).block(WAIT);
        LOOPS.closeAfterTest(() -> transport.close().block(WAIT));

        StunMessage response = transport.request(binding(), StunEncodeOptions.defaults(),
                (InetSocketAddress) server.getLocalSocketAddress(), null, StunTimers.rfc8489()).block(WAIT);

        assertThat(response.messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
        assertThat(response.attributes()).hasSize(1);
        assertThat(drops.total()).isZero();
        assertThat(transport.isOpen()).isTrue();
        transport.close().block(WAIT);
        answered.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aTcpFrameAnnouncingMoreThanMaxClosesTheConnectionBeforeItsBodyComes() throws Exception {
        ServerSocket server = new ServerSocket(0, 1, LOOPBACK);
        LOOPS.closeAfterTest(server);
        // only the 20-byte header that announces MAX + 4 bytes: the body never comes, so nothing waits for it
        CompletableFuture<Void> answered = CompletableFuture.runAsync(() -> answerTcp(server, MAX + 4, true));
        StunTransport transport = factory.openStream(LOOPBACK,
                (InetSocketAddress) server.getLocalSocketAddress(), null).block(WAIT);
        LOOPS.closeAfterTest(() -> transport.close().block(WAIT));
        InetSocketAddress address = (InetSocketAddress) server.getLocalSocketAddress();

        assertThatThrownBy(() -> transport.request(binding(), StunEncodeOptions.defaults(), address, null,
                StunTimers.rfc8489()).block(WAIT))
                .isInstanceOf(StunTransportException.Closed.class)
                .hasMessage("TCP connection to " + FailureTexts.address(address) + " was closed: the server "
                        + "sent bytes that are not STUN frames (TOO_LARGE: STUN frame header announces " + (MAX + 4)
                        + " bytes, more than the maximum of " + MAX + ").");
        answered.get(10, TimeUnit.SECONDS);
        assertThat(transport.isOpen()).isFalse();
    }

    private static void answerTcp(ServerSocket server, int size, boolean headerOnly) {
        try (Socket socket = server.accept()) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] header = new byte[20];
            in.readFully(header);
            int length = ((header[2] & 0xff) << 8) | (header[3] & 0xff);
            in.readFully(new byte[length]);
            byte[] answer = successOfSize(header, size);
            socket.getOutputStream().write(answer, 0, headerOnly ? 20 : answer.length);
            socket.getOutputStream().flush();
            InputStream rest = socket.getInputStream();
            while (rest.read() >= 0) {
                // wait for the client to close the connection
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------------------------ host addresses

    @Test
    void aGatheringTakesMaxHostAddressesAndNotOneMore() {
        HostAddresses.checkLimit(NettyIceGatherer.MAX_HOST_ADDRESSES);

        assertThatThrownBy(() -> HostAddresses.checkLimit(NettyIceGatherer.MAX_HOST_ADDRESSES + 1))
                .isInstanceOfSatisfying(IceLimitExceededException.class, e -> {
                    assertThat(e.limit()).isEqualTo(IceLimitExceededException.Limit.HOST_ADDRESSES_PER_GATHERING);
                    assertThat(e.maximum()).isEqualTo(16);
                    assertThat(e.actual()).isEqualTo(17);
                })
                .hasMessage("a gathering uses at most 16 host addresses (NettyIceGatherer.MAX_HOST_ADDRESSES), and "
                        + "the host interfaces allowed by the configuration have 17; narrow them with "
                        + "IceConfiguration.Builder.hostInterfaces");
    }
}
