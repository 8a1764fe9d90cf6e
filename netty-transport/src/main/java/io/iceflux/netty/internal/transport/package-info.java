/**
 * Internal, not API. Sockets, connections and STUN client transactions: UDP sockets on host addresses, TCP and TLS
 * connections to servers, non-blocking DNS, retransmission timers, response matching, and the sentences that say
 * why a server could not be reached ({@link io.iceflux.netty.internal.transport.FailureTexts}). Knows nothing of
 * gatherings or TURN: what it reports goes to a {@link io.iceflux.netty.internal.transport.TransportListener}. Uses
 * only the codec ({@code io.iceflux.netty.stun}), core's vocabulary and the leaf types {@code DropReason},
 * {@code TransactionOutcome} and {@code IceServerResolver} of {@code io.iceflux.netty}.
 */
package io.iceflux.netty.internal.transport;
