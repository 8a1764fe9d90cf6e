package io.iceflux.spring.boot;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import reactor.core.publisher.Mono;

/** The {@code iceflux} health indicator on Spring Boot 4.0 ({@code org.springframework.boot.health.contributor}). */
final class Boot4HealthIndicator implements ReactiveHealthIndicator {

    private final IceServersProbe probe;

    Boot4HealthIndicator(IceServersProbe probe) {
        this.probe = probe;
    }

    @Override
    public Mono<Health> health() {
        return Mono.fromSupplier(() -> {
            IceServersProbe.Report report = probe.current();
            return Health.status(report.status()).withDetails(report.details()).build();
        });
    }
}
