/**
 * The IceFlux Spring Boot starter (Spring Boot 3.5 and 4.0): {@link io.iceflux.spring.boot.IceFluxAutoConfiguration}
 * (a shared {@code NettyIceGatherer} on the application's reactor-netty loops, the {@code IceConfiguration} of the
 * {@link io.iceflux.spring.boot.IceFluxProperties iceflux.* properties}, a Micrometer
 * {@link io.iceflux.spring.boot.IceFluxMeterBinder}) and {@link io.iceflux.spring.boot.IceFluxHealthAutoConfiguration}
 * (the {@code iceflux} health indicator, probing every configured server URL on a schedule).
 */
package io.iceflux.spring.boot;
