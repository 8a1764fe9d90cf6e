package io.iceflux.netty.internal.transport;


import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.ReflectiveChannelFactory;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Opens {@link UdpStunTransport}s and {@link StreamStunTransport}s on one {@link EventLoopGroup}, with timers on
 * one {@link Scheduler}. The TLS client context is built once, here. The factory owns nothing it must close: each
 * transport owns its channel, and the caller owns the event loop group and the scheduler.
 *
 * <p>Channel types: those of the group's transport ({@link ChannelTypes#of}): NIO, epoll, io_uring or kqueue.
 */
public final class NettyStunTransportFactory implements StunTransportFactory {

    /** The default time a TCP connection and its TLS handshake may take together. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final EventLoopGroup group;
    private final ChannelTypes channelTypes;
    private final ChannelFactory<? extends DatagramChannel> datagramChannels;
    private final ChannelFactory<? extends SocketChannel> socketChannels;
    private final Scheduler scheduler;
    private final ByteBufAllocator allocator;
    private final TlsSettings tls;
    private final SslProvider sslProvider;
    private final SslContext sslContext;
    private final Duration connectTimeout;
    private final TransportListener listener;
    private final IcmpErrors icmp;

    /**
     * Create a factory whose transports run on {@code group} with the channels of its transport and the default
     * allocator, and report dropped packets and ended transactions to {@code listener}.
     *
     * @param connectTimeout how long a TCP connect plus TLS handshake may take
     * @throws IllegalArgumentException if {@code connectTimeout} is not positive, the group is of no supported
     *     transport, or the TLS context cannot be built from {@code tls}
     * @throws NullPointerException if an argument is null
     */
    public NettyStunTransportFactory(EventLoopGroup group, Scheduler scheduler, TlsSettings tls,
            Duration connectTimeout, TransportListener listener) {
        this(group, scheduler, tls, connectTimeout, listener, true);
    }

    /**
     * As {@link #NettyStunTransportFactory(EventLoopGroup, Scheduler, TlsSettings, Duration, TransportListener)},
     * choosing whether UDP transports listen for ICMP errors ({@link UdpStunTransport}): on NIO and epoll a UDP
     * request to a port or host that an ICMP error says is unreachable then fails at once with
     * {@link StunTransportException.IcmpUnreachable}; other transports, and {@code icmpFastFailure == false}, keep
     * the timers.
     */
    public NettyStunTransportFactory(EventLoopGroup group, Scheduler scheduler, TlsSettings tls,
            Duration connectTimeout, TransportListener listener, boolean icmpFastFailure) {
        this.group = Objects.requireNonNull(group, "group");
        this.channelTypes = ChannelTypes.of(group);
        this.datagramChannels = new ReflectiveChannelFactory<>(channelTypes.datagram());
        this.socketChannels = new ReflectiveChannelFactory<>(channelTypes.socket());
        this.allocator = ByteBufAllocator.DEFAULT;
        this.listener = Objects.requireNonNull(listener, "listener");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.tls = Objects.requireNonNull(tls, "tls");
        this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout must be positive, not " + connectTimeout);
        }
        this.sslProvider = tls.provider().resolve();
        this.sslContext = tls.newClientContext(sslProvider);
        this.icmp = icmpFastFailure ? IcmpErrors.of(channelTypes) : IcmpErrors.NONE;
    }

    /** Whether UDP transports of this factory listen for ICMP errors (asked for, and possible on this transport). */
    public boolean icmpFastFailure() {
        return icmp.supported();
    }

    /** Returns the channel types of the group's transport, which this factory opens. */
    public ChannelTypes channelTypes() {
        return channelTypes;
    }

    @Override
    public Mono<StunTransport> openUdp(InetAddress localAddress) {
        Objects.requireNonNull(localAddress, "localAddress");
        return UdpStunTransport.open(group, datagramChannels, allocator, scheduler, localAddress, listener, icmp);
    }

    @Override
    public Mono<StunTransport> openStream(InetAddress localAddress, InetSocketAddress server, String tlsHostName) {
        Objects.requireNonNull(localAddress, "localAddress");
        Objects.requireNonNull(server, "server");
        if (server.isUnresolved()) {
            throw new IllegalArgumentException("server " + server + " must be a resolved address");
        }
        if (tlsHostName != null && tlsHostName.isBlank()) {
            throw new IllegalArgumentException("tlsHostName must not be blank");
        }
        return StreamStunTransport.open(group, socketChannels, allocator, scheduler, localAddress, server,
                tlsHostName, sslContext, !tls.trustAll(), connectTimeout, listener);
    }

    /** Returns the TLS implementation of this factory's connections: {@code "openssl"} or {@code "jdk"}. */
    public String tlsImplementation() {
        return sslProvider == SslProvider.JDK ? "jdk" : "openssl";
    }

    /**
     * Which TLS implementation the client context uses: {@code AUTO} takes OpenSSL (netty-tcnative, BoringSSL) when
     * it is on the class path and loads on this platform, else the JDK's; {@code OPENSSL} fails when it does not
     * load; {@code JDK} never tries it.
     */
    public enum TlsProvider {
        /** OpenSSL when available, else the JDK's TLS. */
        AUTO,
        /** OpenSSL (netty-tcnative); the factory cannot be built without it. */
        OPENSSL,
        /** The JDK's TLS (JSSE). */
        JDK;

        /** The system property that sets the default: {@code jdk}, {@code openssl} or {@code auto}. */
        public static final String PROPERTY = "iceflux.tls.provider";

        /**
         * The default: the system property {@value #PROPERTY} if set ({@code jdk}, {@code openssl}, {@code auto},
         * any case), else {@code AUTO}.
         *
         * @throws IllegalArgumentException if the property holds another value
         */
        public static TlsProvider fromSystemProperty() {
            String value = System.getProperty(PROPERTY);
            if (value == null || value.isBlank()) {
                return AUTO;
            }
            try {
                return valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("system property " + PROPERTY + " must be jdk, openssl or auto, not "
                        + value, e);
            }
        }

        /** The Netty provider to build with: resolves {@code AUTO} by asking {@link OpenSsl#isAvailable()}. */
        SslProvider resolve() {
            switch (this) {
                case JDK:
                    return SslProvider.JDK;
                case OPENSSL:
                    if (!openSslAvailable()) {
                        throw new IllegalArgumentException("OpenSSL TLS was asked for and is not available: "
                                + (openSslOnClassPath() ? OpenSsl.unavailabilityCause()
                                : "netty-tcnative is not on the class path"));
                    }
                    return SslProvider.OPENSSL;
                default:
                    return openSslAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
            }
        }

        private static boolean openSslAvailable() {
            return openSslOnClassPath() && OpenSsl.isAvailable();
        }

        /** Whether netty-tcnative's classes are there at all (OpenSsl itself is Netty's and always is). */
        private static boolean openSslOnClassPath() {
            try {
                Class.forName("io.netty.internal.tcnative.SSL", false, TlsProvider.class.getClassLoader());
                return true;
            } catch (ClassNotFoundException | LinkageError e) {
                return false;
            }
        }
    }

    /**
     * Which server certificates TLS connections trust, and through which TLS implementation.
     *
     * @param trustManagerFactory the trust managers to use, or {@code null} for the JDK's default trust store
     * @param trustAll            trust every certificate and skip the host name check (tests and lab setups only)
     * @param provider            the TLS implementation
     */
    public record TlsSettings(TrustManagerFactory trustManagerFactory, boolean trustAll, TlsProvider provider) {

        /** Check that trusting everything does not come with a trust manager factory. */
        public TlsSettings {
            Objects.requireNonNull(provider, "provider");
            if (trustAll && trustManagerFactory != null) {
                throw new IllegalArgumentException("trustAll cannot be combined with a trustManagerFactory");
            }
        }

        /** These settings with the TLS implementation {@code provider}. */
        public TlsSettings withProvider(TlsProvider provider) {
            return new TlsSettings(trustManagerFactory, trustAll, provider);
        }

        /** Trust the JDK's default trust store and verify host names. */
        public static TlsSettings systemDefault() {
            return new TlsSettings(null, false, TlsProvider.AUTO);
        }

        /**
         * Trust what {@code trustManagerFactory} trusts and verify host names.
         *
         * @throws NullPointerException if {@code trustManagerFactory} is null
         */
        public static TlsSettings trusting(TrustManagerFactory trustManagerFactory) {
            return new TlsSettings(Objects.requireNonNull(trustManagerFactory, "trustManagerFactory"), false,
                    TlsProvider.AUTO);
        }

        /** Trust every certificate and skip the host name check: insecure, for tests and lab setups only. */
        public static TlsSettings insecureTrustAll() {
            return new TlsSettings(null, true, TlsProvider.AUTO);
        }

        /**
         * Build the client {@link SslContext}.
         *
         * @throws IllegalArgumentException if it cannot be built, or OpenSSL was asked for and does not load
         */
        SslContext newClientContext(SslProvider resolved) {
            SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(resolved);
            if (trustAll) {
                builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
            } else if (trustManagerFactory != null) {
                builder.trustManager(trustManagerFactory);
            }
            try {
                return builder.build();
            } catch (SSLException e) {
                throw new IllegalArgumentException("could not build the TLS client context: " + e.getMessage(), e);
            }
        }
    }
}
