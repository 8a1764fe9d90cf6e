/**
 * The IceFlux gatherer on Netty: {@link io.iceflux.netty.NettyIceGatherer} and its builder, and what it reports
 * ({@link io.iceflux.netty.GathererMetrics}, {@link io.iceflux.netty.DroppedPackets}, {@link io.iceflux.netty.DropReason},
 * {@link io.iceflux.netty.TransactionOutcome}) or can be given ({@link io.iceflux.netty.IceServerResolver}). The STUN/TURN
 * codec is in {@code io.iceflux.netty.stun}, the Micrometer binding in {@code io.iceflux.netty.micrometer}; the
 * implementation is in {@code io.iceflux.netty.internal}, which is not API.
 */
package io.iceflux.netty;
