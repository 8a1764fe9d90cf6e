package io.iceflux.netty.internal.turn;

import io.iceflux.ServerTransport;
import io.iceflux.netty.internal.transport.StunTransport;
import io.iceflux.netty.internal.transport.StunTransportException;

import io.iceflux.netty.stun.StunAttribute.AlternateDomain;
import io.iceflux.netty.stun.StunAttribute.AlternateServer;
import io.iceflux.netty.stun.StunAttribute.ErrorCode;
import io.iceflux.netty.stun.StunAttribute.Lifetime;
import io.iceflux.netty.stun.StunAttribute.Nonce;
import io.iceflux.netty.stun.StunAttribute.Realm;
import io.iceflux.netty.stun.StunAttribute.RequestedTransport;
import io.iceflux.netty.stun.StunAttribute.Software;
import io.iceflux.netty.stun.StunAttribute.XorMappedAddress;
import io.iceflux.netty.stun.StunAttribute.XorRelayedAddress;
import io.iceflux.netty.stun.StunClass;
import io.iceflux.netty.stun.StunMessage;
import io.iceflux.netty.stun.StunMethod;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * Allocates a UDP relay on a TURN server with long-term credentials (RFC 8656 §7.1 and §7.3, RFC 8489 §9.2).
 *
 * <p>The first Allocate carries no credentials. The client answers:
 * <ul>
 *   <li>401 (Unauthenticated) with REALM and NONCE: once, with the long-term key ({@link TurnAuth} picks MD5 with
 *       MESSAGE-INTEGRITY, or SHA-256 with MESSAGE-INTEGRITY-SHA256 and USERHASH when the NONCE's security features
 *       ask for them); a 401 after the client has answered a 401 or 438 of the same server (wrong password) fails
 *       with that 401.</li>
 *   <li>438 (Stale Nonce): with the new NONCE (and REALM), at most {@value #MAX_STALE_NONCE_RETRIES} times in a
 *       row; the next 438 fails.</li>
 *   <li>300 (Try Alternate) with ALTERNATE-SERVER: at most {@value #MAX_REDIRECTS} redirects, each to an address not
 *       attempted yet, of the original server's family, not loopback unless the original server was, on port 53, 80,
 *       443 or ≥ 1024 (libwebrtc's guards). Over UDP the same socket sends to the new server; over TCP/TLS a new
 *       connection is opened (verified against ALTERNATE-DOMAIN, else the current host name) and the old one closed
 *       if the client owns it. REALM and NONCE of the 300, if any, sign the first Allocate to the new server. A
 *       rejected redirect fails with the 300; the suppressed exception of the failure says why.</li>
 *   <li>437 (Allocation Mismatch): on a fresh transport (a new UDP socket on the same local address, or a new
 *       connection), with credentials reset, at most {@value #MAX_MISMATCH_RETRIES} times; the next 437 fails.</li>
 * </ul>
 * Any other error response fails with {@link StunTransportException.ErrorResponse} holding its code and reason
 * verbatim; one without ERROR-CODE fails with 600 and {@value #NO_ERROR_CODE}. A success response without
 * XOR-RELAYED-ADDRESS fails with 600 and {@value #NO_RELAYED_ADDRESS} (after a best-effort delete of what the server
 * may have allocated). Timeouts fail with {@link StunTransportException.Timeout}, a connection that cannot be opened
 * with {@link StunTransportException.Unreachable}, a closed transport with {@link StunTransportException.Closed}.
 * Responses to authenticated requests must pass the integrity check with the key (the transport drops others).
 *
 * <p>Transports: the client never closes {@link TurnRequest#transport()} unless {@link TurnRequest#ownsTransport()};
 * it closes every transport it opened itself when the allocation fails or is cancelled. On success the transport
 * goes to the {@link TurnAllocation}.
 */
public final class TurnClient {

    /** How many 438 (Stale Nonce) answers in a row are retried. */
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

    private final TurnRequest request;

    /**
     * Create a client for one allocation request.
     *
     * @throws NullPointerException if {@code request} is null
     */
    TurnClient(TurnRequest request) {
        this.request = Objects.requireNonNull(request, "request");
    }

    /**
     * Allocate a relay. Lazy: each subscription runs its own exchange. Cancelling at any moment stops the
     * transaction, closes every transport the client opened (and the initial one if it owns it) and, when an
     * authenticated Allocate was in flight, first sends a best-effort Refresh with LIFETIME 0 and the same
     * credentials on that transport (one transaction, bounded by the STUN timers, outcome ignored), so no allocation
     * stays on the server.
     *
     * @return the allocation, or one of the failures described on the class
     */
    Mono<TurnAllocation> allocate() {
        return Mono.defer(() -> new Exchange(request).run());
    }

    /** The state of one allocate subscription; every field is guarded by {@code this}. */
    private static final class Exchange {
        private final TurnRequest request;
        private final Set<InetSocketAddress> attempted = new HashSet<>();
        private StunTransport transport;
        private boolean owned;
        private InetSocketAddress server;
        private String hostName;
        private TurnAuth auth;
        private TurnAuth inFlight;
        private boolean answeredChallenge;
        private int staleNonces;
        private int redirects;
        private int mismatches;
        private boolean cancelled;
        private boolean done;

        Exchange(TurnRequest request) {
            this.request = request;
            this.transport = request.transport();
            this.owned = request.ownsTransport();
            this.server = request.server();
            this.hostName = request.serverHostName();
            attempted.add(request.server());
        }

        Mono<TurnAllocation> run() {
            return send()
                    .onErrorResume(failure -> closeOwned().then(Mono.error(failure)))
                    .doOnCancel(this::cancel);
        }

        private Mono<TurnAllocation> send() {
            return Mono.defer(() -> {
                StunTransport via;
                InetSocketAddress to;
                TurnAuth used;
                synchronized (this) {
                    if (cancelled) {
                        return Mono.empty();
                    }
                    via = transport;
                    to = server;
                    used = auth;
                    inFlight = used;
                }
                return via.request(allocateMessage(used), TurnAllocation.encodeOptions(used), to,
                        used == null ? null : used.key(), request.timers())
                        .flatMap(response -> response.messageClass() == StunClass.SUCCESS_RESPONSE
                                ? onSuccess(response, via, to, used)
                                : onError(response, used));
            });
        }

        private StunMessage allocateMessage(TurnAuth used) {
            StunMessage.Builder builder = StunMessage.builder(StunClass.REQUEST, StunMethod.ALLOCATE)
                    .add(new RequestedTransport(RequestedTransport.UDP));
            if (request.requestedLifetime() != null) {
                builder.add(new Lifetime(request.requestedLifetime().getSeconds()));
            }
            if (request.software() != null) {
                builder.add(new Software(request.software()));
            }
            if (used != null) {
                used.addTo(builder);
            }
            return builder.build();
        }

        private Mono<TurnAllocation> onSuccess(StunMessage response, StunTransport via, InetSocketAddress to,
                TurnAuth used) {
            XorRelayedAddress relayed = response.attribute(XorRelayedAddress.class).orElse(null);
            if (relayed == null) {
                synchronized (this) {
                    inFlight = null;
                }
                return TurnAllocation.bestEffortDelete(via, to, used, request.software(), request.timers())
                        .then(Mono.error(new StunTransportException.ErrorResponse(600, NO_RELAYED_ADDRESS, response)));
            }
            Duration lifetime = response.attribute(Lifetime.class).map(l -> Duration.ofSeconds(l.seconds()))
                    .orElse(DEFAULT_LIFETIME);
            InetSocketAddress mapped = response.attribute(XorMappedAddress.class).map(XorMappedAddress::address)
                    .orElse(null);
            boolean viaOwned;
            synchronized (this) {
                if (cancelled) {
                    return Mono.empty();
                }
                done = true;
                inFlight = null;
                viaOwned = owned;
            }
            return Mono.just(new TurnAllocation(request, via, viaOwned, to, used, relayed.address(), mapped,
                    lifetime));
        }

        private Mono<TurnAllocation> onError(StunMessage response, TurnAuth used) {
            synchronized (this) {
                inFlight = null;
            }
            ErrorCode error = response.attribute(ErrorCode.class).orElse(null);
            if (error == null) {
                return Mono.error(TurnAllocation.errorOf(response, NO_ERROR_CODE));
            }
            return switch (error.code()) {
                case 401 -> onUnauthenticated(response, used);
                case 438 -> onStaleNonce(response, used);
                case 300 -> onTryAlternate(response);
                case 437 -> onAllocationMismatch(response);
                default -> Mono.error(TurnAllocation.errorOf(response, NO_ERROR_CODE));
            };
        }

        private Mono<TurnAllocation> onUnauthenticated(StunMessage response, TurnAuth used) {
            synchronized (this) {
                if (answeredChallenge) {
                    return Mono.error(TurnAllocation.errorOf(response, NO_ERROR_CODE));
                }
            }
            TurnAuth answer = TurnAuth.fromChallenge(request.credentials(), response, used);
            synchronized (this) {
                auth = answer;
                answeredChallenge = true;
                staleNonces = 0;
            }
            return send();
        }

        private Mono<TurnAllocation> onStaleNonce(StunMessage response, TurnAuth used) {
            synchronized (this) {
                if (staleNonces >= MAX_STALE_NONCE_RETRIES) {
                    return Mono.error(TurnAllocation.errorOf(response, NO_ERROR_CODE));
                }
                staleNonces++;
            }
            TurnAuth answer = TurnAuth.fromChallenge(request.credentials(), response, used);
            synchronized (this) {
                auth = answer;
                answeredChallenge = true;
            }
            return send();
        }

        private Mono<TurnAllocation> onTryAlternate(StunMessage response) {
            InetSocketAddress target = response.attribute(AlternateServer.class).map(AlternateServer::address)
                    .orElse(null);
            String rejection;
            synchronized (this) {
                rejection = target == null ? "the response has no ALTERNATE-SERVER" : redirectRejection(target);
            }
            if (rejection != null) {
                StunTransportException.ErrorResponse failure = TurnAllocation.errorOf(response, NO_ERROR_CODE);
                failure.addSuppressed(new IllegalArgumentException("300 redirect rejected: " + rejection));
                return Mono.error(failure);
            }
            boolean carriesChallenge = response.attribute(Realm.class).isPresent()
                    && response.attribute(Nonce.class).isPresent();
            TurnAuth answer = carriesChallenge ? TurnAuth.fromChallenge(request.credentials(), response, null) : null;
            String alternateDomain = response.attribute(AlternateDomain.class).map(AlternateDomain::value)
                    .orElse(null);
            synchronized (this) {
                redirects++;
                attempted.add(target);
                server = target;
                if (alternateDomain != null) {
                    hostName = alternateDomain;
                }
                auth = answer;
                answeredChallenge = false;
                staleNonces = 0;
            }
            return request.protocol() == ServerTransport.UDP ? send() : reopen();
        }

        private String redirectRejection(InetSocketAddress target) {
            InetSocketAddress original = request.server();
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

        private Mono<TurnAllocation> onAllocationMismatch(StunMessage response) {
            synchronized (this) {
                if (mismatches >= MAX_MISMATCH_RETRIES) {
                    return Mono.error(TurnAllocation.errorOf(response, NO_ERROR_CODE));
                }
                mismatches++;
                auth = null;
                answeredChallenge = false;
                staleNonces = 0;
            }
            return reopen();
        }

        /** Close the current transport if owned, open a fresh one of the same kind to the current server, resend. */
        private Mono<TurnAllocation> reopen() {
            InetSocketAddress local;
            InetSocketAddress to;
            String tlsName;
            synchronized (this) {
                local = transport.localAddress();
                to = server;
                tlsName = request.protocol() == ServerTransport.TLS ? hostName : null;
            }
            return closeOwned().then(Mono.defer(() -> {
                Mono<StunTransport> open = request.protocol() == ServerTransport.UDP
                        ? request.factory().openUdp(local.getAddress())
                        : request.factory().openStream(local.getAddress(), to, tlsName);
                return open.flatMap(this::adopt);
            })).then(send());
        }

        private Mono<Void> adopt(StunTransport fresh) {
            synchronized (this) {
                if (!cancelled) {
                    transport = fresh;
                    owned = true;
                    return Mono.empty();
                }
            }
            return fresh.close().onErrorResume(ignored -> Mono.empty()).then(Mono.empty());
        }

        /** Close the current transport if the client owns it and nothing has taken it over; idempotent. */
        private Mono<Void> closeOwned() {
            StunTransport toClose;
            synchronized (this) {
                if (done || !owned) {
                    return Mono.empty();
                }
                toClose = transport;
                owned = false;
            }
            return toClose.close().onErrorResume(ignored -> Mono.empty());
        }

        private void cancel() {
            StunTransport via;
            InetSocketAddress to;
            TurnAuth pending;
            boolean close;
            synchronized (this) {
                if (cancelled || done) {
                    return;
                }
                cancelled = true;
                via = transport;
                to = server;
                pending = inFlight;
                close = owned;
                owned = false;
                inFlight = null;
            }
            Mono<Void> delete = pending == null ? Mono.empty()
                    : TurnAllocation.bestEffortDelete(via, to, pending, request.software(), request.timers());
            // StunTransport.close() starts closing when called: defer it until the delete is over
            delete.then(close ? Mono.defer(via::close).onErrorResume(ignored -> Mono.empty()) : Mono.empty())
                    .subscribe();
        }
    }
}
