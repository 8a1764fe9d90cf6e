package io.iceflux.spring.boot;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.ReactiveHealthIndicator;
import reactor.core.publisher.Mono;

/** The {@code iceflux} health indicator on Spring Boot 3.5 ({@code org.springframework.boot.actuate.health}). */
final class Boot3HealthIndicator implements ReactiveHealthIndicator {

    private final IceServersProbe probe;

    Boot3HealthIndicator(IceServersProbe probe) {
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
