package io.iceflux.spring.boot;

import io.iceflux.IceConfiguration;
import io.iceflux.IceGatherer;
import java.time.Clock;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.scheduler.Schedulers;

/**
 * Auto-configures the {@code iceflux} reactive health indicator (bean {@code icefluxHealthIndicator}) when Spring Boot's
 * health API is present: Boot 3.5's ({@code spring-boot-actuator}) or Boot 4.0's ({@code spring-boot-health}), one
 * configuration class each. It probes the servers of the {@link IceConfiguration} bean every
 * {@code iceflux.health.interval} (60 s by default), the first time when the context starts, and reports the last
 * result at once. Off with {@code management.health.iceflux.enabled=false}.
 */
@AutoConfiguration(after = IceFluxAutoConfiguration.class)
@ConditionalOnProperty(prefix = "management.health.iceflux", name = "enabled", matchIfMissing = true)
public class IceFluxHealthAutoConfiguration {

    /** Create the auto-configuration; Spring calls it. */
    public IceFluxHealthAutoConfiguration() {
    }

    static IceServersProbe probe(IceGatherer gatherer, IceConfiguration configuration, IceFluxProperties properties) {
        return new IceServersProbe(gatherer, configuration, properties.getHealth().getInterval(),
                Schedulers.parallel(), Clock.systemUTC());
    }

    /** Spring Boot 3.5: {@code org.springframework.boot.actuate.health}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.health.ReactiveHealthIndicator")
    @ConditionalOnBean({IceGatherer.class, IceConfiguration.class})
    static class Boot3 {

        @Bean
        @ConditionalOnMissingBean(name = "icefluxServersProbe")
        IceServersProbe icefluxServersProbe(IceGatherer gatherer, IceConfiguration configuration,
                IceFluxProperties properties) {
            return probe(gatherer, configuration, properties);
        }

        @Bean
        @ConditionalOnMissingBean(name = "icefluxHealthIndicator")
        Boot3HealthIndicator icefluxHealthIndicator(IceServersProbe icefluxServersProbe) {
            return new Boot3HealthIndicator(icefluxServersProbe);
        }
    }

    /** Spring Boot 4.0: {@code org.springframework.boot.health.contributor}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.ReactiveHealthIndicator")
    @ConditionalOnBean({IceGatherer.class, IceConfiguration.class})
    static class Boot4 {

        @Bean
        @ConditionalOnMissingBean(name = "icefluxServersProbe")
        IceServersProbe icefluxServersProbe(IceGatherer gatherer, IceConfiguration configuration,
                IceFluxProperties properties) {
            return probe(gatherer, configuration, properties);
        }

        @Bean
        @ConditionalOnMissingBean(name = "icefluxHealthIndicator")
        Boot4HealthIndicator icefluxHealthIndicator(IceServersProbe icefluxServersProbe) {
            return new Boot4HealthIndicator(icefluxServersProbe);
        }
    }
}
