package io.iceflux.netty.internal.turn;

import static org.assertj.core.api.Assertions.assertThat;

import io.iceflux.ServerTransport;
import io.iceflux.StunTimers;
import io.iceflux.netty.internal.transport.StunTransport;
import io.iceflux.netty.internal.transport.StunTransportException;
import io.iceflux.netty.internal.turn.ScriptedFactory.Open;
import io.iceflux.netty.stun.PasswordAlgorithm;
import io.iceflux.netty.stun.StunAttribute.AlgorithmEntry;
import io.iceflux.netty.stun.StunAttribute.AlternateServer;
import io.iceflux.netty.stun.StunAttribute.Lifetime;
import io.iceflux.netty.stun.StunAttribute.PasswordAlgorithms;
import io.iceflux.netty.stun.StunAttribute.XorRelayedAddress;
import io.iceflux.netty.stun.StunClass;
import io.iceflux.netty.stun.StunCredentials;
import io.iceflux.netty.stun.StunMessage;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * Whatever a TURN server answers, in any order, allocate ends with an allocation or a typed transport failure after a
 * bounded number of requests, closes every transport it opened exactly once (except the one the allocation lives on)
 * and never closes a transport it does not own.
 */
class TurnClientPropertiesTest {

    /** Upper bound of requests: 6 transport epochs (1 + 3 redirects + 2 mismatches) × 6, plus one delete. */
    private static final int MAX_REQUESTS = 37;
    private static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 3478);
    private static final InetSocketAddress HOST = new InetSocketAddress("127.0.0.1", 50_000);

    /** One answer of the scripted server. */
    enum Answer {
        UNAUTHORIZED, UNAUTHORIZED_SHA256, UNAUTHORIZED_NO_ALGORITHMS, STALE_NONCE, TRY_ALTERNATE, TRY_IPV6,
        TRY_ORIGINAL, MISMATCH, QUOTA, NO_ERROR_CODE, SUCCESS, SUCCESS_WITHOUT_RELAY, TIMEOUT, CLOSED
    }

    @Property(tries = 400)
    void allocateTerminatesAndLeavesNoTransportBehind(@ForAll @Size(MAX_REQUESTS) List<Answer> answers,
            @ForAll ServerTransport protocol, @ForAll boolean owned,
            @ForAll @IntRange(min = 3479, max = 3483) int alternatePort) {
        VirtualTimeScheduler scheduler = VirtualTimeScheduler.create();
        Script script = new Script(scheduler);
        for (Answer answer : answers) {
            script.then(sent -> respond(answer, sent.request(), alternatePort));
        }
        ScriptedFactory factory = new ScriptedFactory(script);
        ScriptedTransport initial = new ScriptedTransport(script, HOST,
                protocol);
        TurnRequest request = new TurnRequest(initial, owned, SERVER, "turn.example.org", protocol,
                StunCredentials.of("alice", "s3cret"), null, "IceFlux", StunTimers.rfc8489(), factory, scheduler);

        List<Object> outcome = new ArrayList<>();
        new TurnClient(request).allocate().subscribe(outcome::add, outcome::add);

        assertThat(outcome).as("terminated").hasSize(1);
        assertThat(script.sent().size()).isLessThanOrEqualTo(MAX_REQUESTS);
        StunTransport kept = null;
        if (outcome.get(0) instanceof TurnAllocation allocation) {
            kept = allocation.transport();
            assertThat(kept.isOpen()).isTrue();
            assertThat(allocation.ownsTransport()).isEqualTo(kept != initial || owned);
        } else {
            assertThat(outcome.get(0)).isInstanceOf(StunTransportException.class);
        }
        for (Open open : factory.opens()) {
            assertThat(open.opened().closes()).isEqualTo(open.opened() == kept ? 0 : 1);
        }
        assertThat(initial.closes()).isEqualTo(owned && initial != kept ? 1 : 0);
    }

    private static Mono<StunMessage> respond(Answer answer, StunMessage request, int alternatePort) {
        return switch (answer) {
            case UNAUTHORIZED -> Mono.just(Script.unauthorized(request, "example.org", "nonce"));
            case UNAUTHORIZED_SHA256 -> Mono.just(Script.unauthorized(request, "example.org", "obMatJos2wAAAn",
                    new PasswordAlgorithms(List.of(AlgorithmEntry.of(PasswordAlgorithm.SHA256)))));
            case UNAUTHORIZED_NO_ALGORITHMS -> Mono.just(Script.unauthorized(request, "example.org", "obMatJos2gAAAn"));
            case STALE_NONCE -> Mono.just(Script.staleNonce(request, "example.org", "fresh"));
            case TRY_ALTERNATE -> Mono.just(Script.error(request, 300, "Try Alternate",
                    new AlternateServer(new InetSocketAddress("127.0.0.1", alternatePort))));
            case TRY_IPV6 -> Mono.just(Script.error(request, 300, "Try Alternate",
                    new AlternateServer(new InetSocketAddress("::1", 3478))));
            case TRY_ORIGINAL -> Mono.just(Script.error(request, 300, "Try Alternate", new AlternateServer(SERVER)));
            case MISMATCH -> Mono.just(Script.error(request, 437, "Allocation Mismatch"));
            case QUOTA -> Mono.just(Script.error(request, 486, "Allocation Quota Reached"));
            case NO_ERROR_CODE -> Mono.just(StunMessage.builder(StunClass.ERROR_RESPONSE, request.method())
                    .transactionId(request.transactionId()).build());
            case SUCCESS -> Mono.just(Script.success(request, new XorRelayedAddress(HOST), new Lifetime(600)));
            case SUCCESS_WITHOUT_RELAY -> Mono.just(Script.success(request, new Lifetime(600)));
            case TIMEOUT -> Mono.error(new StunTransportException.Timeout("TURN allocate request timed out."));
            case CLOSED -> Mono.error(new StunTransportException.Closed("connection reset", null));
        };
    }
}
