/**
 * Internal, not API. One gathering: host sockets, the Binding and Allocate work per (host socket × server URL),
 * candidates with their foundations and priorities, the 701 rules for what could not be reached, and the
 * accounting that feeds {@link io.iceflux.netty.GathererMetrics} (it is the transports'
 * {@link io.iceflux.netty.internal.transport.TransportListener}). Uses {@code turn}, {@code transport} and the codec.
 */
package io.iceflux.netty.internal.gather;
