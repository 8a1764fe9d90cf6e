/**
 * The implementation of {@link io.iceflux.netty.NettyIceGatherer}: not API. Types here are public only so that
 * the layers below can be used by the layers above; they change without notice and no user code should import
 * them. Layers, each using only those below it: {@code gather} (one gathering) → {@code turn} (TURN allocations)
 * → {@code transport} (sockets, connections, STUN transactions) → {@link io.iceflux.netty.stun} (the codec).
 */
package io.iceflux.netty.internal;
