package io.iceflux.netty.internal.gather;

import io.iceflux.IceCandidateError;
import io.iceflux.IceConfiguration;
import io.iceflux.IceEvent;
import io.iceflux.IceGatheringState;
import io.iceflux.IceProtocol;
import io.iceflux.IceServer;
import io.iceflux.IceServerUrl;
import io.iceflux.IceTransportPolicy;
import io.iceflux.IpAddresses;
import io.iceflux.ServerTransport;
import io.iceflux.StunTimers;
import io.iceflux.netty.DropReason;
import io.iceflux.netty.internal.transport.FailureTexts.Request;
import io.iceflux.netty.internal.transport.FailureTexts;
import io.iceflux.netty.internal.transport.ServerClaims;
import io.iceflux.netty.internal.transport.StunTransport;
import io.iceflux.netty.internal.transport.StunTransportException;
import io.iceflux.netty.internal.turn.Relay;
import io.iceflux.netty.internal.turn.RelayLedger;
import io.iceflux.netty.internal.turn.RelayRequest;
import io.iceflux.netty.internal.turn.TurnAuth;
import io.iceflux.netty.stun.StunAttribute;
import io.iceflux.netty.stun.StunClass;
import io.iceflux.netty.stun.StunEncodeOptions;
import io.iceflux.netty.stun.StunErrorCodes;
import io.iceflux.netty.stun.StunMessage;
import io.iceflux.netty.stun.StunMethod;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * One generation of one gathering: opens a UDP socket per host address, runs a Binding and/or an Allocate per
 * (host socket × distinct server), and turns what happens into {@link IceEvent}s with the W3C error contract. The
 * W3C timing rules (701 once per URL, errors only while gathering) are applied by the caller.
 *
 * <p>Distinct servers: exactly one exchange runs per (host socket, {@linkplain IceServerUrl#canonical() canonical
 * URL}, credentials). A URL configured twice (in one server or in several, in any spelling) is looked up once, gets
 * one Binding per host socket and, for TURN, one Allocate per host socket and distinct (username, credential): the
 * duplicates add no request, no candidate and no error. The events of an exchange carry the URL exactly as first
 * configured: with two spellings of one server, the first configured spelling is the one reported (for an
 * Allocate, the first spelling configured with its credentials); the timers are that entry's. The same URL with
 * different credentials is one Allocate per credentials; over UDP the first allocates from the host socket and each
 * other from a UDP socket of its own on the same host address (RFC 8656 allows one allocation per 5-tuple), whose
 * relayed candidate has that socket's mapped address as related address and whose errors carry no address.
 *
 * <p>Address families: a host socket talks only to the server addresses of its family; a URL that no host socket can
 * reach for that reason is one 701 ({@link FailureTexts#incompatibleAddress}) with no address. Each Allocate asks for
 * the relays of {@link io.iceflux.netty.internal.turn.RelayFamilies#forHost} (an IPv6 relay from an IPv6 socket, a
 * dual allocation from an IPv4 one), and every relayed address it gets is a relayed candidate with the URL.
 */
public final class Gathering {

    private static final Logger log = Loggers.getLogger(Gathering.class);
    /** What answered, in the texts of {@link ServerClaims#unusableText}. */
    private static final String BINDING_RESPONSE = "STUN binding";

    private final GathererContext context;
    private final IceConfiguration config;
    private final int generation;
    private final boolean session;

    private Gathering(GathererContext context, IceConfiguration config, int generation, boolean session) {
        this.context = context;
        this.config = config;
        this.generation = generation;
        this.session = session;
    }

    /** A gathering of its own (generation 0): its events complete after the COMPLETE state. */
    public static Gathering single(GathererContext context, IceConfiguration config) {
        return new Gathering(context, config, 0, false);
    }

    /**
     * One generation of a session-style gathering: its events stay open after the COMPLETE state until cancelled
     * (by the subscriber, or by the next restart), and its TURN allocations are kept refreshed until then.
     */
    public static Gathering sessionGeneration(GathererContext context, IceConfiguration config, int generation) {
        return new Gathering(context, config, generation, true);
    }

    /** The events of this generation; in session mode the {@code Flux} stays open until cancelled. */
    public Flux<IceEvent> events() {
        return Flux.usingWhen(openResources(), this::events, this::release,
                (resources, error) -> release(resources), this::release);
    }

    /** Release {@code resources}, recorded on the gatherer's {@link Cleanups} while it runs. */
    private Mono<Void> release(Resources resources) {
        return context.cleanups().track(resources.release());
    }

    private Mono<Resources> openResources() {
        return Mono.defer(() -> {
            List<InetAddress> addresses;
            try {
                addresses = HostAddresses.recent(config.hostInterfaces());
            } catch (SocketException e) {
                log.warn("Could not list the network interfaces: {}", e.toString());
                addresses = List.of();
            }
            HostAddresses.checkLimit(addresses.size());
            Resources resources = new Resources();
            return Flux.fromIterable(addresses)
                    .flatMapSequential(address -> context.transports().openUdp(address)
                            .doOnNext(resources::own)
                            .onErrorResume(e -> {
                                log.warn("Could not open a UDP socket on {}: {}", address, e.toString());
                                return Mono.empty();
                            }))
                    .collectList()
                    .map(sockets -> {
                        resources.hostSockets.addAll(sockets);
                        return resources;
                    })
                    .onErrorResume(e -> release(resources).then(Mono.error(e)))
                    // cancelled while the sockets were opening: usingWhen never got them, so close them here
                    .doOnCancel(() -> release(resources).subscribe());
        });
    }

    private Flux<IceEvent> events(Resources resources) {
        Mono<Long> deadline = config.gatheringDeadline()
                .map(d -> Mono.delay(d, context.scheduler()).cache())
                .orElse(null);
        List<Flux<IceEvent>> tasks = new ArrayList<>();
        for (Target target : targets()) {
            tasks.add(urlTask(target, resources, deadline));
        }
        Flux<IceEvent> hosts = exposesHostAddresses()
                ? Flux.range(0, resources.hostSockets.size())
                        .map(i -> candidate(Candidates.host(resources.hostSockets.get(i).localAddress(), i)))
                : Flux.empty();
        Flux<IceEvent> all = Flux.concat(
                Mono.just(new IceEvent.GatheringStateChanged(generation, IceGatheringState.GATHERING)),
                hosts,
                Flux.merge(tasks),
                Flux.just(new IceEvent.EndOfCandidates(generation),
                        new IceEvent.GatheringStateChanged(generation, IceGatheringState.COMPLETE)));
        return session ? all.concatWith(Flux.never()) : all;
    }

    private boolean exposesHostAddresses() {
        return config.transportPolicy() == IceTransportPolicy.ALL;
    }

    /** Under the relay-only policy a STUN URL can give nothing: it is neither contacted nor reported. */
    private boolean usedByPolicy(IceServerUrl url) {
        return url.scheme().isTurn() || config.transportPolicy() == IceTransportPolicy.ALL;
    }

    /**
     * The distinct servers of the configuration, in the order they first appear: one {@link Target} per
     * {@linkplain IceServerUrl#canonical() canonical URL} used by the policy, reported under the first configured
     * spelling, and for a TURN URL one allocation per distinct (username, credential), each reported under the first
     * spelling configured with those credentials. A Binding carries no credentials, so it is one per target.
     */
    private List<Target> targets() {
        Map<String, Target> targets = new LinkedHashMap<>();
        for (IceServer server : config.servers()) {
            for (IceServerUrl url : server.parsedUrls()) {
                if (!usedByPolicy(url)) {
                    continue;
                }
                Target target = targets.computeIfAbsent(url.canonical(), key -> new Target(url, server));
                if (url.scheme().isTurn() && target.allocations().stream()
                        .noneMatch(a -> sameCredentials(a.server(), server))) {
                    target.allocations().add(new Allocation(url, server));
                }
            }
        }
        return List.copyOf(targets.values());
    }

    private static boolean sameCredentials(IceServer a, IceServer b) {
        return a.username().equals(b.username()) && a.credential().equals(b.credential());
    }

    /**
     * One distinct server of a gathering.
     *
     * @param url         the first configured spelling of the canonical URL: what the lookup and the Binding report
     * @param server      the entry of that spelling, whose timers the Binding uses
     * @param allocations for a TURN URL, one TURN Allocate exchange per distinct credentials, in configuration order
     */
    private record Target(IceServerUrl url, IceServer server, List<Allocation> allocations) {
        Target(IceServerUrl url, IceServer server) {
            this(url, server, new ArrayList<>());
        }
    }

    /** One TURN Allocate exchange: the first spelling configured with these credentials, and its entry. */
    private record Allocation(IceServerUrl url, IceServer server) {
    }

    private Flux<IceEvent> urlTask(Target target, Resources resources, Mono<Long> deadline) {
        IceServerUrl url = target.url();
        Request request = url.scheme().isTurn() ? Request.TURN_ALLOCATE : Request.STUN_BINDING;
        Mono<List<InetAddress>> lookup = resolve(url);
        if (deadline != null) {
            lookup = lookup.takeUntilOther(deadline);
        }
        return lookup
                .map(addresses -> perHost(target, addresses, resources, deadline))
                .onErrorResume(e -> !(e instanceof Error), e -> {
                    log.debug("Lookup of {} failed: {}", url.host(), e.toString());
                    return Mono.just(Flux.just(error(url, IceCandidateError.SERVER_NOT_REACHABLE,
                            FailureTexts.lookupFailed(request), null)));
                })
                // empty: the deadline passed while the host name was being looked up
                .defaultIfEmpty(Flux.defer(() -> Flux.just(error(url, IceCandidateError.SERVER_NOT_REACHABLE,
                        FailureTexts.deadlineBeforeLookup(deadlineDuration(), request), null))))
                .flatMapMany(events -> events);
    }

    private Mono<List<InetAddress>> resolve(IceServerUrl url) {
        if (url.hostType() != IceServerUrl.HostType.DNS_NAME) {
            return Mono.fromCallable(() -> List.of(InetAddress.getByName(url.host())));
        }
        return context.resolver().resolve(url.host())
                .filter(list -> !list.isEmpty())
                .switchIfEmpty(Mono.error(() -> new java.net.UnknownHostException(url.host())));
    }

    /**
     * The exchanges of {@code target} from every host socket: one Binding (over UDP when the policy exposes
     * candidates, or over TLS for {@code stuns:}) and, for TURN, one Allocate per distinct credentials. Over UDP the
     * first credentials allocate from the host socket and any other from a UDP socket of their own on the same host
     * address, because a server keeps one allocation per 5-tuple (RFC 8656 §2.2); over TCP/TLS every Allocate has its
     * own connection anyway.
     */
    private Flux<IceEvent> perHost(Target target, List<InetAddress> serverAddresses, Resources resources,
            Mono<Long> deadline) {
        IceServerUrl url = target.url();
        StunTimers timers = config.timersFor(target.server());
        if (resources.hostSockets.isEmpty()) {
            return Flux.just(error(url, IceCandidateError.SERVER_NOT_REACHABLE,
                    FailureTexts.noLocalAddress(), null));
        }
        List<Flux<IceEvent>> work = new ArrayList<>();
        for (int i = 0; i < resources.hostSockets.size(); i++) {
            StunTransport socket = resources.hostSockets.get(i);
            InetAddress serverAddress = sameFamily(serverAddresses, socket.localAddress().getAddress());
            if (serverAddress == null) {
                continue;
            }
            InetSocketAddress to = new InetSocketAddress(serverAddress, url.port());
            InetAddress local = socket.localAddress().getAddress();
            int index = i;
            if (url.transport() == ServerTransport.UDP) {
                if (config.transportPolicy() == IceTransportPolicy.ALL) {
                    work.add(bounded(binding(socket, to, url, timers, index), deadline,
                            () -> deadlineError(url, Request.STUN_BINDING, socket)));
                }
                for (int a = 0; a < target.allocations().size(); a++) {
                    Allocation allocation = target.allocations().get(a);
                    StunTimers allocationTimers = config.timersFor(allocation.server());
                    if (a == 0) {
                        work.add(bounded(allocate(allocation.server(), allocation.url(), socket, to,
                                allocationTimers, index, resources), deadline,
                                () -> deadlineError(allocation.url(), Request.TURN_ALLOCATE, socket)));
                    } else {
                        work.add(bounded(allocateFromOwnSocket(allocation.server(), allocation.url(), local, to,
                                allocationTimers, index, resources), deadline,
                                () -> deadlineError(allocation.url(), Request.TURN_ALLOCATE, null)));
                    }
                }
            } else if (url.scheme().isTurn()) {
                for (Allocation allocation : target.allocations()) {
                    work.add(bounded(allocateOverStream(allocation.server(), allocation.url(), local, to,
                            config.timersFor(allocation.server()), index, resources), deadline,
                            () -> deadlineError(allocation.url(), Request.TURN_ALLOCATE, null)));
                }
            } else {
                work.add(bounded(bindingOverStream(url, local, to, timers),
                        deadline, () -> deadlineError(url, Request.STUN_BINDING, null)));
            }
        }
        if (work.isEmpty()) {
            // no host socket of the server's family: one 701 for the URL, with no address (no socket was used)
            return Flux.just(error(url, IceCandidateError.SERVER_NOT_REACHABLE, FailureTexts.incompatibleAddress(
                    url.scheme().isTurn() ? Request.TURN_ALLOCATE : Request.STUN_BINDING), null));
        }
        return Flux.merge(work);
    }

    private static InetAddress sameFamily(List<InetAddress> candidates, InetAddress local) {
        boolean v6 = local instanceof Inet6Address;
        for (InetAddress a : candidates) {
            if ((a instanceof Inet6Address) == v6) {
                return a;
            }
        }
        return null;
    }

    // ---------------------------------------------------------------------------------------------- STUN Binding

    private Flux<IceEvent> binding(StunTransport socket, InetSocketAddress server, IceServerUrl url,
            StunTimers timers, int index) {
        return Flux.defer(() -> socket.request(bindingRequest(), StunEncodeOptions.defaults().fingerprint(true),
                        server, null, timers)
                .flatMapMany(response -> {
                    if (response.messageClass() == StunClass.SUCCESS_RESPONSE) {
                        InetSocketAddress mapped = mappedAddress(response);
                        if (mapped == null) {
                            return Flux.just(errorFrom(url, StunErrorCodes.GLOBAL_FAILURE,
                                    "STUN binding response with no mapped address attribute.", socket));
                        }
                        String problem = ServerClaims.mappedProblem(mapped, socket.localAddress().getAddress());
                        if (problem != null) {
                            return Flux.just(unusable(url, ServerClaims.unusableText(BINDING_RESPONSE,
                                    ServerClaims.Claim.MAPPED, mapped, problem), socket));
                        }
                        return Flux.just(candidate(Candidates.serverReflexive(mapped, socket.localAddress(), server,
                                index, url.url())));
                    }
                    return Flux.just(errorResponse(url, response, "STUN binding", socket));
                })
                .onErrorResume(StunTransportException.class,
                        e -> Mono.just(unreachable(url, e, Request.STUN_BINDING, socket))));
    }

    private StunMessage bindingRequest() {
        return StunMessage.builder(StunClass.REQUEST, StunMethod.BINDING).build();
    }

    private static InetSocketAddress mappedAddress(StunMessage response) {
        return response.attribute(StunAttribute.XorMappedAddress.class)
                .map(StunAttribute.XorMappedAddress::address)
                .or(() -> response.attribute(StunAttribute.MappedAddress.class)
                        .map(StunAttribute.MappedAddress::address))
                .orElse(null);
    }

    /** stuns: a Binding over TLS shows whether the server is reachable; it yields no UDP candidate. */
    private Flux<IceEvent> bindingOverStream(IceServerUrl url, InetAddress local, InetSocketAddress server,
            StunTimers timers) {
        return Flux.usingWhen(
                context.transports().openStream(local, server, tlsName(url)),
                stream -> stream.request(bindingRequest(), StunEncodeOptions.defaults().fingerprint(true), server,
                                null, timers)
                        .flatMapMany(response -> response.messageClass() == StunClass.SUCCESS_RESPONSE
                                ? Flux.<IceEvent>empty()
                                : Flux.just(errorResponse(url, response, "STUN binding", null))),
                StunTransport::close, (stream, e) -> stream.close(), StunTransport::close)
                .onErrorResume(StunTransportException.class,
                        e -> Mono.just(unreachable(url, e, Request.STUN_BINDING, null)));
    }

    // --------------------------------------------------------------------------------------------- TURN Allocate

    private Flux<IceEvent> allocate(IceServer server, IceServerUrl url, StunTransport socket,
            InetSocketAddress target, StunTimers timers, int index, Resources resources) {
        return context.relays()
                .allocate(new RelayRequest(socket, false, target, url, server, timers, session, resources.relays))
                .flatMapMany(relay -> relayCandidates(relay, socket.localAddress().getAddress(), target,
                        IceProtocol.UDP, false, index, url))
                .onErrorResume(e -> !(e instanceof Error),
                        e -> Mono.just(allocateFailure(url, e, exposesHostAddresses() ? socket : null)));
    }

    /**
     * An Allocate over UDP from a socket of its own on {@code local} (ephemeral port), for credentials that cannot
     * share the host socket's 5-tuple with another allocation. The relay's related address is the mapped address the
     * server saw for that socket; errors carry no address, since no candidate exposes the socket.
     */
    private Flux<IceEvent> allocateFromOwnSocket(IceServer server, IceServerUrl url, InetAddress local,
            InetSocketAddress target, StunTimers timers, int index, Resources resources) {
        return context.transports().openUdp(local)
                .doOnNext(resources::own)
                .flatMap(own -> context.relays()
                        .allocate(new RelayRequest(own, true, target, url, server, timers, session,
                                resources.relays)))
                .flatMapMany(relay -> relayCandidates(relay, local, target, IceProtocol.UDP, false, index, url))
                .onErrorResume(e -> !(e instanceof Error), e -> Mono.just(allocateFailure(url, e, null)));
    }

    private Flux<IceEvent> allocateOverStream(IceServer server, IceServerUrl url, InetAddress local,
            InetSocketAddress target, StunTimers timers, int index, Resources resources) {
        return context.transports().openStream(local, target, url.scheme().isSecure() ? tlsName(url) : null)
                .doOnNext(resources::own)
                .flatMap(stream -> context.relays()
                        .allocate(new RelayRequest(stream, true, target, url, server, timers, session,
                                resources.relays)))
                .flatMapMany(relay -> relayCandidates(relay, local, target, IceProtocol.TCP,
                        url.scheme().isSecure(), index, url))
                .onErrorResume(e -> !(e instanceof Error), e -> Mono.just(allocateFailure(url, e, null)));
    }

    /**
     * The relayed candidates of one allocation, each with the URL it was gathered from: the relay of the family asked
     * for first, then the other relay of a dual allocation (RFC 8656 §7.2), if the server granted one.
     */
    private Flux<IceEvent> relayCandidates(Relay relay, InetAddress base, InetSocketAddress server,
            IceProtocol serverProtocol, boolean tls, int index, IceServerUrl url) {
        List<IceEvent> events = new ArrayList<>();
        events.add(candidate(Candidates.relayed(relay.relayedAddress(), relay.mappedAddress(), base, server,
                serverProtocol, tls, index, url.url())));
        for (InetSocketAddress additional : relay.additionalRelayedAddresses()) {
            events.add(candidate(Candidates.relayed(additional, relay.mappedAddress(), base, server, serverProtocol,
                    tls, index, url.url())));
        }
        return Flux.fromIterable(events);
    }

    private IceEvent allocateFailure(IceServerUrl url, Throwable e, StunTransport socket) {
        if (e instanceof StunTransportException.UnusableAddress refused) {
            return unusable(url, refused.getMessage(), socket);
        }
        if (e instanceof StunTransportException.ErrorResponse response) {
            for (Throwable why : response.getSuppressed()) {
                // TurnAuth could not answer this 401/438: the one fact the candidate error cannot carry
                if (why instanceof IllegalArgumentException && String.valueOf(why.getMessage())
                        .startsWith(TurnAuth.CANNOT_ANSWER)) {
                    context.listener().challengeUnanswered(url.canonical(), response.code(), why.getMessage());
                }
            }
            return errorFrom(url, response.code(), ServerClaims.reasonPhrase(response.reason()), socket);
        }
        if (e instanceof StunTransportException transport) {
            return unreachable(url, transport, Request.TURN_ALLOCATE, socket);
        }
        log.warn("TURN allocation to {} failed unexpectedly", url, e);
        return errorFrom(url, IceCandidateError.SERVER_NOT_REACHABLE, FailureTexts.unexpected(Request.TURN_ALLOCATE, e),
                socket);
    }

    private static String tlsName(IceServerUrl url) {
        return url.host();
    }

    // -------------------------------------------------------------------------------------------------- events

    private IceEvent candidate(io.iceflux.IceCandidate candidate) {
        return new IceEvent.CandidateGathered(generation, candidate);
    }

    private IceEvent error(IceServerUrl url, int code, String text, InetSocketAddress local) {
        IceCandidateError e = local == null
                ? IceCandidateError.withoutAddress(url.url(), code, text)
                : new IceCandidateError(url.url(), code, text, IpAddresses.format(local.getAddress()),
                        local.getPort());
        return new IceEvent.CandidateError(generation, e);
    }

    /** An error whose address is the host socket's, when a host candidate exposes it. */
    private IceEvent errorFrom(IceServerUrl url, int code, String text, StunTransport socket) {
        boolean exposed = socket != null && exposesHostAddresses() && socket.transport() == ServerTransport.UDP;
        return error(url, code, text, exposed ? socket.localAddress() : null);
    }

    private IceEvent errorResponse(IceServerUrl url, StunMessage response, String what, StunTransport socket) {
        return response.attribute(StunAttribute.ErrorCode.class)
                .map(ec -> errorFrom(url, ec.code(), ServerClaims.reasonPhrase(ec.reasonPhrase()), socket))
                .orElseGet(() -> errorFrom(url, StunErrorCodes.GLOBAL_FAILURE,
                        what + " response with no error code attribute.", socket));
    }

    /**
     * The 600 error that replaces the candidate of a success whose address no candidate can have ({@code text} from
     * {@link ServerClaims#unusableText}); the response is counted as dropped for {@link DropReason#UNUSABLE_ADDRESS}.
     */
    private IceEvent unusable(IceServerUrl url, String text, StunTransport socket) {
        context.listener().packetDropped(DropReason.UNUSABLE_ADDRESS);
        return errorFrom(url, StunErrorCodes.GLOBAL_FAILURE, text, socket);
    }

    private IceEvent unreachable(IceServerUrl url, StunTransportException e, Request request, StunTransport socket) {
        String text = e instanceof StunTransportException.Timeout ? FailureTexts.timedOut(request)
                : e instanceof StunTransportException.IcmpUnreachable icmp
                        ? FailureTexts.icmpUnreachable(request, icmp.what())
                        : e.getMessage();
        return errorFrom(url, IceCandidateError.SERVER_NOT_REACHABLE, text, socket);
    }

    private IceEvent deadlineError(IceServerUrl url, Request request, StunTransport socket) {
        return errorFrom(url, IceCandidateError.SERVER_NOT_REACHABLE,
                FailureTexts.deadlineBefore(deadlineDuration(), request), socket);
    }

    private Duration deadlineDuration() {
        return config.gatheringDeadline().orElse(Duration.ZERO);
    }

    /**
     * {@code task} cut short at the deadline: if the deadline passes before it finishes, it is cancelled (which
     * releases what it holds) and {@code onDeadline} is emitted instead of whatever it would still have said.
     */
    private static Flux<IceEvent> bounded(Flux<IceEvent> task, Mono<Long> deadline, Supplier<IceEvent> onDeadline) {
        if (deadline == null) {
            return task;
        }
        return Flux.defer(() -> {
            AtomicBoolean finished = new AtomicBoolean();
            return task.doOnComplete(() -> finished.set(true))
                    .takeUntilOther(deadline)
                    .concatWith(Mono.fromSupplier(() -> finished.get() ? null : onDeadline.get()));
        });
    }

    /**
     * What a generation holds and releases: host sockets, streams it opened, and the ledger of its TURN allocate
     * exchanges (their allocations, with their refreshes, and the clean-ups of the exchanges it cancelled).
     * Thread-safe without locks: sockets open on event loops while a cancel may release from another thread.
     */
    static final class Resources {
        final List<StunTransport> hostSockets = new ArrayList<>();
        final RelayLedger relays = new RelayLedger();
        private final Queue<StunTransport> owned = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean released = new AtomicBoolean();

        /**
         * Take {@code socket} over: {@link #release()} closes it. A socket that finishes opening once the release
         * has started (the cancel raced its opening) is closed at once: nothing ran on it yet.
         */
        void own(StunTransport socket) {
            owned.add(socket);
            if (released.get() && owned.remove(socket)) {
                socket.close();
            }
        }

        /**
         * Release the ledger first: delete the allocations and let every cancelled allocate exchange finish its
         * clean-up (an authenticated Allocate in flight runs to its end and its allocation is deleted), all bounded
         * by the STUN timers, since an allocation can only be deleted from the socket it lives on; then close every
         * socket. Never fails.
         */
        Mono<Void> release() {
            return Mono.defer(() -> {
                released.set(true);
                return relays.release();
            }).then(Mono.defer(() -> {
                List<StunTransport> toClose = new ArrayList<>();
                StunTransport t;
                while ((t = owned.poll()) != null) {
                    toClose.add(t);
                }
                return Flux.fromIterable(toClose)
                        .flatMap(transport -> transport.close().onErrorResume(e -> Mono.empty()))
                        .then();
            }));
        }
    }
}
