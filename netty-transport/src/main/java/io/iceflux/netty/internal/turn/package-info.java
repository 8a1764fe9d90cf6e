/**
 * Internal, not API. TURN allocations with long-term credentials (RFC 8656, RFC 8489 §9.2): the client, the
 * allocation, its refreshes and deletion, and the {@link io.iceflux.netty.internal.turn.RelayAllocator} the gathering
 * asks for relays. Uses the {@code transport} layer and the codec, never the {@code gather} layer.
 */
package io.iceflux.netty.internal.turn;
