package io.iceflux.examples.web;

import io.iceflux.netty.IceServerResolver;
import java.net.InetAddress;
import java.util.List;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Resolves host names with the JVM's resolver (the operating system's: {@code /etc/hosts}, then DNS), on Reactor's
 * bounded elastic threads because the lookup blocks. The resolver {@link AllowlistResolver} checks the answers of when
 * an allowlist is in force and the application was given no {@link IceServerResolver} bean of its own.
 */
final class SystemResolver implements IceServerResolver {

    @Override
    public Mono<List<InetAddress>> resolve(String host) {
        return Mono.fromCallable(() -> List.of(InetAddress.getAllByName(host))).subscribeOn(Schedulers.boundedElastic());
    }
}
