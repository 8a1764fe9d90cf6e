package io.iceflux.spring.boot;

import io.iceflux.IceConfiguration;
import io.iceflux.IceGatherer;
import io.iceflux.netty.GathererMetrics;
import io.iceflux.netty.NettyIceGatherer;
import io.netty.channel.EventLoopGroup;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;

/**
 * Auto-configures one shared {@link NettyIceGatherer} (bean {@code iceGatherer}, unless the application defines an
 * {@link IceGatherer} of its own) and the {@link IceConfiguration} of the {@code iceflux.*} properties (bean
 * {@code iceConfiguration}, unless the application defines one).
 *
 * <p>The gatherer runs on the application's reactor-netty client loops when it has them and
 * {@code iceflux.event-loops} is {@code shared} (the default), else on loops of its own. It records into the
 * application's Micrometer registry when Micrometer is present ({@link IceFluxMeterBinder}), or into the application's
 * {@link GathererMetrics} bean. {@link IceGathererBuilderCustomizer} beans adjust its builder last. It is closed
 * with the context: on shared loops before those loops shut down.
 */
@AutoConfiguration
@EnableConfigurationProperties(IceFluxProperties.class)
public class IceFluxAutoConfiguration {

    /** Create the auto-configuration; Spring calls it. */
    public IceFluxAutoConfiguration() {
    }

    /** The gathering configuration of the {@code iceflux.*} properties: servers, timers, deadline, policy, interfaces. */
    @Bean
    @ConditionalOnMissingBean
    public IceConfiguration iceConfiguration(IceFluxProperties properties) {
        return properties.toConfiguration();
    }

    /**
     * The shared gatherer, on the application's reactor-netty loops when {@code iceflux.event-loops=shared} and the
     * application has them, else on {@code iceflux.threads} loops of its own; closed with the context.
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(IceGatherer.class)
    public NettyIceGatherer iceGatherer(IceFluxProperties properties, ObjectProvider<SharedEventLoops> sharedLoops,
            ObjectProvider<GathererMetrics> metrics, ObjectProvider<IceGathererBuilderCustomizer> customizers) {
        NettyIceGatherer.Builder builder = NettyIceGatherer.builder()
                .closeTimeout(properties.getCloseTimeout())
                .metrics(metrics.getIfUnique(GathererMetrics::none));
        SharedEventLoops shared = sharedLoops.getIfAvailable();
        EventLoopGroup group = properties.getEventLoops() == IceFluxProperties.EventLoops.SHARED && shared != null
                ? shared.clientLoops() : null;
        if (group == null) {
            builder.threads(properties.getThreads());
        } else {
            builder.eventLoopGroup(group);
        }
        customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
        NettyIceGatherer gatherer = builder.build();
        if (group == null) {
            return gatherer;
        }
        shared.closeOnStop(gatherer);
        return gatherer;
    }

    /** The application's reactor-netty loops, when reactor-netty and Spring's ReactorResourceFactory are present. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"org.springframework.http.client.ReactorResourceFactory",
            "reactor.netty.resources.LoopResources"})
    static class ReactorNettyLoopsConfiguration {

        @Bean
        SharedEventLoops icefluxSharedEventLoops(ObjectProvider<ReactorResourceFactory> factory) {
            return new SharedEventLoops(factory);
        }
    }

    /** Micrometer: the gatherer records into the registry the binder is bound to. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
    static class MetricsConfiguration {

        @Bean
        @ConditionalOnMissingBean
        IceFluxMeterBinder icefluxMeterBinder() {
            return new IceFluxMeterBinder();
        }
    }
}
