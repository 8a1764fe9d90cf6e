package io.iceflux.netty;

import io.iceflux.IceCandidate;
import io.iceflux.IceProtocol;
import io.iceflux.ServerTransport;
import java.time.Duration;
import java.util.Locale;

/**
 * Receives what a {@link NettyIceGatherer} does, for metrics: gatherings, candidates, errors, STUN transactions and
 * dropped packets. Pass one to {@link NettyIceGatherer.Builder#metrics(GathererMetrics)};
 * {@code io.iceflux.netty.micrometer.MicrometerGathererMetrics} records them in a Micrometer {@code MeterRegistry}.
 * This interface uses no Micrometer type, so the gatherer runs without Micrometer on the class path.
 *
 * <p>Every method has an empty default, so an implementation overrides what it needs. The methods are called on
 * the gatherer's event-loop and timer threads, concurrently: they must be thread-safe, quick and non-blocking. An
 * exception thrown by one is logged and otherwise ignored; it never disturbs a gathering.
 *
 * <p>Server names are canonical URLs ({@code turn:turn.example.org:3478?transport=udp}), which cannot hold a user
 * name or a credential; there is one per configured URL, so their number is bounded by the configuration.
 */
public interface GathererMetrics {

    /** Return the metrics that record nothing: the gatherer's default. */
    static GathererMetrics none() {
        return NoMetrics.INSTANCE;
    }

    /**
     * Note that a gathering started: a subscription to {@link NettyIceGatherer#gather}, or a restart of a
     * session-style gathering (a new generation).
     */
    default void gatheringStarted() {
    }

    /**
     * Note that a gathering that {@link #gatheringStarted() started} finished.
     *
     * @param outcome  how it ended
     * @param duration from its start to its end (to the COMPLETE state for {@link GatheringOutcome#COMPLETE})
     */
    default void gatheringFinished(GatheringOutcome outcome, Duration duration) {
    }

    /**
     * Note a candidate the gatherer emitted.
     *
     * @param type     host, srflx, prflx or relay
     * @param protocol the candidate's transport protocol
     * @param server   the canonical URL of the server that gave it, or {@code null} for a host candidate
     */
    default void candidateGathered(IceCandidate.Type type, IceProtocol protocol, String server) {
    }

    /**
     * Note a candidate error the gatherer emitted.
     *
     * @param code   the error code: a STUN ERROR-CODE 300–699, or 701 (server not reachable)
     * @param server the canonical URL of the server the error is about
     */
    default void candidateError(int code, String server) {
    }

    /**
     * Note a STUN client transaction that ended (cancelled transactions are not reported).
     *
     * @param method    the lower-case STUN method: {@code binding}, {@code allocate}, {@code refresh} …
     * @param transport how the request went
     * @param outcome   how the transaction ended
     * @param duration  from the first send of the request to the response (the round-trip time, retransmissions
     *                  included), to the timeout, or to the close
     */
    default void transactionCompleted(String method, ServerTransport transport, TransactionOutcome outcome,
            Duration duration) {
    }

    /**
     * Note an authentication challenge of a TURN server that the client could not answer, so that the Allocate
     * ended with the challenge itself as its candidate error (e.g. {@code 401 Unauthorized}): a 401 or 438 without
     * REALM or NONCE (a server that is not a working TURN server), a NONCE announcing PASSWORD-ALGORITHMS without the
     * attribute, no algorithm the client knows, or credentials that cannot be prepared for the realm. The candidate
     * error cannot tell this from a wrong password (its text is the server's reason phrase, verbatim); this can. A
     * 401 that answers credentials the client sent (a wrong password) is not reported here.
     *
     * @param server the canonical URL of the server
     * @param code   the challenge's error code, 401 or 438
     * @param reason why it could not be answered, a phrase for people, e.g.
     *               {@code "cannot answer the 401 challenge: it has no REALM"}
     */
    default void challengeUnanswered(String server, int code, String reason) {
    }

    /**
     * Note an incoming packet that was dropped.
     *
     * @param reason why it was dropped
     */
    default void packetDropped(DropReason reason) {
    }

    /** How a gathering ended. */
    enum GatheringOutcome {
        /** It reached the COMPLETE gathering state. */
        COMPLETE,
        /** The subscriber cancelled it, or a restart replaced it, before it completed. */
        CANCELLED,
        /** The event stream failed before it completed. */
        ERROR;

        /** Return the lower-case tag value: {@code complete}, {@code cancelled} or {@code error}. */
        public String tagValue() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

}
