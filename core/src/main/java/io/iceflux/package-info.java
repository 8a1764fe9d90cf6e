/**
 * IceFlux core: the public model of ICE candidate gathering (servers and their URLs, candidates, candidate
 * errors with the W3C {@code icecandidateerror} semantics, gathering state) and the Reactor operators that
 * apply the specification's rules to a stream of {@link io.iceflux.IceEvent}s. Nothing here depends on Netty.
 */
package io.iceflux;
