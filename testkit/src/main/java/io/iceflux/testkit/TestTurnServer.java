package io.iceflux.testkit;

import io.iceflux.netty.stun.StunClass;
import io.iceflux.netty.stun.StunFrameDecoder;
import io.iceflux.testsupport.TestCertificate;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509TrustManager;

/**
 * An embeddable STUN/TURN server on Netty for tests, started in-process on loopback: a real server for tests,
 * <strong>not a production TURN server</strong> (no quotas, no rate limits, no IPv6 relays, no TCP relays, no
 * hardening against hostile clients, everything in memory on one event-loop thread).
 *
 * <p>What it does: UDP, TCP and TLS listeners on ephemeral ports (TLS with a self-signed certificate for
 * {@code localhost} and the bind address, generated on start; see {@link #trustManager()}); Binding
 * (XOR-MAPPED-ADDRESS); long-term credentials with realm and nonce (401 with REALM and NONCE, 438 for an expired
 * or unknown nonce, MD5 keys, responses to authenticated requests signed with MESSAGE-INTEGRITY); Allocate with a
 * UDP relay socket on the bind address (437 for a second Allocate on the same 5-tuple), Refresh (LIFETIME 0
 * deletes, expiry deletes on a timer), CreatePermission, ChannelBind, Send/Data indications and ChannelData in
 * both directions for peers with a permission. Closing a TCP/TLS connection deletes its allocation. Every response
 * carries FINGERPRINT.
 *
 * <p>Faults ({@link Fault}) are injected per {@link TurnMethod} at any time and from any thread; counters
 * ({@link #received(TurnMethod)}, {@link #allocationsAlive()}, {@link #packetsDropped()}, …) can be asserted on.
 * {@link TestTurnServerExtension} starts and stops a server around JUnit 5 tests.
 *
 * <pre>{@code
 * try (TestTurnServer server = TestTurnServer.builder().start()) {
 *     server.respondWithError(TurnMethod.ALLOCATE, 486, "Allocation Quota Reached");
 *     // gather against server.turnUdpUrl() with server.username() / server.password()
 * }
 * }</pre>
 */
public final class TestTurnServer implements AutoCloseable {

    /** The realm used unless the builder sets another. */
    public static final String DEFAULT_REALM = "iceflux.test";
    /** The username of the user configured unless the builder adds users. */
    public static final String DEFAULT_USERNAME = "iceflux";
    /** The password of {@link #DEFAULT_USERNAME}. */
    public static final String DEFAULT_PASSWORD = "iceflux-secret";
    /** The SOFTWARE attribute of every response unless the builder sets another. */
    public static final String DEFAULT_SOFTWARE = "IceFlux TestTurnServer";

    /** The configuration one server runs with. */
    record Settings(String realm, Map<String, String> users, Duration nonceLifetime, Duration defaultLifetime,
            Duration maxLifetime, InetAddress bindAddress, long randomSeed, String software) {
    }

    private final Settings settings;
    private final EventLoopGroup group;
    private final Counters counters = new Counters();
    private final TurnEngine engine;
    private final TestCertificate certificate;
    private final AtomicBoolean closed = new AtomicBoolean();
    private Channel udp;
    private Channel tcp;
    private Channel tls;

    /**
     * The server's one NIO event-loop thread. {@code NioEventLoopGroup} is deprecated on Netty 4.2 (in favour of
     * {@code MultiThreadIoEventLoopGroup}, which Netty 4.1 lacks) but present in both, and the testkit runs on both.
     */
    @SuppressWarnings("deprecation")
    private static EventLoopGroup newLoop() {
        return new NioEventLoopGroup(1, new DefaultThreadFactory("testkit-turn-server"));
    }

    private TestTurnServer(Settings settings, boolean udpOn, boolean tcpOn, boolean tlsOn) {
        this.settings = settings;
        this.group = newLoop();
        EventLoop loop = group.next();
        this.engine = new TurnEngine(settings, loop, counters);
        this.certificate = tlsOn ? TestCertificate.selfSigned("localhost", settings.bindAddress()) : null;
        try {
            if (udpOn) {
                udp = new Bootstrap().group(loop).channel(NioDatagramChannel.class)
                        .handler(new DatagramHandler())
                        .bind(new InetSocketAddress(settings.bindAddress(), 0)).sync().channel();
            }
            if (tcpOn) {
                tcp = stream(loop, ClientLink.Transport.TCP, null);
            }
            if (tlsOn) {
                SslContext ssl = SslContextBuilder.forServer(certificate.privateKey(), certificate.certificate())
                        .build();
                tls = stream(loop, ClientLink.Transport.TLS, ssl);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            shutdown();
            throw new IllegalStateException("interrupted while starting the TestTurnServer", e);
        } catch (SSLException | RuntimeException e) {
            shutdown();
            throw new IllegalStateException("could not start the TestTurnServer on " + settings.bindAddress()
                    + ": " + e.getMessage(), e);
        }
    }

    private Channel stream(EventLoop loop, ClientLink.Transport transport, SslContext ssl)
            throws InterruptedException {
        return new ServerBootstrap().group(loop).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (ssl != null) {
                            ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(new StunFrameDecoder(), new StreamHandler(transport));
                    }
                })
                .bind(new InetSocketAddress(settings.bindAddress(), 0)).sync().channel();
    }

    /** Return a builder with the defaults: 127.0.0.1, UDP, TCP and TLS, one user, realm {@value #DEFAULT_REALM}. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Start a server with the defaults of {@link #builder()}.
     *
     * @throws IllegalStateException if a listener cannot be bound
     */
    public static TestTurnServer start() {
        return builder().start();
    }

    /** Return the address every listener and relay is bound to. */
    public InetAddress bindAddress() {
        return settings.bindAddress();
    }

    /**
     * Return the UDP listener's address.
     *
     * @throws IllegalStateException if the UDP listener was switched off
     */
    public InetSocketAddress udpAddress() {
        return address(udp, "UDP");
    }

    /**
     * Return the TCP listener's address.
     *
     * @throws IllegalStateException if the TCP listener was switched off
     */
    public InetSocketAddress tcpAddress() {
        return address(tcp, "TCP");
    }

    /**
     * Return the TLS listener's address.
     *
     * @throws IllegalStateException if the TLS listener was switched off
     */
    public InetSocketAddress tlsAddress() {
        return address(tls, "TLS");
    }

    private static InetSocketAddress address(Channel channel, String what) {
        if (channel == null) {
            throw new IllegalStateException("the " + what + " listener is switched off");
        }
        return (InetSocketAddress) channel.localAddress();
    }

    /**
     * Return the UDP listener's port.
     *
     * @throws IllegalStateException if the UDP listener was switched off
     */
    public int udpPort() {
        return udpAddress().getPort();
    }

    /**
     * Return the TCP listener's port.
     *
     * @throws IllegalStateException if the TCP listener was switched off
     */
    public int tcpPort() {
        return tcpAddress().getPort();
    }

    /**
     * Return the TLS listener's port.
     *
     * @throws IllegalStateException if the TLS listener was switched off
     */
    public int tlsPort() {
        return tlsAddress().getPort();
    }

    private String host() {
        String ip = settings.bindAddress().getHostAddress();
        return settings.bindAddress() instanceof Inet6Address ? "[" + ip + "]" : ip;
    }

    /**
     * Return {@code stun:<ip>:<udpPort>}.
     *
     * @throws IllegalStateException if the UDP listener was switched off
     */
    public String stunUrl() {
        return "stun:" + host() + ":" + udpPort();
    }

    /**
     * Return {@code turn:<ip>:<udpPort>?transport=udp}.
     *
     * @throws IllegalStateException if the UDP listener was switched off
     */
    public String turnUdpUrl() {
        return "turn:" + host() + ":" + udpPort() + "?transport=udp";
    }

    /**
     * Return {@code turn:<ip>:<tcpPort>?transport=tcp}.
     *
     * @throws IllegalStateException if the TCP listener was switched off
     */
    public String turnTcpUrl() {
        return "turn:" + host() + ":" + tcpPort() + "?transport=tcp";
    }

    /**
     * Return {@code turns:localhost:<tlsPort>?transport=tcp} when bound to a loopback address (the certificate
     * names {@code localhost}, which must resolve to the bind address), else {@link #turnsIpUrl()}.
     *
     * @throws IllegalStateException if the TLS listener was switched off
     */
    public String turnsUrl() {
        return settings.bindAddress().isLoopbackAddress()
                ? "turns:localhost:" + tlsPort() + "?transport=tcp" : turnsIpUrl();
    }

    /**
     * Return {@code turns:<ip>:<tlsPort>?transport=tcp}; the certificate also names the bind address.
     *
     * @throws IllegalStateException if the TLS listener was switched off
     */
    public String turnsIpUrl() {
        return "turns:" + host() + ":" + tlsPort() + "?transport=tcp";
    }

    /** Return the realm of the 401 and 438 answers. */
    public String realm() {
        return settings.realm();
    }

    /** Return the first configured user's name. */
    public String username() {
        return settings.users().keySet().iterator().next();
    }

    /** Return the first configured user's password. */
    public String password() {
        return settings.users().get(username());
    }

    /** Return every configured user, name to password, in the order they were added. */
    public Map<String, String> users() {
        return settings.users();
    }

    /**
     * Return the self-signed certificate the TLS listener presents.
     *
     * @throws IllegalStateException if the TLS listener was switched off
     */
    public X509Certificate certificate() {
        if (certificate == null) {
            throw new IllegalStateException("the TLS listener is switched off: there is no certificate");
        }
        return certificate.certificate();
    }

    /**
     * Return a trust manager that trusts exactly {@link #certificate()}.
     *
     * @throws IllegalStateException if the TLS listener was switched off
     */
    public X509TrustManager trustManager() {
        certificate();
        return certificate.trustManager();
    }

    /**
     * Set the fault for every later message of {@code method}, replacing the previous one; thread-safe, takes effect
     * for messages the server has not started handling yet.
     *
     * @throws NullPointerException if an argument is null
     */
    public void inject(TurnMethod method, Fault fault) {
        engine.faults.put(Objects.requireNonNull(method, "method"), Objects.requireNonNull(fault, "fault"));
    }

    /** Return the fault now set for {@code method}, if any (a used-up {@link Fault.StaleNonce} is gone). */
    public Optional<Fault> fault(TurnMethod method) {
        return Optional.ofNullable(engine.faults.get(Objects.requireNonNull(method, "method")));
    }

    /**
     * Answer every request of {@code method} with an error; same as {@link Fault#error(int, String)}.
     *
     * @throws IllegalArgumentException if {@code code} is outside 300–699
     */
    public void respondWithError(TurnMethod method, int code, String reason) {
        inject(method, Fault.error(code, reason));
    }

    /**
     * Answer every request of {@code method} with 300 and ALTERNATE-SERVER; same as {@link Fault#redirect}.
     *
     * @throws IllegalArgumentException if {@code alternate} is unresolved
     */
    public void redirect(TurnMethod method, InetSocketAddress alternate) {
        inject(method, Fault.redirect(alternate));
    }

    /** Answer the next authenticated request of {@code method} with 438; same as {@link Fault#staleNonce()}. */
    public void staleNonce(TurnMethod method) {
        inject(method, Fault.staleNonce());
    }

    /**
     * Drop {@code percent} % of the messages of {@code method}; same as {@link Fault#drop(int)}.
     *
     * @throws IllegalArgumentException if {@code percent} is outside 0–100
     */
    public void dropPercent(TurnMethod method, int percent) {
        inject(method, Fault.drop(percent));
    }

    /**
     * Handle messages of {@code method} after {@code delay}; same as {@link Fault#delay(Duration)}.
     *
     * @throws IllegalArgumentException if {@code delay} is negative
     */
    public void delay(TurnMethod method, Duration delay) {
        inject(method, Fault.delay(delay));
    }

    /** Ignore every message of {@code method}; same as {@link Fault#silent()}. */
    public void silent(TurnMethod method) {
        inject(method, Fault.silent());
    }

    /** Close the TCP/TLS connection a message of {@code method} arrives on; same as {@link Fault#closeConnection()}. */
    public void closeTcp(TurnMethod method) {
        inject(method, Fault.closeConnection());
    }

    /** Reset the TCP/TLS connection a message of {@code method} arrives on; same as {@link Fault#resetConnection()}. */
    public void resetTcp(TurnMethod method) {
        inject(method, Fault.resetConnection());
    }

    /** Remove the fault of {@code method}. */
    public void clearFault(TurnMethod method) {
        engine.faults.remove(Objects.requireNonNull(method, "method"));
    }

    /** Remove every fault. */
    public void clearFaults() {
        engine.faults.clear();
    }

    /** Return how many requests of {@code method} arrived (including dropped and faulted ones). */
    public long received(TurnMethod method) {
        return received(method, StunClass.REQUEST);
    }

    /**
     * Return how many messages of {@code method} and {@code messageClass} arrived, including dropped and faulted
     * ones.
     *
     * @throws NullPointerException if an argument is null
     */
    public long received(TurnMethod method, StunClass messageClass) {
        return counters.receivedCount(Objects.requireNonNull(method, "method"),
                Objects.requireNonNull(messageClass, "messageClass"));
    }

    /**
     * Return how many messages of {@code method} and {@code messageClass} the server sent (responses and Data
     * indications).
     *
     * @throws NullPointerException if an argument is null
     */
    public long sent(TurnMethod method, StunClass messageClass) {
        return counters.sentCount(Objects.requireNonNull(method, "method"),
                Objects.requireNonNull(messageClass, "messageClass"));
    }

    /** Return how many ChannelData messages arrived from clients. */
    public long channelDataReceived() {
        return counters.channelDataReceivedCount();
    }

    /** Return how many ChannelData messages were sent to clients. */
    public long channelDataSent() {
        return counters.channelDataSentCount();
    }

    /**
     * Return how many received packets were dropped: by {@link Fault.Drop} and {@link Fault.Silent}, because they
     * were malformed or of an unknown method, or because no allocation or permission let them through.
     */
    public long packetsDropped() {
        return counters.droppedCount();
    }

    /** Return how many allocations were created (including ones deleted since). */
    public long allocationsCreated() {
        return counters.createdCount();
    }

    /** Return how many allocations exist now. */
    public int allocationsAlive() {
        return counters.alive();
    }

    /**
     * Return once {@link #allocationsAlive()} equals {@code expected}.
     *
     * @throws IllegalArgumentException if {@code expected} or {@code timeout} is negative
     * @throws AssertionError if the count still differs after {@code timeout}, with the last count
     * @throws IllegalStateException if the thread is interrupted while waiting
     */
    public void awaitAllocationsAlive(int expected, Duration timeout) {
        if (expected < 0) {
            throw new IllegalArgumentException("expected allocation count is negative: " + expected);
        }
        if (Objects.requireNonNull(timeout, "timeout").isNegative()) {
            throw new IllegalArgumentException("timeout is negative: " + timeout);
        }
        try {
            if (!counters.awaitAlive(expected, timeout)) {
                throw new AssertionError("expected " + expected + " allocation(s) alive, still "
                        + counters.alive() + " after " + timeout.toMillis() + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while awaiting " + expected + " allocation(s)", e);
        }
    }

    /** Zero every counter except {@link #allocationsAlive()}. */
    public void resetCounters() {
        counters.reset();
    }

    /** Return whether {@link #close()} has not been called yet. */
    public boolean isRunning() {
        return !closed.get();
    }

    /**
     * Delete every allocation, close every socket and shut the server's event loop down; idempotent. Do not call it
     * from the server's own event loop.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            shutdown();
        }
    }

    private void shutdown() {
        group.next().submit(engine::deleteAll).awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Override
    public String toString() {
        return "TestTurnServer[" + settings.bindAddress().getHostAddress()
                + (udp != null ? " udp=" + udpPort() : "") + (tcp != null ? " tcp=" + tcpPort() : "")
                + (tls != null ? " tls=" + tlsPort() : "") + (closed.get() ? " closed" : "") + "]";
    }

    private final class DatagramHandler extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            engine.onPacket(new ClientLink(ClientLink.Transport.UDP, ctx.channel(), packet.sender(),
                    (InetSocketAddress) ctx.channel().localAddress()), packet.content());
        }
    }

    private final class StreamHandler extends SimpleChannelInboundHandler<ByteBuf> {
        private final ClientLink.Transport transport;
        private ClientLink link;

        StreamHandler(ClientLink.Transport transport) {
            this.transport = transport;
        }

        private ClientLink link(ChannelHandlerContext ctx) {
            if (link == null) {
                link = new ClientLink(transport, ctx.channel(), (InetSocketAddress) ctx.channel().remoteAddress(),
                        (InetSocketAddress) ctx.channel().localAddress());
            }
            return link;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            link(ctx);
            super.channelActive(ctx);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            engine.onPacket(link(ctx), frame);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (link != null) {
                engine.connectionClosed(link);
            }
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            counters.dropped();
            ctx.close();
        }
    }

    /** Configures and starts a {@link TestTurnServer}; reusable, each {@link #start()} makes a new server. */
    public static final class Builder {
        private String realm = DEFAULT_REALM;
        private final Map<String, String> users = new LinkedHashMap<>();
        private Duration nonceLifetime = Duration.ofMinutes(10);
        private Duration defaultLifetime = Duration.ofMinutes(10);
        private Duration maxLifetime = Duration.ofHours(1);
        private InetAddress bindAddress = InetAddress.getLoopbackAddress();
        private boolean udp = true;
        private boolean tcp = true;
        private boolean tls = true;
        private long randomSeed = 0x1CEF1AL;
        private String software = DEFAULT_SOFTWARE;

        private Builder() {
        }

        /**
         * Use this realm in 401/438 answers and long-term keys.
         *
         * @throws IllegalArgumentException if {@code realm} is empty
         */
        public Builder realm(String realm) {
            if (Objects.requireNonNull(realm, "realm").isEmpty()) {
                throw new IllegalArgumentException("realm is empty");
            }
            this.realm = realm;
            return this;
        }

        /**
         * Add a user; the first one added is {@link TestTurnServer#username()}. Without any, the server has
         * {@value TestTurnServer#DEFAULT_USERNAME} / {@value TestTurnServer#DEFAULT_PASSWORD}.
         *
         * @throws IllegalArgumentException if {@code username} is empty
         * @throws NullPointerException if an argument is null
         */
        public Builder user(String username, String password) {
            if (Objects.requireNonNull(username, "username").isEmpty()) {
                throw new IllegalArgumentException("username is empty");
            }
            users.put(username, Objects.requireNonNull(password, "password"));
            return this;
        }

        /**
         * Keep each issued nonce valid this long; a request with an older one gets 438.
         *
         * @throws IllegalArgumentException if {@code lifetime} is not positive
         */
        public Builder nonceLifetime(Duration lifetime) {
            this.nonceLifetime = positive("nonce lifetime", lifetime);
            return this;
        }

        /**
         * Give allocations without a requested LIFETIME this lifetime (whole seconds, default 10 minutes).
         *
         * @throws IllegalArgumentException if {@code lifetime} is shorter than one second
         */
        public Builder defaultLifetime(Duration lifetime) {
            this.defaultLifetime = seconds("default allocation lifetime", lifetime);
            return this;
        }

        /**
         * Cap requested lifetimes at this (whole seconds, default 1 hour); shorter requested lifetimes are granted
         * as asked, so a test can watch an allocation expire.
         *
         * @throws IllegalArgumentException if {@code lifetime} is shorter than one second
         */
        public Builder maxLifetime(Duration lifetime) {
            this.maxLifetime = seconds("maximum allocation lifetime", lifetime);
            return this;
        }

        /**
         * Bind every listener and relay to this address (default 127.0.0.1).
         *
         * @throws NullPointerException if {@code address} is null
         */
        public Builder bindAddress(InetAddress address) {
            this.bindAddress = Objects.requireNonNull(address, "bindAddress");
            return this;
        }

        /** Switch the UDP listener on or off (default on). */
        public Builder udp(boolean on) {
            this.udp = on;
            return this;
        }

        /** Switch the TCP listener on or off (default on). */
        public Builder tcp(boolean on) {
            this.tcp = on;
            return this;
        }

        /** Switch the TLS listener on or off (default on; off saves generating a certificate). */
        public Builder tls(boolean on) {
            this.tls = on;
            return this;
        }

        /** Seed the random generator that decides which packets {@link Fault.Drop} drops. */
        public Builder randomSeed(long seed) {
            this.randomSeed = seed;
            return this;
        }

        /** Put this SOFTWARE attribute into every response, or none when {@code software} is null. */
        public Builder software(String software) {
            this.software = software;
            return this;
        }

        /**
         * Start a server with this configuration.
         *
         * @throws IllegalStateException if every listener is switched off or one cannot be bound
         */
        public TestTurnServer start() {
            if (!udp && !tcp && !tls) {
                throw new IllegalStateException("every listener (UDP, TCP, TLS) is switched off");
            }
            Map<String, String> chosen = new LinkedHashMap<>(users);
            if (chosen.isEmpty()) {
                chosen.put(DEFAULT_USERNAME, DEFAULT_PASSWORD);
            }
            Settings settings = new Settings(realm, Collections.unmodifiableMap(chosen), nonceLifetime,
                    defaultLifetime, maxLifetime, bindAddress, randomSeed, software);
            return new TestTurnServer(settings, udp, tcp, tls);
        }

        private static Duration positive(String what, Duration value) {
            Objects.requireNonNull(value, what);
            if (value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException(what + " must be positive, got " + value);
            }
            return value;
        }

        private static Duration seconds(String what, Duration value) {
            Objects.requireNonNull(value, what);
            if (value.getSeconds() < 1) {
                throw new IllegalArgumentException(what + " must be at least one second, got " + value);
            }
            return value;
        }
    }
}
