package io.iceflux.netty;

import io.iceflux.IceConfiguration;
import io.iceflux.IceEvent;
import io.iceflux.IceGatherer;
import io.iceflux.IceOperators;
import io.iceflux.RelayCheck;
import io.iceflux.RelayCheckOptions;
import io.iceflux.netty.internal.gather.Cleanups;
import io.iceflux.netty.internal.gather.GathererAccounting;
import io.iceflux.netty.internal.gather.GathererContext;
import io.iceflux.netty.internal.gather.Gathering;
import io.iceflux.netty.internal.gather.HostAddresses;
import io.iceflux.netty.internal.gather.RelayChecks;
import io.iceflux.netty.internal.transport.ChannelTypes;
import io.iceflux.netty.internal.transport.DnsIceServerResolver;
import io.iceflux.netty.internal.transport.NettyStunTransportFactory;
import io.iceflux.netty.internal.turn.TurnRelayAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.util.SimpleTrustManagerFactory;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * The {@link IceGatherer} on Netty: non-blocking UDP, TCP and TLS on a fixed set of event-loop threads, however
 * many gatherings run at once. Create one and share it; {@linkplain #close() close} it when the application
 * stops.
 *
 * <pre>{@code
 * try (NettyIceGatherer gatherer = NettyIceGatherer.create()) {
 *     gatherer.gather(config).doOnNext(System.out::println).blockLast();
 * }
 * }</pre>
 *
 * <p>It runs on Netty 4.1 and 4.2, on event loops of its own (NIO) or on the application's
 * ({@link Builder#eventLoopGroup(EventLoopGroup)}, of any transport: NIO, epoll, io_uring, kqueue), in which case it
 * starts no thread and shuts nothing of the application's down.
 *
 * <p>Cancelling a gathering returns at once; what it holds is released in the background: its TURN allocations are
 * deleted on the servers (an Allocate in flight is let finish and its allocation deleted), then its sockets are
 * closed, all bounded by the STUN timers. {@link #close()} and {@link #disposeLater()} wait for those releases (at
 * most {@link Builder#closeTimeout(Duration) closeTimeout}, {@value #DEFAULT_CLOSE_TIMEOUT_SECONDS} s by default)
 * before they shut down the gatherer's event loops, so that an application that cancels its gatherings and then
 * closes the gatherer leaves no allocation behind on the servers.
 *
 * <p>Every gathering: one UDP socket per usable host address ({@link IceConfiguration#hostInterfaces()}), the
 * base of its host candidate; a STUN Binding from every socket to every {@code stun:} and UDP {@code turn:}
 * URL (server-reflexive candidates, one per server: a candidate equal to its host candidate is kept, because
 * it is the evidence that the server answered); a TURN Allocate for every {@code turn:}/{@code turns:} URL over
 * UDP from every socket, or over a TCP/TLS connection from every host address. {@code stuns:} URLs are checked
 * with a Binding over TLS but yield no candidate (a TLS mapping is no UDP candidate). Under
 * {@link io.iceflux.IceTransportPolicy#RELAY} only TURN URLs are used: no host or server-reflexive candidate, and
 * {@code stun:}/{@code stuns:} URLs are neither contacted nor reported. The W3C error rules
 * ({@link IceOperators#w3cErrorSemantics()}) are applied to what is emitted.
 *
 * <p>Distinct servers: exactly one exchange runs per (host socket, {@linkplain io.iceflux.IceServerUrl#canonical()
 * canonical URL}, credentials). A URL configured twice, in one server or two and in any spelling, is looked up once
 * and asked once from each socket: the duplicates add no candidate, no error and no wait. The events of an exchange
 * carry the URL exactly as configured; with two spellings of one server, the first configured spelling is the one
 * reported (for a TURN Allocate, the first spelling configured with its credentials), and that entry's timers apply.
 * The same URL with different credentials is one allocation per credentials: over UDP the first is allocated from
 * the host socket and each other from a UDP socket of its own on the same host address, since a TURN server keeps
 * one allocation per 5-tuple (RFC 8656); that relay's related address is the mapped address of its socket, and its
 * errors carry no address (no candidate exposes the socket).
 *
 * <p>A UDP server whose host answers with ICMP port or host unreachable gets its 701 at once, within one round
 * trip ({@code "STUN binding request failed: port unreachable (ICMP)."}), instead of after the retransmission
 * timers; a silent path still waits for them. {@link Builder#icmpFastFailure(boolean)} says how, where it works and
 * how to turn it off.
 *
 * <p>Incoming packets that do not answer a pending request (not STUN, malformed, bad FINGERPRINT, unknown
 * transaction id, wrong source address, wrong class or method, bad MESSAGE-INTEGRITY) are dropped without an error
 * event and without disturbing the transaction they might have spoofed; {@link #droppedPackets()} counts them by
 * {@link DropReason}. A success response whose mapped or relayed address no candidate can have (unspecified,
 * broadcast, multicast, port 0, wrong family) gives a 600 error instead of a candidate, and is counted as
 * {@link DropReason#UNUSABLE_ADDRESS}; a server's reason phrase longer than 763 bytes is cut in the error text. {@link Builder#metrics(GathererMetrics)} reports gatherings, candidates, errors, STUN
 * transactions and drops to a listener, e.g. Micrometer's; by default nothing is reported and no Micrometer class
 * is loaded.
 *
 * <p>Memory per gathering is bounded: at most {@link IceConfiguration#MAX_SERVERS} servers and
 * {@link IceConfiguration#MAX_URLS} URLs (checked when the configuration is built), at most
 * {@link #MAX_HOST_ADDRESSES} host addresses (the gathering fails with an
 * {@link io.iceflux.IceLimitExceededException} before opening any socket), hence at most
 * {@code hostAddresses × (1 + 2 × urls)} candidates; at most 1,024 STUN transactions pending per socket (one more
 * fails at once and is reported as a 701); inbound STUN messages of at most 4,096 bytes (a longer UDP datagram is
 * dropped, a TCP/TLS connection announcing a longer frame is closed and its pending requests end in a 701).
 */
public final class NettyIceGatherer implements IceGatherer, AutoCloseable {

    /**
     * The most local addresses one gathering opens a socket on. A host with more usable addresses (after
     * {@link IceConfiguration#hostInterfaces()} filtered them) makes the gathering fail with an
     * {@link io.iceflux.IceLimitExceededException} that says so, before any socket is opened.
     */
    public static final int MAX_HOST_ADDRESSES = HostAddresses.MAX_HOST_ADDRESSES;

    private static final Logger log = Loggers.getLogger(NettyIceGatherer.class);

    /** How long {@link #close()} and {@link #disposeLater()} wait for cancelled gatherings by default, in seconds. */
    public static final int DEFAULT_CLOSE_TIMEOUT_SECONDS = 5;

    private final GathererContext context;
    private final GathererAccounting accounting;
    private final EventLoopGroup group;
    private final EventLoopGroup ownedGroup;
    private final ChannelTypes channelTypes;
    private final String tlsImplementation;
    private final DnsIceServerResolver ownedResolver;
    private final Duration closeTimeout;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Mono<Void> disposal;
    private final RelayChecks relayChecks;

    private NettyIceGatherer(Builder b) {
        EventLoopGroup group = b.group;
        Scheduler scheduler = b.scheduler;
        if (group == null) {
            this.ownedGroup = ChannelTypes.newNioGroup(b.threads, new DefaultThreadFactory("iceflux-io", true));
            group = ownedGroup;
            if (scheduler == null) {
                scheduler = Schedulers.parallel();
            }
        } else {
            this.ownedGroup = null;
            if (scheduler == null) {
                // The borrowed loops run the timers too: no thread is started for the gatherer, and nothing of the
                // application's is disposed (this scheduler is never disposed: that would shut the group down).
                scheduler = Schedulers.fromExecutorService(group, "iceflux-timers");
            }
        }
        this.group = group;
        this.closeTimeout = b.closeTimeout;
        this.accounting = new GathererAccounting(b.metrics);
        NettyStunTransportFactory transports;
        try {
            NettyStunTransportFactory.TlsSettings tls = b.tls.withProvider(b.tlsProvider != null ? b.tlsProvider
                    : NettyStunTransportFactory.TlsProvider.fromSystemProperty());
            transports = new NettyStunTransportFactory(group, scheduler, tls, b.connectTimeout, accounting,
                    b.icmpFastFailure);
        } catch (RuntimeException e) {
            if (ownedGroup != null) {
                ownedGroup.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            }
            throw e;
        }
        this.channelTypes = transports.channelTypes();
        this.tlsImplementation = transports.tlsImplementation();
        IceServerResolver resolver = b.resolver;
        this.ownedResolver = resolver == null
                ? new DnsIceServerResolver(group.next(), b.nameServer, b.dnsQueryTimeout)
                : null;
        if (resolver == null) {
            resolver = ownedResolver;
        }
        this.context = new GathererContext(transports, resolver,
                new TurnRelayAllocator(transports, scheduler, b.software), scheduler, accounting, new Cleanups());
        this.disposal = Mono.defer(this::dispose).cache();
        this.relayChecks = new RelayChecks(context, b.software);
    }

    /**
     * A gatherer with the defaults: its own NIO event loops (one per core, {@code iceflux-io-*}), timers on
     * {@link Schedulers#parallel()}, Netty's DNS, the JDK's trust store.
     */
    public static NettyIceGatherer create() {
        return builder().build();
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Flux<IceEvent> gather(IceConfiguration configuration) {
        Objects.requireNonNull(configuration, "configuration");
        return Flux.defer(() -> closed.get() ? Flux.error(closedError())
                        : Gathering.single(context, configuration.withFreshCredentials()).events())
                .transform(IceOperators.w3cErrorSemantics())
                .transform(events -> accounting.observe(events, configuration));
    }

    @Override
    public Flux<IceEvent> gather(IceConfiguration configuration, Publisher<?> restarts) {
        Objects.requireNonNull(configuration, "configuration");
        Objects.requireNonNull(restarts, "restarts");
        Flux<Integer> generations = Flux.concat(Mono.just(0),
                Flux.from(restarts).index().map(t -> Math.toIntExact(t.getT1() + 1)));
        return Flux.defer(() -> closed.get() ? Flux.error(closedError()) : generations)
                .switchMap(generation -> Gathering.sessionGeneration(context, configuration.withFreshCredentials(),
                        generation).events())
                .transform(IceOperators.w3cErrorSemantics())
                .transform(events -> accounting.observe(events, configuration));
    }

    /**
     * Check that every TURN server of {@code configuration} really relays data, not only that it allocates: an
     * opt-in step, typically run after a gathering, since the most frequent TURN misconfiguration (a wrong
     * {@code relay-ip}/{@code external-ip}, a firewall over the relay port range) lets Allocate succeed while media
     * never flows. One {@link RelayCheck} per distinct {@code turn:}/{@code turns:} server (canonical URL and
     * credentials, as for a gathering), in configuration order, with the URL as first configured.
     *
     * <p>Per server, in the spirit of coturn's {@code turnutils_uclient -y}: two allocations on the server, each from
     * its own socket or connection (of the URL's transport, on the first local address of the configuration's host
     * interfaces that has the server's family), permit each other (CreatePermission); {@link RelayCheckOptions#packets()}
     * packets go relay A → relay B (Send indications) and are echoed back B → A, which gives the round trip time and
     * the loss; for a UDP allocation whose server reported the server-reflexive address of its socket, packets also go
     * from that socket straight to A's relayed address and are echoed back through the relay. The check is ok when
     * both paths carried data. Allocations that fail give {@code ok=false} with the error's code and text in
     * {@link RelayCheck#detail()}; allocations that succeed while nothing arrives give {@code ok=false}, loss 100 and
     * {@code "allocations succeeded but no relayed data arrived (N sent, 0 received): check relay-ip/external-ip and
     * the firewall for the relay port range"}.
     *
     * <p>Each server's check is bounded by {@link RelayCheckOptions#deadline()} (timers on the gatherer's scheduler);
     * servers are checked concurrently. Whatever the outcome, and when cancelled, both allocations are deleted
     * (Refresh with LIFETIME 0) and the sockets closed; {@link #close()} waits for that as for a gathering's release.
     * The configuration's STUN timers, credentials (TURN REST ones minted afresh) and host interfaces apply; its
     * transport policy and gathering deadline do not.
     *
     * @return a cold {@code Flux}: nothing happens until subscription; it never fails on what the network does
     * @throws NullPointerException if an argument is null
     */
    public Flux<RelayCheck> checkRelays(IceConfiguration configuration, RelayCheckOptions options) {
        Objects.requireNonNull(configuration, "configuration");
        Objects.requireNonNull(options, "options");
        return Flux.defer(() -> closed.get() ? Flux.error(closedError()) : relayChecks.run(configuration, options));
    }

    /**
     * Return the transport of the channels this gatherer opens, found from its event loops: {@code "nio"},
     * {@code "epoll"}, {@code "io_uring"} or {@code "kqueue"}.
     *
     * @return the transport's name
     */
    public String transport() {
        return channelTypes.transport();
    }

    /**
     * Return the TLS implementation of this gatherer's {@code turns:}/{@code stuns:} connections: {@code "openssl"}
     * (netty-tcnative's BoringSSL) or {@code "jdk"} (JSSE). See {@link Builder#openSsl(boolean)}.
     *
     * @return the implementation's name
     */
    public String tlsImplementation() {
        return tlsImplementation;
    }

    /**
     * Return how many incoming packets this gatherer's sockets and connections have dropped so far, by reason: a
     * snapshot that does not change. Dropped packets never fail a gathering; counts that grow point at a network
     * that mangles packets, a misbehaving server, or someone spoofing responses.
     */
    public DroppedPackets droppedPackets() {
        return accounting.droppedPackets();
    }

    /**
     * Close the gatherer: wait until every gathering that ended or was cancelled has released what it held (TURN
     * allocations deleted on the servers, sockets closed), at most {@link Builder#closeTimeout(Duration)
     * closeTimeout} ({@value #DEFAULT_CLOSE_TIMEOUT_SECONDS} s by default), then release the DNS resolver and the event
     * loops this gatherer created (not those it was given, which keep running) and return once they have shut down. Gatherings still
     * running are not waited for: cancel them first. Later calls of {@link #gather} fail with
     * {@link IllegalStateException}. Idempotent; {@link #disposeLater()} does the same without blocking.
     *
     * @throws IllegalStateException if called on one of the gatherer's event-loop threads, which the wait would block
     *     (use {@link #disposeLater()} there)
     */
    @Override
    public void close() {
        for (EventExecutor loop : group) {
            if (loop.inEventLoop()) {
                throw new IllegalStateException("NettyIceGatherer.close() cannot wait on one of the gatherer's own "
                        + "event-loop threads; subscribe to disposeLater() instead");
            }
        }
        disposeLater().block();
    }

    /**
     * Return a {@code Mono} that, once subscribed, closes the gatherer as {@link #close()} does without blocking: it
     * completes when the releases of the gatherings that ended or were cancelled are over (or
     * {@link Builder#closeTimeout(Duration) closeTimeout} has passed) and the resolver and event loops this gatherer
     * created have shut down. Never fails. The closing runs once, whoever subscribes first (or calls
     * {@link #close()}); every subscriber completes when it is over.
     */
    public Mono<Void> disposeLater() {
        return disposal;
    }

    private Mono<Void> dispose() {
        closed.set(true);
        return context.cleanups().idle()
                .timeout(closeTimeout, Mono.fromRunnable(() -> log.warn("Closing the gatherer: {} release(s) of "
                        + "cancelled gatherings still running after {} ms; shutting down anyway",
                        context.cleanups().running(), closeTimeout.toMillis())), context.scheduler())
                .then(Mono.fromRunnable(() -> {
                    if (ownedResolver != null) {
                        ownedResolver.close();
                    }
                }))
                .then(ownedGroup == null ? Mono.empty() : Mono.<Void>create(sink -> ownedGroup
                        .shutdownGracefully(0, 2, TimeUnit.SECONDS).addListener(f -> sink.success())))
                .onErrorResume(e -> {
                    log.warn("Closing the gatherer failed: {}", e.toString());
                    return Mono.empty();
                });
    }

    private static IllegalStateException closedError() {
        return new IllegalStateException("this NettyIceGatherer is closed");
    }

    /** Builds a {@link NettyIceGatherer}. */
    public static final class Builder {
        private EventLoopGroup group;
        private int threads = Runtime.getRuntime().availableProcessors();
        private Scheduler scheduler;
        private IceServerResolver resolver;
        private NettyStunTransportFactory.TlsSettings tls = NettyStunTransportFactory.TlsSettings.systemDefault();
        private NettyStunTransportFactory.TlsProvider tlsProvider;
        private Duration connectTimeout = NettyStunTransportFactory.DEFAULT_CONNECT_TIMEOUT;
        private String software;
        private GathererMetrics metrics = GathererMetrics.none();
        private InetSocketAddress nameServer;
        private Duration dnsQueryTimeout;
        private Duration closeTimeout = Duration.ofSeconds(DEFAULT_CLOSE_TIMEOUT_SECONDS);
        private boolean icmpFastFailure = true;

        private Builder() {
        }

        /**
         * Whether a UDP server that answers with ICMP port or host unreachable gets its 701 at once, within one round
         * trip, instead of after the retransmission timers (default {@code true}). The 701's errorText then says so:
         * {@code "STUN binding request failed: port unreachable (ICMP)."}, {@code "TURN allocate request failed: host
         * unreachable (ICMP)."}; its address and port follow the usual rule (the host socket's when a host candidate
         * exposes it). A path that drops packets silently still waits for the timers. Browsers ignore these ICMP
         * errors.
         *
         * <p>How: an unconnected UDP socket hears no ICMP error, so every request to a UDP server leaves through a
         * UDP socket connected to that server, bound to the host socket's own address and port with
         * {@code SO_REUSEPORT} (set on the host socket only after the kernel gave it an unused ephemeral port). The
         * server sees the same source address and port, so the server-reflexive candidate is still that of the host
         * candidate's port, and its responses arrive on the connected socket. Spoofing: only an ICMP error that the
         * kernel matches to that connected socket counts, i.e. one that quotes the exact 4-tuple of the request
         * (host address and port, server address and port), and only while a request to that server is pending; it
         * fails the requests to that server only. Someone who can see or guess both addresses and both ports can
         * still forge one, as they could drop the packets.
         *
         * <p>Where: Linux, on NIO (the gatherer's own loops) and on epoll loops given with
         * {@link #eventLoopGroup(EventLoopGroup)}, on Netty 4.1 and 4.2. NIO hears port unreachable and the host
         * unreachable codes the kernel deems hard errors (administratively prohibited); epoll also sets
         * {@code IP_RECVERR} and hears every host or network unreachable. On io_uring and kqueue loops (reactor-netty
         * picks io_uring where the kernel has it), or if the kernel refuses {@code SO_REUSEPORT}, the gatherer falls
         * back silently to the timers. A connected socket is one more file descriptor, open while a request to its
         * server is pending (closed 2 s after the last one ended, opened again for the next, e.g. a Refresh); at most a
         * quarter of the process's file descriptor limit (and 4,096) are open at once per gatherer, and a request
         * beyond that waits for its timers, so thousands of concurrent gatherings cannot exhaust the descriptors.
         *
         * @param enabled {@code false} to ignore ICMP errors and always wait for the timers, as browsers do
         * @return this builder
         */
        public Builder icmpFastFailure(boolean enabled) {
            this.icmpFastFailure = enabled;
            return this;
        }

        /**
         * How long {@link NettyIceGatherer#close()} and {@link NettyIceGatherer#disposeLater()} wait at most for the
         * gatherings that ended or were cancelled to release what they hold before the event loops are shut down
         * (default {@value NettyIceGatherer#DEFAULT_CLOSE_TIMEOUT_SECONDS} s). A release is bounded by the STUN timers
         * (39.5 s over a silent UDP path with the RFC's), so a shorter wait may leave an allocation behind on a server
         * that does not answer; zero does not wait.
         *
         * @throws IllegalArgumentException if {@code timeout} is negative
         * @throws NullPointerException if {@code timeout} is null
         */
        public Builder closeTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("closeTimeout must not be negative, not " + timeout);
            }
            this.closeTimeout = timeout;
            return this;
        }

        /**
         * Run on the application's event loops instead of creating some: every socket, connection and DNS query of the
         * gatherer is registered on {@code group}, and (unless a {@link #scheduler(Scheduler) scheduler} is given)
         * its timers run on it too, so the gatherer starts no thread of its own. The channel classes are those of the
         * group's transport, found from its event loops the way reactor-netty's {@code LoopResources.onChannel}
         * finds them: NIO, epoll, io_uring (Netty 4.2) or kqueue, on Netty 4.1 and 4.2. The native transports'
         * jars are the application's to bring (reactor-netty brings epoll).
         *
         * <p>The group stays the application's: {@link NettyIceGatherer#close()} and
         * {@link NettyIceGatherer#disposeLater()} wait for the releases of cancelled gatherings and close the DNS
         * resolver, and shut nothing of the group down. In a WebFlux application, pass reactor-netty's client loops:
         * {@code eventLoopGroup(loopResources.onClient(true))} (e.g. {@code HttpResources.get()}).
         *
         * @param group the application's event loops
         * @return this builder
         * @throws NullPointerException if {@code group} is null; a group of an unsupported transport (e.g. a
         *     {@code DefaultEventLoopGroup}) makes {@link #build()} fail
         */
        public Builder eventLoopGroup(EventLoopGroup group) {
            this.group = Objects.requireNonNull(group, "group");
            return this;
        }

        /**
         * How many event-loop threads to create when no {@link #eventLoopGroup(EventLoopGroup) group} is given
         * (default: one per core). The gatherer's own loops are NIO ones named {@code iceflux-io-*}, on Netty 4.1 and
         * 4.2 alike.
         */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, not " + threads);
            }
            this.threads = threads;
            return this;
        }

        /**
         * Run every timer (retransmissions, deadlines, refreshes) on this scheduler; tests pass a
         * {@code VirtualTimeScheduler}. Default: the {@link #eventLoopGroup(EventLoopGroup) given event loops}
         * (as a Reactor scheduler that the gatherer never disposes), or {@link Schedulers#parallel()} when the gatherer
         * creates its own loops. Whatever the scheduler, a timer hops onto its channel's event loop before it acts.
         */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** Resolve server host names with this resolver instead of Netty's DNS resolver. */
        public Builder resolver(IceServerResolver resolver) {
            this.resolver = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /**
         * Send the DNS queries of the built-in resolver to this name server only (no search domains, no other
         * server), each query failing after {@code queryTimeout}; {@code localhost} and {@code .invalid} names
         * are still answered without a query. Ignored when a {@link #resolver(IceServerResolver) resolver} is
         * given.
         *
         * @throws IllegalArgumentException if {@code nameServer} is unresolved or {@code queryTimeout} is not
         *     positive
         */
        public Builder dnsServer(InetSocketAddress nameServer, Duration queryTimeout) {
            Objects.requireNonNull(nameServer, "nameServer");
            Objects.requireNonNull(queryTimeout, "queryTimeout");
            if (nameServer.isUnresolved()) {
                throw new IllegalArgumentException("dnsServer: name server " + nameServer
                        + " must be a resolved address");
            }
            if (queryTimeout.isNegative() || queryTimeout.isZero()) {
                throw new IllegalArgumentException("dnsServer: queryTimeout must be positive, not " + queryTimeout);
            }
            this.nameServer = nameServer;
            this.dnsQueryTimeout = queryTimeout;
            return this;
        }

        /** Trust the TURN-over-TLS server certificates this factory trusts (host names are still verified). */
        public Builder trustManager(TrustManagerFactory trustManagerFactory) {
            this.tls = NettyStunTransportFactory.TlsSettings.trusting(trustManagerFactory);
            return this;
        }

        /** Trust the TURN-over-TLS server certificates this trust manager trusts (host names are still verified). */
        public Builder trustManager(X509TrustManager trustManager) {
            Objects.requireNonNull(trustManager, "trustManager");
            return trustManager(new SimpleTrustManagerFactory() {
                @Override
                protected void engineInit(KeyStore keyStore) {
                }

                @Override
                protected void engineInit(ManagerFactoryParameters parameters) {
                }

                @Override
                protected TrustManager[] engineGetTrustManagers() {
                    return new TrustManager[] {trustManager};
                }
            });
        }

        /**
         * Trust every TLS certificate and skip the host name check. Insecure: for lab setups only, and only when
         * asked for by name.
         */
        public Builder insecureTrustAllCertificates() {
            this.tls = NettyStunTransportFactory.TlsSettings.insecureTrustAll();
            return this;
        }

        /**
         * Whether TLS may use OpenSSL. By default ({@code true}) TURN-over-TLS connections use OpenSSL (BoringSSL)
         * when the optional dependency {@code io.netty:netty-tcnative-boringssl-static} is on the class path and
         * loads on this platform, and the JDK's TLS otherwise: both verify certificates and host names the same way,
         * through the same trust managers; OpenSSL mostly saves the JDK's TLS start-up in a fresh JVM. {@code false}
         * always uses the JDK's TLS. Without a call, the system property {@code iceflux.tls.provider} decides:
         * {@code jdk} forces the JDK's TLS, {@code openssl} requires OpenSSL ({@link #build()} fails without it),
         * {@code auto} (or unset) is the default above. {@link NettyIceGatherer#tlsImplementation()} says which one
         * is used.
         *
         * @param allowed {@code false} to use the JDK's TLS even when OpenSSL is available
         * @return this builder
         */
        public Builder openSsl(boolean allowed) {
            this.tlsProvider = allowed ? NettyStunTransportFactory.TlsProvider.AUTO
                    : NettyStunTransportFactory.TlsProvider.JDK;
            return this;
        }

        /** How long a TCP connect plus TLS handshake to a TURN server may take (default 10 s). */
        public Builder connectTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("connectTimeout must be positive, not " + timeout);
            }
            this.connectTimeout = timeout;
            return this;
        }

        /** The SOFTWARE attribute of TURN requests, or {@code null} (the default) for none. */
        public Builder software(String software) {
            this.software = software;
            return this;
        }

        /**
         * Report gatherings, candidates, errors, STUN transactions and dropped packets to {@code metrics} (default
         * {@link GathererMetrics#none()}), e.g. a {@code io.iceflux.netty.micrometer.MicrometerGathererMetrics}.
         *
         * @throws NullPointerException if {@code metrics} is null
         */
        public Builder metrics(GathererMetrics metrics) {
            this.metrics = Objects.requireNonNull(metrics, "metrics");
            return this;
        }

        /**
         * Build the gatherer.
         *
         * @throws IllegalArgumentException if the {@link #eventLoopGroup(EventLoopGroup) given group} is of no
         *     supported transport (the message names its class), or the TLS client context cannot be built
         */
        public NettyIceGatherer build() {
            return new NettyIceGatherer(this);
        }
    }
}
