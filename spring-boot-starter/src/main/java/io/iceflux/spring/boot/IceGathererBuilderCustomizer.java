package io.iceflux.spring.boot;

import io.iceflux.netty.NettyIceGatherer;

/**
 * Adjusts the auto-configured gatherer's {@link NettyIceGatherer.Builder} before it is built, the Spring Boot way
 * ({@code WebClientCustomizer}, {@code NettyServerCustomizer}): an application declares beans of this type to set what
 * the {@code iceflux.*} properties do not cover — a name-resolver of its own ({@code resolver(...)}), a trust manager
 * for its TURN servers' CA, a SOFTWARE attribute — and keeps everything else the starter does (shared event loops,
 * metrics, health, closing with the context). Customizers run in {@code @Order} order, after the properties were
 * applied, so they win over them.
 */
@FunctionalInterface
public interface IceGathererBuilderCustomizer {

    /**
     * Adjust {@code builder}.
     *
     * @param builder the builder of the shared gatherer, with the properties, metrics and event loops already set
     */
    void customize(NettyIceGatherer.Builder builder);
}
