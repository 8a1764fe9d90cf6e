package io.iceflux.netty.internal.turn;

import io.iceflux.ServerTransport;
import io.iceflux.netty.internal.transport.ServerClaims;
import io.iceflux.netty.internal.transport.StunTransport;
import io.iceflux.netty.internal.transport.StunTransportException;
import io.iceflux.netty.stun.StunAttribute.AdditionalAddressFamily;
import io.iceflux.netty.stun.StunAttribute.AddressErrorCode;
import io.iceflux.netty.stun.StunAttribute.AlternateDomain;
import io.iceflux.netty.stun.StunAttribute.AlternateServer;
import io.iceflux.netty.stun.StunAttribute.ErrorCode;
import io.iceflux.netty.stun.StunAttribute.Lifetime;
import io.iceflux.netty.stun.StunAttribute.Nonce;
import io.iceflux.netty.stun.StunAttribute.Realm;
import io.iceflux.netty.stun.StunAttribute.RequestedAddressFamily;
import io.iceflux.netty.stun.StunAttribute.RequestedTransport;
import io.iceflux.netty.stun.StunAttribute.Software;
import io.iceflux.netty.stun.StunAttribute.Unknown;
import io.iceflux.netty.stun.StunAttribute.XorMappedAddress;
import io.iceflux.netty.stun.StunAttribute.XorPeerAddress;
import io.iceflux.netty.stun.StunAttribute.XorRelayedAddress;
import io.iceflux.netty.stun.StunClass;
import io.iceflux.netty.stun.StunCredentials;
import io.iceflux.netty.stun.StunEncodeOptions;
import io.iceflux.netty.stun.StunErrorCodes;
import io.iceflux.netty.stun.StunMessage;
import io.iceflux.netty.stun.StunMethod;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * How the client talks TURN (RFC 8656 §7, RFC 8489 §9.2): the Allocate exchange that gets a UDP relay with long-term
 * credentials, and the Refresh transactions that keep an allocation alive and delete it. What an allocation is, and
 * the entry points to refresh and release it, live in {@link TurnAllocation}.
 *
 * <p>The first Allocate carries no credentials. One {@link Challenge} handler answers Allocate and Refresh alike:
 * <ul>
 *   <li>401 (Unauthenticated) with REALM and NONCE: answered once, with the long-term key ({@link TurnAuth} picks MD5
 *       with MESSAGE-INTEGRITY, or SHA-256 with MESSAGE-INTEGRITY-SHA256 and USERHASH when the NONCE's security
 *       features ask for them); a 401 after the client has answered a 401 or 438 of the same server (wrong
 *       password) fails with that 401.</li>
 *   <li>438 (Stale Nonce): answered with the new NONCE (and REALM), at most {@value #MAX_STALE_NONCE_RETRIES} times
 *       in a row; the next 438 fails.</li>
 * </ul>
 * Allocate only:
 * <ul>
 *   <li>300 (Try Alternate) with ALTERNATE-SERVER: at most {@value #MAX_REDIRECTS} redirects, each to an address not
 *       attempted yet, of the original server's family, not loopback unless the original server was, on port 53, 80,
 *       443 or ≥ 1024 (libwebrtc's guards). Over UDP the same socket sends to the new server; over TCP/TLS a new
 *       connection is opened (verified against ALTERNATE-DOMAIN, else the current host name) and the old one closed
 *       if the client owns it. REALM and NONCE of the 300, if any, sign the first Allocate to the new server. A
 *       rejected redirect fails with the 300; the suppressed exception of the failure says why.</li>
 *   <li>437 (Allocation Mismatch): on a fresh transport (a new UDP socket on the same local address, or a new
 *       connection), with credentials reset, at most {@value #MAX_MISMATCH_RETRIES} times; the next 437 fails.</li>
 * </ul>
 * A Refresh with LIFETIME 0 (a delete) answered 437 succeeds: the allocation is already gone. Any other error
 * response fails with {@link StunTransportException.ErrorResponse} holding its code and reason verbatim; one without
 * ERROR-CODE fails with 600 and {@value #NO_ERROR_CODE} (Allocate) or {@value #REFRESH_NO_ERROR_CODE} (Refresh). An
 * Allocate success without XOR-RELAYED-ADDRESS fails with 600 and {@value #NO_RELAYED_ADDRESS}, and one whose
 * XOR-RELAYED-ADDRESS or XOR-MAPPED-ADDRESS no candidate can have ({@link ServerClaims}: unspecified, broadcast,
 * multicast, port 0, a relayed address not of the family asked for first, a mapped address not of the family of the
 * transport) fails with {@link StunTransportException.UnusableAddress}, both after a delete of what the server
 * allocated. Timeouts fail with {@link StunTransportException.Timeout}, a connection that
 * cannot be opened with {@link StunTransportException.Unreachable}, a closed transport with
 * {@link StunTransportException.Closed}. Responses to authenticated requests must pass the integrity check with the
 * key (the transport drops others).
 *
 * <p>Address families ({@link TurnRequest#families()}, {@link RelayFamilies}): the Allocate carries
 * REQUESTED-ADDRESS-FAMILY IPv6 for an IPv6 relay, or ADDITIONAL-ADDRESS-FAMILY IPv6 for a dual allocation (and, to a
 * server whose SOFTWARE names coturn, the same value under coturn's pre-RFC type
 * {@value #COTURN_ADDITIONAL_ADDRESS_FAMILY}, the only one coturn 4.6.1 understands). A 440 to an IPv6 request, or a
 * 400 or 440 to a dual one, is answered by asking again without the attribute (the server's default, IPv4), once.
 * The relayed address of the family asked for first must be usable
 * ({@link ServerClaims#relayedProblem(InetSocketAddress, boolean)}); the IPv6 relayed address of a dual allocation is
 * kept when usable and dropped otherwise (a server that could not give it answers ADDRESS-ERROR-CODE, and coturn also
 * a placeholder {@code 0.0.0.0:0}): the allocation stands either way.
 *
 * <p>Threading: the state of one Allocate exchange is confined to the event loop of the transport it starts on
 * ({@link StunTransport#executor()} of {@link TurnRequest#transport()}), the state of one allocation to the event
 * loop of its transport. Transaction responses and failures, opened transports, cancellations and the ledger's
 * release each become a task on that loop, and only those tasks read or change the state; timers (retransmissions
 * in the transport, an allocation's keep-alive on {@link TurnRequest#scheduler()}) hop onto the loop before they
 * act. There is no lock.
 *
 * <p>Transports: the client never closes {@link TurnRequest#transport()} unless {@link TurnRequest#ownsTransport()};
 * it closes every transport it opened itself when the allocation fails or is cancelled. On success the transport
 * goes to the {@link TurnAllocation}.
 */
public final class TurnClient {

    /** How many 438 (Stale Nonce) answers in a row are retried, by Allocate and Refresh alike. */
    static final int MAX_STALE_NONCE_RETRIES = 2;
    /** How many 300 (Try Alternate) redirects are followed. */
    static final int MAX_REDIRECTS = 3;
    /** How many 437 (Allocation Mismatch) answers are retried on a fresh transport (libwebrtc's value). */
    static final int MAX_MISMATCH_RETRIES = 2;
    /** The lifetime assumed when a success response has no LIFETIME (RFC 8656's default). */
    static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(10);
    /** The errorText of an Allocate error response without ERROR-CODE (code 600), libwebrtc's wording. */
    static final String NO_ERROR_CODE = "TURN allocate response with no error code attribute.";
    /** The errorText of an Allocate success response without XOR-RELAYED-ADDRESS (code 600). */
    static final String NO_RELAYED_ADDRESS = "TURN allocate response with no XOR-RELAYED-ADDRESS attribute.";
    /** What answered, in the texts of {@link ServerClaims#unusableText}. */
    static final String ALLOCATE_RESPONSE = "TURN allocate";
    /**
     * coturn's type for ADDITIONAL-ADDRESS-FAMILY, from the TURN drafts before RFC 8656 (which gives it 0x8000):
     * coturn 4.6.1 ignores 0x8000 and makes a dual allocation only for this one. Sent only to a server whose
     * SOFTWARE starts with {@value #COTURN_SOFTWARE}.
     */
    static final int COTURN_ADDITIONAL_ADDRESS_FAMILY = 0x8032;
    /**
     * coturn's type for ADDRESS-ERROR-CODE (RFC 8656: 0x8001), in its answer to
     * {@link #COTURN_ADDITIONAL_ADDRESS_FAMILY}.
     */
    static final int COTURN_ADDRESS_ERROR_CODE = 0x8033;
    /** How coturn's SOFTWARE starts ({@code Coturn-4.6.1 'Gorst'}). */
    static final String COTURN_SOFTWARE = "Coturn-";

    private static final Logger log = Loggers.getLogger(TurnClient.class);

    /** The errorText of a Refresh error response without ERROR-CODE (code 600). */
    static final String REFRESH_NO_ERROR_CODE = "TURN refresh response with no error code attribute.";
    /** The errorText of a CreatePermission error response without ERROR-CODE (code 600). */
    static final String PERMISSION_NO_ERROR_CODE = "TURN create permission response with no error code attribute.";

    private final TurnRequest request;

    /**
     * Create a client for one allocation request.
     *
     * @throws NullPointerException if {@code request} is null
     */
    TurnClient(TurnRequest request) {
        this.request = Objects.requireNonNull(request, "request");
    }

    /** Allocate a relay with no owner's ledger: {@link #allocate(RelayLedger)} with {@code null}. */
    Mono<TurnAllocation> allocate() {
        return allocate(null);
    }

    /**
     * Allocate a relay. Lazy: each subscription runs its own exchange, recorded on {@code ledger} (if not null) when
     * it starts so that the ledger's owner can delete its allocation, or wait for its clean-up, before closing the
     * sockets. Cancelling at any moment leaves no allocation on the server and no transport the client opened:
     * <ul>
     *   <li>an unauthenticated Allocate in flight, or a transport being opened, is stopped (a server that demands
     *       credentials allocates nothing for a request without them) and what the client owns is closed;</li>
     *   <li>an authenticated Allocate in flight runs to its end (bounded by the STUN timers); if it succeeds, the
     *       allocation is deleted with the same credentials (Refresh LIFETIME 0, 438 retried, 437 = gone), then what
     *       the client owns is closed. A delete is only sent once the Allocate it undoes has been answered, so it can
     *       never overtake that Allocate, be answered 437 and leave the allocation behind;</li>
     *   <li>an allocation being handed over at that very moment never reaches the subscriber and is released.</li>
     * </ul>
     *
     * @return the allocation, or one of the failures described on the class
     */
    Mono<TurnAllocation> allocate(RelayLedger ledger) {
        return Mono.create(sink -> {
            Exchange exchange = new Exchange(sink);
            if (ledger != null) {
                ledger.record(exchange::release);
            }
            sink.onCancel(() -> exchange.hop(exchange::abandon));
            exchange.hop(exchange::start);
        });
    }

    /**
     * Send a Refresh with LIFETIME {@code seconds} on {@code via} to {@code to}, signed with {@code credentials} and
     * answering its challenges (which update {@code credentials}), until the server accepts it. A delete
     * ({@code seconds} 0) answered 437 completes empty: the allocation is already gone. Runs on the event loop of
     * {@code via}, where {@code credentials} must be confined. Lazy; cancelling stops the transaction.
     *
     * @return the success response, or a failure as described on the class
     */
    Mono<StunMessage> refresh(StunTransport via, InetSocketAddress to, Challenge credentials, long seconds) {
        return onLoop(via.executor(), () -> {
            credentials.newSeries();
            return refreshStep(via, to, credentials, seconds);
        });
    }

    /** Delete an allocation: {@link #refresh} with LIFETIME 0. */
    Mono<Void> delete(StunTransport via, InetSocketAddress to, Challenge credentials) {
        return refresh(via, to, credentials, 0).then();
    }

    /**
     * Send a CreatePermission for the IP addresses of {@code peers} (one XOR-PEER-ADDRESS each, RFC 8656 §9) on
     * {@code via} to {@code to}, signed with {@code credentials} and answering its challenges as {@link #refresh}
     * does. Runs on the event loop of {@code via}. Lazy; cancelling stops the transaction.
     *
     * @return completes when the server installed the permissions; fails with
     *     {@link StunTransportException.ErrorResponse} (600 and {@value #PERMISSION_NO_ERROR_CODE} without
     *     ERROR-CODE), {@link StunTransportException.Timeout} or {@link StunTransportException.Closed}
     */
    Mono<Void> createPermission(StunTransport via, InetSocketAddress to, Challenge credentials,
            List<InetSocketAddress> peers) {
        return onLoop(via.executor(), () -> {
            credentials.newSeries();
            return permissionStep(via, to, credentials, List.copyOf(peers));
        });
    }

    private Mono<Void> permissionStep(StunTransport via, InetSocketAddress to, Challenge credentials,
            List<InetSocketAddress> peers) {
        StunMessage.Builder permission = StunMessage.builder(StunClass.REQUEST, StunMethod.CREATE_PERMISSION);
        peers.forEach(peer -> permission.add(new XorPeerAddress(peer)));
        return transaction(via, to, permission, credentials.auth()).flatMap(response -> onLoop(via.executor(), () -> {
            if (response.messageClass() == StunClass.SUCCESS_RESPONSE) {
                return Mono.<Void>empty();
            }
            StunTransportException.ErrorResponse error = errorOf(response, PERMISSION_NO_ERROR_CODE);
            if (credentials.answer(request.credentials(), response, error.code())) {
                return permissionStep(via, to, credentials, peers);
            }
            return Mono.<Void>error(error);
        }));
    }

    private Mono<StunMessage> refreshStep(StunTransport via, InetSocketAddress to, Challenge credentials,
            long seconds) {
        StunMessage.Builder refresh = StunMessage.builder(StunClass.REQUEST, StunMethod.REFRESH)
                .add(new Lifetime(seconds));
        return transaction(via, to, refresh, credentials.auth()).flatMap(response -> onLoop(via.executor(), () -> {
            if (response.messageClass() == StunClass.SUCCESS_RESPONSE) {
                return Mono.just(response);
            }
            StunTransportException.ErrorResponse error = errorOf(response, REFRESH_NO_ERROR_CODE);
            if (seconds == 0 && error.code() == StunErrorCodes.ALLOCATION_MISMATCH) {
                return Mono.empty();
            }
            if (credentials.answer(request.credentials(), response, error.code())) {
                return refreshStep(via, to, credentials, seconds);
            }
            return Mono.error(error);
        }));
    }

    /** Send {@code message} with SOFTWARE (if any) and the credentials of {@code auth} (if any), signed with them. */
    private Mono<StunMessage> transaction(StunTransport via, InetSocketAddress to, StunMessage.Builder message,
            TurnAuth auth) {
        if (request.software() != null) {
            message.add(new Software(request.software()));
        }
        StunEncodeOptions options = StunEncodeOptions.defaults().fingerprint(true);
        byte[] key = null;
        if (auth != null) {
            auth.addTo(message);
            options = auth.encodeOptions();
            key = auth.key();
        }
        return via.request(message.build(), options, to, key, request.timers());
    }

    /**
     * Return the failure an error response stands for: its ERROR-CODE and reason verbatim, or 600 with
     * {@code noErrorCodeText} when it has none.
     */
    static StunTransportException.ErrorResponse errorOf(StunMessage response, String noErrorCodeText) {
        return response.attribute(ErrorCode.class)
                .map(code -> new StunTransportException.ErrorResponse(code.code(), code.reasonPhrase(), response))
                .orElseGet(() -> new StunTransportException.ErrorResponse(StunErrorCodes.GLOBAL_FAILURE,
                        noErrorCodeText, response));
    }

    /** Return {@code step}, subscribed to on {@code loop}: the way onto an event loop for a chain of steps. */
    static <T> Mono<T> onLoop(Executor loop, Supplier<? extends Mono<? extends T>> step) {
        return Mono.<T>defer(step).subscribeOn(Schedulers.fromExecutor(loop));
    }

    /**
     * The long-term credentials of one conversation with one server, and the one rule for its challenges, for
     * Allocate and Refresh alike: a 401 is answered once, unless the conversation already answered a 401 or 438 (then
     * the password is wrong and the 401 is final); a 438 is answered with its new NONCE at most
     * {@value #MAX_STALE_NONCE_RETRIES} times in a row. Confined to the event loop of the exchange or allocation that
     * holds it; {@link #auth()} may be read from any thread.
     */
    static final class Challenge {
        private volatile TurnAuth auth;
        private boolean answered;
        private int staleNonces;

        /** Start signing with {@code current}: a conversation that has credentials answers no further 401. */
        Challenge(TurnAuth current) {
            this.auth = current;
            this.answered = current != null;
        }

        /** Return what the next request is signed with, or null for nothing. */
        TurnAuth auth() {
            return auth;
        }

        /**
         * Take the error response {@code code} to a request signed with {@link #auth()}: return true when it is a
         * 401 or 438 to answer, with {@link #auth()} now answering it; false when the response is final.
         *
         * @throws StunTransportException.ErrorResponse if the challenge cannot be answered
         *     ({@link TurnAuth#fromChallenge})
         */
        boolean answer(StunCredentials credentials, StunMessage response, int code) {
            boolean stale = code == StunErrorCodes.STALE_NONCE;
            boolean retry = stale ? staleNonces < MAX_STALE_NONCE_RETRIES
                    : code == StunErrorCodes.UNAUTHENTICATED && !answered;
            if (!retry) {
                return false;
            }
            staleNonces = stale ? staleNonces + 1 : 0;
            auth = TurnAuth.fromChallenge(credentials, response, auth);
            answered = true;
            return true;
        }

        /** A new server or transport: sign with {@code fresh} (a 300's REALM and NONCE, or null), answer a 401 again. */
        void restart(TurnAuth fresh) {
            auth = fresh;
            answered = false;
            staleNonces = 0;
        }

        /** A new series of requests (a refresh, a delete): count the 438s in a row from zero. */
        void newSeries() {
            staleNonces = 0;
        }
    }

    /** Where one Allocate exchange is. */
    private enum Phase {
        /** Subscribed; the first Allocate is not sent yet. */
        STARTING,
        /** An Allocate is in flight. */
        SENDING,
        /** A fresh transport is being opened (after a 437, or a 300 over TCP/TLS). */
        OPENING,
        /** Deleting what an Allocate success created, before ending. */
        DELETING,
        /** The allocation was handed to the subscriber; it owns the transport now. */
        DELIVERED,
        /** Over: failed, or abandoned and cleaned up. */
        ENDED
    }

    /**
     * One allocate subscription: a state machine confined to the event loop of the request's transport. Every method
     * runs there, but {@link #hop} and {@link #release()}, which may be called from any thread and hop onto it.
     */
    private final class Exchange {
        private final Executor loop = request.transport().executor();
        private final MonoSink<TurnAllocation> sink;
        /** Completes once an exchange that did not deliver has left nothing on the server and closed what it owns. */
        private final Sinks.Empty<Void> settled = Sinks.empty();
        private final Set<InetSocketAddress> attempted = new HashSet<>();
        private final Challenge challenge = new Challenge(null);
        private StunTransport transport = request.transport();
        private boolean owned = request.ownsTransport();
        private InetSocketAddress server = request.serverAddress();
        private String hostName = request.serverHostName();
        private int redirects;
        private int mismatches;
        private Phase phase = Phase.STARTING;
        /** The families asked for now: the request's, or {@link RelayFamilies#IPV4} after a fallback. */
        private RelayFamilies families = request.families();
        /** Whether the server named itself coturn in a SOFTWARE attribute. */
        private boolean coturn;
        private boolean abandoned;
        private Disposable step = Disposables.disposed();
        private TurnAllocation allocation;

        Exchange(MonoSink<TurnAllocation> sink) {
            this.sink = sink;
            attempted.add(server);
        }

        /** Run {@code task} on the event loop; if the loop has shut down, so have the transports: fail and settle. */
        void hop(Runnable task) {
            try {
                loop.execute(task);
            } catch (RejectedExecutionException e) {
                sink.error(new StunTransportException.Closed("The transport's event loop has shut down.", e));
                settled.tryEmitEmpty();
            }
        }

        void start() {
            if (phase == Phase.STARTING) {
                send();
            }
        }

        private void send() {
            TurnAuth used = challenge.auth();
            StunTransport via = transport;
            InetSocketAddress to = server;
            StunMessage.Builder allocate = StunMessage.builder(StunClass.REQUEST, StunMethod.ALLOCATE)
                    .add(new RequestedTransport(RequestedTransport.UDP));
            if (request.requestedLifetime() != null) {
                allocate.add(new Lifetime(request.requestedLifetime().getSeconds()));
            }
            if (families == RelayFamilies.IPV6) {
                allocate.add(new RequestedAddressFamily(FAMILY_IPV6));
            } else if (families.dual()) {
                allocate.add(new AdditionalAddressFamily(FAMILY_IPV6));
                if (coturn) {
                    allocate.add(new Unknown(COTURN_ADDITIONAL_ADDRESS_FAMILY, new byte[] {FAMILY_IPV6, 0, 0, 0}));
                }
            }
            phase = Phase.SENDING;
            step = transaction(via, to, allocate, used).subscribe(
                    response -> hop(() -> onResponse(response, via, to, used)),
                    failure -> hop(() -> onFailure(failure)));
        }

        private void onResponse(StunMessage response, StunTransport via, InetSocketAddress to, TurnAuth used) {
            if (phase != Phase.SENDING) {
                return;
            }
            if (!coturn && response.attribute(Software.class)
                    .filter(software -> software.value().startsWith(COTURN_SOFTWARE)).isPresent()) {
                coturn = true;
            }
            if (response.messageClass() == StunClass.SUCCESS_RESPONSE) {
                onSuccess(response, via, to, used);
                return;
            }
            if (abandoned) {
                finish(null); // an error response allocated nothing
                return;
            }
            StunTransportException.ErrorResponse error = errorOf(response, NO_ERROR_CODE);
            try {
                switch (error.code()) {
                    case StunErrorCodes.UNAUTHENTICATED, StunErrorCodes.STALE_NONCE -> {
                        if (challenge.answer(request.credentials(), response, error.code())) {
                            send();
                        } else {
                            finish(error);
                        }
                    }
                    case StunErrorCodes.TRY_ALTERNATE -> redirect(response, error);
                    case StunErrorCodes.ALLOCATION_MISMATCH -> mismatch(error);
                    default -> {
                        RelayFamilies fallback = families.fallbackAfter(error.code());
                        if (fallback != null) {
                            log.debug("{} answered {} {} to an Allocate for {}; asking for {}", to, error.code(),
                                    error.reason(), families, fallback);
                            families = fallback;
                            send();
                        } else {
                            finish(error);
                        }
                    }
                }
            } catch (RuntimeException failure) {
                finish(failure);
            }
        }

        private void onSuccess(StunMessage response, StunTransport via, InetSocketAddress to, TurnAuth used) {
            List<InetSocketAddress> all = response.attributes(XorRelayedAddress.class).stream()
                    .map(XorRelayedAddress::address).toList();
            // the relay of the family asked for first; a single address of another family is refused below
            InetSocketAddress relayed = all.stream().filter(a -> isIpv6(a) == families.primaryIpv6()).findFirst()
                    .orElse(all.isEmpty() ? null : all.get(0));
            InetSocketAddress mapped = response.attribute(XorMappedAddress.class).map(XorMappedAddress::address)
                    .orElse(null);
            RuntimeException refused = relayed == null
                    ? new StunTransportException.ErrorResponse(StunErrorCodes.GLOBAL_FAILURE, NO_RELAYED_ADDRESS,
                            response)
                    : unusable(relayed, mapped, via);
            if (refused != null) {
                deleteThen(via, to, used, () -> finish(refused));
                return;
            }
            if (abandoned) {
                deleteThen(via, to, used, () -> finish(null));
                return;
            }
            Duration lifetime = response.attribute(Lifetime.class).map(l -> Duration.ofSeconds(l.seconds()))
                    .orElse(DEFAULT_LIFETIME);
            allocation = new TurnAllocation(TurnClient.this, via, owned, to, used, relayed,
                    additional(response, all, relayed, to), mapped, lifetime, request.scheduler());
            owned = false;
            phase = Phase.DELIVERED;
            sink.success(allocation);
        }

        /**
         * The IPv6 relayed addresses of a dual allocation other than {@code relayed} that a candidate can have; none
         * when no dual allocation was asked for. What the server could not give is logged, not reported.
         */
        private List<InetSocketAddress> additional(StunMessage response, List<InetSocketAddress> all,
                InetSocketAddress relayed, InetSocketAddress to) {
            if (!families.dual()) {
                return List.of();
            }
            List<InetSocketAddress> extra = new ArrayList<>();
            for (InetSocketAddress address : all) {
                if (address.equals(relayed) || extra.contains(address)) {
                    continue;
                }
                String problem = ServerClaims.relayedProblem(address, true);
                if (problem == null) {
                    extra.add(address);
                } else {
                    log.debug("{} granted an additional relayed address {} that is unusable ({})", to, address,
                            problem);
                }
            }
            if (extra.isEmpty() && log.isDebugEnabled()) {
                String why = response.attribute(AddressErrorCode.class)
                        .map(e -> e.code() + " " + e.reasonPhrase())
                        .or(() -> response.attributes(Unknown.class).stream()
                                .filter(u -> u.type() == COTURN_ADDRESS_ERROR_CODE).findFirst()
                                .map(u -> "coturn's ADDRESS-ERROR-CODE"))
                        .orElse("the server ignored ADDITIONAL-ADDRESS-FAMILY");
                log.debug("{} granted no IPv6 relay in the dual allocation: {}", to, why);
            }
            return List.copyOf(extra);
        }

        /**
         * Return the failure for a success whose relayed or mapped address no candidate can have
         * ({@link ServerClaims}), or null if both are usable (or the mapped one is absent).
         */
        private StunTransportException.UnusableAddress unusable(InetSocketAddress relayed, InetSocketAddress mapped,
                StunTransport via) {
            String problem = ServerClaims.relayedProblem(relayed, families.primaryIpv6());
            if (problem != null) {
                return new StunTransportException.UnusableAddress(
                        ServerClaims.unusableText(ALLOCATE_RESPONSE, ServerClaims.Claim.RELAYED, relayed, problem));
            }
            problem = mapped == null ? null : ServerClaims.mappedProblem(mapped, via.localAddress().getAddress());
            if (problem != null) {
                return new StunTransportException.UnusableAddress(
                        ServerClaims.unusableText(ALLOCATE_RESPONSE, ServerClaims.Claim.MAPPED, mapped, problem));
            }
            return null;
        }

        /** Delete what a success may have created on {@code via}, whatever the outcome, then run {@code then}. */
        private void deleteThen(StunTransport via, InetSocketAddress to, TurnAuth used, Runnable then) {
            phase = Phase.DELETING;
            step = delete(via, to, new Challenge(used)).onErrorResume(ignored -> Mono.empty())
                    .subscribe(null, null, () -> hop(then));
        }

        private void redirect(StunMessage response, StunTransportException.ErrorResponse error) {
            InetSocketAddress target = response.attribute(AlternateServer.class).map(AlternateServer::address)
                    .orElse(null);
            String rejection = target == null ? "the response has no ALTERNATE-SERVER" : redirectRejection(target);
            if (rejection != null) {
                error.addSuppressed(new IllegalArgumentException(
                        StunErrorCodes.TRY_ALTERNATE + " redirect rejected: " + rejection));
                finish(error);
                return;
            }
            boolean carriesChallenge = response.attribute(Realm.class).isPresent()
                    && response.attribute(Nonce.class).isPresent();
            challenge.restart(carriesChallenge ? TurnAuth.fromChallenge(request.credentials(), response, null)
                    : null);
            redirects++;
            attempted.add(target);
            server = target;
            response.attribute(AlternateDomain.class).ifPresent(domain -> hostName = domain.value());
            if (request.protocol() == ServerTransport.UDP) {
                send();
            } else {
                reopen();
            }
        }

        private String redirectRejection(InetSocketAddress target) {
            InetSocketAddress original = request.serverAddress();
            if (redirects >= MAX_REDIRECTS) {
                return "already followed " + MAX_REDIRECTS + " redirects";
            }
            if (attempted.contains(target)) {
                return target + " was already attempted";
            }
            if ((target.getAddress() instanceof Inet4Address) != (original.getAddress() instanceof Inet4Address)) {
                return target + " is not of the family of " + original;
            }
            if (target.getAddress().isLoopbackAddress() && !original.getAddress().isLoopbackAddress()) {
                return target + " is a loopback address and " + original + " is not";
            }
            int port = target.getPort();
            if (port < 1024 && port != 53 && port != 80 && port != 443) {
                return target + " is on port " + port + ", not 53, 80, 443 or 1024 and above";
            }
            return null;
        }

        private void mismatch(StunTransportException.ErrorResponse error) {
            if (mismatches >= MAX_MISMATCH_RETRIES) {
                finish(error);
                return;
            }
            mismatches++;
            challenge.restart(null);
            reopen();
        }

        /** Close the current transport if owned, open a fresh one of the same kind to the current server, resend. */
        private void reopen() {
            phase = Phase.OPENING;
            InetAddress local = transport.localAddress().getAddress();
            InetSocketAddress to = server;
            String tlsName = request.protocol() == ServerTransport.TLS ? hostName : null;
            // the hand-over sits right on the opening Mono: a transport that opens as the step is disposed (on
            // another event loop) still reaches adopt, which closes it, instead of being dropped by the subscriber
            step = closeOwned()
                    .then(Mono.defer(() -> (request.protocol() == ServerTransport.UDP
                            ? request.factory().openUdp(local)
                            : request.factory().openStream(local, to, tlsName))
                            .doOnNext(fresh -> hop(() -> adopt(fresh)))))
                    .subscribe(null, failure -> hop(() -> onFailure(failure)));
        }

        private void adopt(StunTransport fresh) {
            if (phase != Phase.OPENING) {
                fresh.close(); // abandoned while it opened
                return;
            }
            transport = fresh;
            owned = true;
            send();
        }

        private void onFailure(Throwable failure) {
            if (phase == Phase.SENDING || phase == Phase.OPENING) {
                finish(failure);
            }
        }

        /**
         * End the exchange: close what the client owns, then fail the subscriber with {@code failure} (unless it is
         * null or the subscriber is gone) and settle.
         */
        private void finish(Throwable failure) {
            phase = Phase.ENDED;
            boolean signal = failure != null && !abandoned;
            closeOwned().doFinally(ignored -> {
                if (signal) {
                    sink.error(failure);
                }
                settled.tryEmitEmpty();
            }).subscribe();
        }

        /** Close the current transport if the client owns it; idempotent. */
        private Mono<Void> closeOwned() {
            if (!owned) {
                return Mono.empty();
            }
            owned = false;
            return transport.close().onErrorResume(ignored -> Mono.empty());
        }

        /**
         * The subscriber cancelled: stop what cannot leave an allocation behind now, let the rest run to its end.
         * Called at most once by the cancellation, and by {@link #release()}.
         */
        void abandon() {
            if (abandoned) {
                return;
            }
            abandoned = true;
            switch (phase) {
                // the sink was cancelled before it could hand the allocation over: nobody else will release it
                case DELIVERED -> allocation.release().subscribe(null, ignored -> { });
                // an authenticated Allocate may create an allocation: its answer decides (onSuccess deletes it)
                case SENDING -> {
                    if (challenge.auth() == null) {
                        step.dispose();
                        finish(null);
                    }
                }
                case STARTING, OPENING -> {
                    step.dispose();
                    finish(null);
                }
                default -> {
                    // DELETING ends by itself; ENDED left nothing
                }
            }
        }

        /**
         * The entry of this exchange on its {@link RelayLedger}: release the allocation it handed over, or abandon
         * the exchange and complete once it has settled. An exchange still running for its subscriber (the owner
         * released the ledger without cancelling it first) fails it with {@link StunTransportException.Closed}.
         * Never fails.
         */
        Mono<Void> release() {
            return onLoop(loop, () -> {
                if (phase == Phase.DELIVERED) {
                    return allocation.release().onErrorResume(ignored -> Mono.empty());
                }
                if (phase != Phase.ENDED && !abandoned) {
                    sink.error(new StunTransportException.Closed(
                            "The TURN allocation was released before it completed.", null));
                }
                abandon();
                return settled.asMono();
            }).onErrorResume(ignored -> Mono.empty());
        }
    }

    /** The family byte of IPv6 in the address-family attributes (RFC 8656 §18.8). */
    private static final byte FAMILY_IPV6 = 0x02;

    private static boolean isIpv6(InetSocketAddress address) {
        return address.getAddress() instanceof Inet6Address;
    }
}
