package io.iceflux.netty.internal.transport;

import io.iceflux.ServerTransport;
import io.iceflux.StunTimers;
import io.iceflux.netty.stun.StunCodecException;
import io.iceflux.netty.stun.StunEncodeOptions;
import io.iceflux.netty.stun.StunFrameDecoder;
import io.iceflux.netty.stun.StunMessage;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.DefaultPromise;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * A {@link StunTransport} over one TCP or TLS connection to one server (RFC 8489 §6.2.2): the pipeline is
 * {@code [SslHandler] → StunFrameDecoder → inbound handler}; STUN frames are decoded and matched, ChannelData
 * frames and malformed messages are counted as dropped, and every frame is released.
 *
 * <p>Opening connects from {@code localAddress} on an ephemeral port and, for TLS, completes the handshake, all
 * within the connect timeout (a timer on the {@link Scheduler}; Netty's own connect and handshake timeouts are
 * switched off). Failures are {@link StunTransportException.Unreachable}: "TCP connection to 192.0.2.1:3478
 * refused.", "… timed out.", "… was reset by the server.", "TLS handshake with turn.example.org failed:
 * certificate not trusted (…).", "TLS handshake with turn.example.org timed out.". TLS verifies the certificate
 * chain and, unless the factory trusts everything, the host name (endpoint identification "HTTPS"), and sends SNI
 * when the name is not an IP literal.
 *
 * <p>Once open, a reset, a close by the server, or a byte stream that cannot be split into frames closes the
 * connection and fails pending requests with {@link StunTransportException.Closed}. The {@code destination} of a
 * request is ignored: requests always go to the connected server.
 */
public final class StreamStunTransport extends ChannelStunTransport {

    private final InetSocketAddress server;
    private final boolean secure;
    private final Inbound inbound;

    private StreamStunTransport(SocketChannel channel, Scheduler scheduler, ByteBufAllocator allocator,
            InetSocketAddress server, boolean secure, Inbound inbound, TransportListener listener) {
        super(channel, new StunTransactions(channel, scheduler, allocator, false, listener,
                secure ? ServerTransport.TLS : ServerTransport.TCP));
        this.server = server;
        this.secure = secure;
        this.inbound = inbound;
    }

    /**
     * Connect to {@code server} from {@code localAddress}, over TLS with {@code sslContext} when
     * {@code tlsHostName} is not null. Cancelling the {@code Mono} closes the connection.
     *
     * @param verifyHostName whether TLS checks that the certificate is for {@code tlsHostName}
     * @param listener       where dropped packets and ended transactions are reported
     */
    static Mono<StunTransport> open(EventLoopGroup group, ChannelFactory<? extends SocketChannel> channelFactory,
            ByteBufAllocator allocator, Scheduler scheduler, InetAddress localAddress, InetSocketAddress server,
            String tlsHostName, SslContext sslContext, boolean verifyHostName, Duration connectTimeout,
            TransportListener listener) {
        return Mono.defer(() -> {
            boolean secure = tlsHostName != null;
            Inbound inbound = new Inbound();
            Bootstrap bootstrap = new Bootstrap()
                    .group(group)
                    .channelFactory(channelFactory)
                    .option(ChannelOption.ALLOCATOR, allocator)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 0)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (secure) {
                                ch.pipeline().addLast(sslHandler(ch, sslContext, tlsHostName, server.getPort(),
                                        verifyHostName));
                            }
                            ch.pipeline().addLast(new WriteFailures(inbound),
                                    new StunFrameDecoder(MAX_INBOUND_MESSAGE_LENGTH), inbound);
                        }
                    });
            Promise<Void> ready = new DefaultPromise<>(ImmediateEventExecutor.INSTANCE);
            ChannelFuture connect = bootstrap.connect(server, new InetSocketAddress(localAddress, 0));
            Channel channel = connect.channel();
            Disposable timer;
            try {
                timer = scheduler.schedule(() -> ready.tryFailure(new StunTransportException.Unreachable(
                        secure && channel.isActive()
                                ? FailureTexts.tlsTimedOut(tlsHostName)
                                : FailureTexts.tcpTimedOut(server), null)),
                        connectTimeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                channel.close();
                return Mono.error(e);
            }
            ready.addListener(f -> timer.dispose());
            connect.addListener(f -> {
                if (!f.isSuccess()) {
                    ready.tryFailure(connectFailure(server, f.cause()));
                } else if (!secure) {
                    ready.trySuccess(null);
                } else {
                    channel.pipeline().get(SslHandler.class).handshakeFuture().addListener(h -> {
                        if (h.isSuccess()) {
                            ready.trySuccess(null);
                        } else {
                            ready.tryFailure(new StunTransportException.Unreachable(
                                    FailureTexts.tlsFailed(tlsHostName, tlsFailureReason(h.cause())), h.cause()));
                        }
                    });
                }
            });
            return ChannelOpening.open(channel, ready, () -> {
                SocketChannel ch = (SocketChannel) channel;
                StreamStunTransport transport = new StreamStunTransport(ch, scheduler, allocator, server, secure,
                        inbound, listener);
                inbound.transport = transport;
                // Netty runs close listeners before it fails the writes a reset cut short: wait for those
                // failures (WriteFailures records them) so that the pending requests learn why
                ch.closeFuture().addListener(c -> {
                    Runnable closeAll = () -> transport.transactions.closeAll(transport::closedReason);
                    try {
                        ch.eventLoop().execute(closeAll);
                    } catch (RejectedExecutionException loopShutDown) {
                        closeAll.run();
                    }
                });
                return transport;
            }, cause -> cause instanceof StunTransportException ? cause
                    : new StunTransportException.Unreachable(FailureTexts.tcpFailed(server, cause), cause));
        });
    }

    private static SslHandler sslHandler(SocketChannel ch, SslContext sslContext, String host, int port,
            boolean verifyHostName) {
        SslHandler handler = sslContext.newHandler(ch.alloc(), host, port);
        handler.setHandshakeTimeoutMillis(0);
        SSLEngine engine = handler.engine();
        SSLParameters parameters = engine.getSSLParameters();
        if (verifyHostName) {
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
        }
        if (!NetUtil.isValidIpV4Address(host) && !NetUtil.isValidIpV6Address(host)) {
            try {
                parameters.setServerNames(List.of(new SNIHostName(host)));
            } catch (IllegalArgumentException notADnsName) {
                parameters.setServerNames(List.of());
            }
        }
        engine.setSSLParameters(parameters);
        return handler;
    }

    static StunTransportException.Unreachable connectFailure(InetSocketAddress server, Throwable cause) {
        String message = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
        String text;
        if (cause instanceof ConnectException && message.contains("refused")) {
            text = FailureTexts.tcpRefused(server);
        } else if (cause instanceof ConnectTimeoutException) {
            text = FailureTexts.tcpTimedOut(server);
        } else if (cause instanceof IOException && message.contains("reset")) {
            // a server that accepts and resets at once: the reset may beat the end of the connect
            text = FailureTexts.tcpResetWhileConnecting(server);
        } else {
            text = FailureTexts.tcpFailed(server, cause);
        }
        return new StunTransportException.Unreachable(text, cause);
    }

    /**
     * Say why a TLS handshake failed in a few words: "certificate not trusted (…)", "certificate does not match
     * the host name (…)", "the connection was closed during the handshake", "the server does not speak TLS (not
     * an SSL/TLS record)", or the innermost message.
     */
    static String tlsFailureReason(Throwable cause) {
        Throwable root = cause;
        Throwable nameMismatch = null;
        for (Throwable t = cause; t != null; t = t.getCause()) {
            root = t;
            String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (message.contains("no subject alternative") || message.contains("no name matching")) {
                // the innermost one: over OpenSSL, Netty's trust manager wrapper rethrows the JDK's exception with
                // the chain's names appended; its cause has the JDK's own text, the same as over the JDK's TLS
                nameMismatch = t;
            }
        }
        if (nameMismatch != null) {
            return "certificate does not match the host name (" + FailureTexts.describe(nameMismatch) + ")";
        }
        for (Throwable t = cause; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (t instanceof CertPathBuilderException || t instanceof CertPathValidatorException
                    || message.contains("pkix") || message.contains("certification path")) {
                return "certificate not trusted (" + FailureTexts.describe(innermost(t)) + ")";
            }
            if (t instanceof CertificateException) {
                return "certificate rejected (" + FailureTexts.describe(innermost(t)) + ")";
            }
            if (t instanceof ClosedChannelException) {
                return "the connection was closed during the handshake";
            }
            if (t instanceof NotSslRecordException) {
                // its message dumps every byte received: a server that is not TLS (an HTTP server, say)
                return "the server does not speak TLS (not an SSL/TLS record)";
            }
        }
        return FailureTexts.describe(root);
    }

    private static Throwable innermost(Throwable t) {
        Throwable last = t;
        while (last.getCause() != null && last.getCause() != last) {
            last = last.getCause();
        }
        return last;
    }

    private StunTransportException.Closed closedReason() {
        Throwable failure = inbound.failure;
        String how;
        if (inbound.closedLocally) {
            how = "was closed";
            failure = null;
        } else if (failure instanceof DecoderException && failure.getCause() instanceof StunCodecException codec) {
            how = "was closed: the server sent bytes that are not STUN frames (" + codec.getMessage() + ")";
        } else if (failure instanceof IOException) {
            how = "was reset by the server";
        } else if (failure != null) {
            how = "was closed after an error: " + FailureTexts.describe(failure);
        } else {
            how = "was closed by the server";
        }
        return new StunTransportException.Closed(FailureTexts.connectionEnded(secure, server, how), failure);
    }

    /** Return the server this connection goes to. */
    InetSocketAddress server() {
        return server;
    }

    @Override
    public ServerTransport transport() {
        return secure ? ServerTransport.TLS : ServerTransport.TCP;
    }

    @Override
    public Mono<StunMessage> request(StunMessage request, StunEncodeOptions options, InetSocketAddress destination,
            byte[] responseKey, StunTimers timers) {
        return transactions.request(request, options, server, responseKey, timers);
    }

    /** Close the connection at once, as {@link ChannelStunTransport#close()} says; a close of ours, not a failure. */
    @Override
    public Mono<Void> close() {
        inbound.closedLocally = true;
        return super.close();
    }

    @Override
    public String toString() {
        return "StreamStunTransport[" + (secure ? "TLS " : "TCP ") + FailureTexts.address(localAddress) + " -> "
                + FailureTexts.address(server) + "]";
    }

    /** Records the first write that failed with an I/O error (a reset seen by a write) as the connection's failure. */
    private static final class WriteFailures extends ChannelOutboundHandlerAdapter {
        private final Inbound inbound;

        WriteFailures(Inbound inbound) {
            this.inbound = inbound;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            ctx.write(msg, promise.unvoid()).addListener(f -> {
                Throwable cause = f.cause();
                if (cause instanceof IOException && !(cause instanceof ClosedChannelException)
                        && inbound.failure == null) {
                    inbound.failure = cause;
                }
            });
        }
    }

    /** Decodes and matches each frame, always releasing it; records why the connection failed and closes it. */
    private static final class Inbound extends SimpleChannelInboundHandler<ByteBuf> {
        volatile StreamStunTransport transport;
        volatile boolean closedLocally;
        volatile Throwable failure;

        Inbound() {
            super(ByteBuf.class, true);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            StreamStunTransport t = transport;
            if (t == null) {
                return;
            }
            t.transactions.onFrame(frame, null);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (failure == null) {
                failure = cause;
            }
            ctx.close();
        }
    }
}
