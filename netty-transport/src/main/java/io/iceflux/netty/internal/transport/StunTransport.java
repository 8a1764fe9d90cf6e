package io.iceflux.netty.internal.transport;

import io.iceflux.ServerTransport;
import io.iceflux.StunTimers;
import io.iceflux.netty.DropReason;
import io.iceflux.netty.stun.StunEncodeOptions;
import io.iceflux.netty.stun.StunMessage;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import reactor.core.publisher.Mono;

/**
 * Sends STUN requests over one local socket and matches their responses: a UDP socket bound to a host address
 * (any destination), or a TCP or TLS connection to one server.
 */
public interface StunTransport {

    /**
     * The largest STUN message (or stream frame) a transport takes in, 4,096 bytes: a UDP socket reads datagrams
     * into buffers of this size (a longer datagram is cut by the kernel, fails to decode and is dropped), and a
     * TCP/TLS connection whose next frame announces more is closed before any of its body is buffered. STUN
     * responses are far smaller (RFC 8489 §6.1 keeps them under the path MTU); the gatherer binds no channel, so
     * no ChannelData is expected at all.
     */
    int MAX_INBOUND_MESSAGE_LENGTH = 4096;

    /** The local address and port requests leave from. */
    InetSocketAddress localAddress();

    /** How this transport talks to its server(s): UDP, TCP or TLS. */
    ServerTransport transport();

    /**
     * The event loop of this transport's channel, as an {@link Executor}: it runs tasks one at a time, in the order
     * they were submitted, never two at once, and the {@code Mono}s of {@link #request} signal on it. Whoever keeps
     * state about exchanges on this transport (the TURN client) confines that state to this executor and hops onto
     * it from other threads (timers, cancellations) instead of locking. A task submitted from the event loop itself
     * runs after the current one. Once the event loop has shut down, {@code execute} throws
     * {@link java.util.concurrent.RejectedExecutionException}.
     */
    Executor executor();

    /**
     * Send a request and complete with its response.
     *
     * <p>The response is the first success or error response that has the request's transaction id and method,
     * comes from {@code destination} (over TCP/TLS the connection already is to one server) and, when
     * {@code responseKey} is not {@code null}, passes the integrity check (a valid MESSAGE-INTEGRITY-SHA256 if
     * present, else a valid MESSAGE-INTEGRITY); 401 and 438 error responses are accepted without integrity because
     * they carry a new NONCE (RFC 8489 §9.2.5). Anything else that arrives is dropped silently and reported, with its
     * {@link DropReason}, to the {@link TransportListener} of the factory that opened the transport.
     *
     * <p>Over UDP the request is retransmitted as {@code timers} say and the {@code Mono} fails with
     * {@link StunTransportException.Timeout} after {@link StunTimers#udpTimeout()}; over TCP/TLS it is sent once
     * and fails after {@link StunTimers#reliableTimeout()}. If the transport closes or the connection is reset,
     * the {@code Mono} fails with {@link StunTransportException.Closed}.
     *
     * <p>Lazy: nothing is sent before subscription. Cancelling stops the retransmissions and forgets the
     * transaction. Timers run on the transport's {@link reactor.core.scheduler.Scheduler}. The {@code Mono}
     * signals on the transport's event loop.
     *
     * @param request     the request (its transaction id identifies the response)
     * @param options     how to sign it (MESSAGE-INTEGRITY, FINGERPRINT …)
     * @param destination where to send it (UDP), or the connected server (TCP/TLS)
     * @param responseKey the key the response's integrity is checked with, or {@code null} for none
     * @param timers      the retransmission timers
     * @return the response, success or error class
     */
    Mono<StunMessage> request(StunMessage request, StunEncodeOptions options, InetSocketAddress destination,
            byte[] responseKey, StunTimers timers);

    /** Whether the socket is still open. */
    boolean isOpen();

    /**
     * Close the socket; pending requests fail with {@link StunTransportException.Closed}. Idempotent. Closing starts
     * when this method is called, even if the returned {@code Mono} is never subscribed; the {@code Mono} completes
     * once the socket is closed.
     */
    Mono<Void> close();

    /**
     * Hand every incoming packet that no transaction takes, a STUN indication or a packet that is not STUN at all
     * (ChannelData, a peer's data), to {@code handler} before it is dropped; {@code null} removes the handler. Used
     * by the TURN relay check, which receives Data indications and a peer's datagrams on its own sockets. The
     * default transport takes no handler.
     *
     * @throws UnsupportedOperationException if this transport cannot receive anything but responses
     */
    default void unsolicited(UnsolicitedHandler handler) {
        throw new UnsupportedOperationException(this + " takes no handler of unsolicited packets");
    }

    /**
     * Write {@code packet} as it is, outside any transaction (a STUN indication, a datagram to a peer): as one
     * datagram to {@code destination} over UDP, on the connection over TCP/TLS (where {@code destination} is
     * ignored). Fire and forget, like UDP: a write that fails is not reported. Takes ownership of {@code packet},
     * which is released once written or if it cannot be.
     *
     * @throws UnsupportedOperationException if this transport cannot send anything but requests (the packet is
     *     released first)
     */
    default void send(ByteBuf packet, InetSocketAddress destination) {
        packet.release();
        throw new UnsupportedOperationException(this + " sends requests only");
    }

    /**
     * Takes the packets no transaction took. Called on the transport's event loop; the buffer is the transport's
     * and valid only during the call (copy what is kept). Must be quick and must not throw (what it throws is
     * ignored and the packet dropped).
     */
    @FunctionalInterface
    interface UnsolicitedHandler {
        /**
         * Look at one packet.
         *
         * @param frame      the packet's bytes
         * @param indication the decoded STUN indication, or {@code null} when the packet is not STUN
         * @param sender     where the datagram came from, or {@code null} on a stream
         * @return whether the packet was taken; one not taken is dropped and counted as before
         */
        boolean take(ByteBuf frame, StunMessage indication, InetSocketAddress sender);
    }
}
