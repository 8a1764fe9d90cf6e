package io.iceflux.netty.internal.gather;

import io.iceflux.IceConfiguration;
import io.iceflux.IceServer;
import io.iceflux.IceServerUrl;
import io.iceflux.RelayCheck;
import io.iceflux.RelayCheckOptions;
import io.iceflux.ServerTransport;
import io.iceflux.netty.internal.transport.FailureTexts;
import io.iceflux.netty.internal.transport.FailureTexts.Request;
import io.iceflux.netty.internal.transport.StunTransport;
import io.iceflux.netty.internal.turn.RelayDataCheck;
import io.iceflux.netty.internal.turn.TurnRequest;
import io.iceflux.netty.stun.StunCredentials;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * The relay data-path checks of a configuration ({@code NettyIceGatherer.checkRelays}): one
 * {@link RelayDataCheck} per distinct TURN server, that is per ({@linkplain IceServerUrl#canonical() canonical
 * URL}, credentials), reported under the first spelling configured with those credentials, in configuration order.
 * Each check opens two transports of the URL's kind (UDP sockets, or TCP/TLS connections, then also a UDP socket
 * for the second path) on the first local address of the server's family, and releases what it holds (allocations deleted, then transports closed) whatever the
 * outcome, recorded on the gatherer's {@link Cleanups} so that closing the gatherer waits for it.
 */
public final class RelayChecks {

    private static final Logger log = Loggers.getLogger(RelayChecks.class);

    private final GathererContext context;
    private final String software;

    /** The checks of one gatherer: its transports, resolver, scheduler and clean-ups, and its SOFTWARE text. */
    public RelayChecks(GathererContext context, String software) {
        this.context = Objects.requireNonNull(context, "context");
        this.software = software;
    }

    /** One check per distinct TURN server of {@code config}, in configuration order; never fails. Lazy. */
    public Flux<RelayCheck> run(IceConfiguration config, RelayCheckOptions options) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(options, "options");
        return Flux.defer(() -> {
            IceConfiguration fresh = config.withFreshCredentials();
            return Flux.fromIterable(targets(fresh))
                    .flatMapSequential(target -> check(fresh, target, options)
                            .onErrorResume(e -> !(e instanceof Error), e -> {
                                log.warn("The relay check of {} failed unexpectedly", target.url(), e);
                                return Mono.just(RelayCheck.failed(target.url().url(),
                                        "the check failed unexpectedly: " + FailureTexts.describe(e)));
                            }));
        });
    }

    /** A TURN URL as first configured with one set of credentials, and its entry. */
    private record Target(IceServerUrl url, IceServer server) {
    }

    private static List<Target> targets(IceConfiguration config) {
        Map<List<Object>, Target> targets = new LinkedHashMap<>();
        for (IceServer server : config.servers()) {
            for (IceServerUrl url : server.parsedUrls()) {
                if (url.scheme().isTurn()) {
                    targets.putIfAbsent(List.of(url.canonical(), server.username(), server.credential()),
                            new Target(url, server));
                }
            }
        }
        return List.copyOf(targets.values());
    }

    private Mono<RelayCheck> check(IceConfiguration config, Target target, RelayCheckOptions options) {
        IceServerUrl url = target.url();
        return resolve(url)
                .onErrorResume(e -> !(e instanceof Error), e -> Mono.just(List.of()))
                .flatMap(addresses -> {
                    if (addresses.isEmpty()) {
                        return Mono.just(RelayCheck.failed(url.url(), "TURN allocation failed: 701 "
                                + FailureTexts.lookupFailed(Request.TURN_ALLOCATE)));
                    }
                    InetSocketAddress[] pair = localAndServer(config, addresses);
                    if (pair == null) {
                        return Mono.just(RelayCheck.failed(url.url(), "TURN allocation failed: 701 "
                                + FailureTexts.incompatibleAddress(Request.TURN_ALLOCATE)));
                    }
                    return checkFrom(config, target, options, pair[0].getAddress(),
                            new InetSocketAddress(pair[1].getAddress(), url.port()));
                });
    }

    private Mono<RelayCheck> checkFrom(IceConfiguration config, Target target, RelayCheckOptions options,
            InetAddress local, InetSocketAddress server) {
        IceServerUrl url = target.url();
        return Mono.usingWhen(Mono.fromSupplier(Gathering.Resources::new),
                resources -> Mono.zip(open(url, local, server, resources), open(url, local, server, resources),
                                url.transport() == ServerTransport.UDP ? Mono.just(Optional.<StunTransport>empty())
                                        : context.transports().openUdp(local).doOnNext(resources::own)
                                                .map(Optional::of))
                        .map(all -> new RelayDataCheck(url.url(), request(config, target, all.getT1(), server),
                                request(config, target, all.getT2(), server), options, all.getT3().orElse(null)))
                        .flatMap(check -> check.run(resources.relays))
                        .onErrorResume(e -> !(e instanceof Error), e -> Mono.just(RelayCheck.failed(url.url(),
                                "TURN allocation failed: 701 " + FailureTexts.describe(e))))
                        .timeout(options.deadline(), Mono.fromSupplier(() ->
                                RelayCheck.failed(url.url(), "the relay check's deadline of "
                                        + options.deadline().toMillis() + " ms passed before it finished")),
                                context.scheduler()),
                resources -> context.cleanups().track(resources.release()),
                (resources, error) -> context.cleanups().track(resources.release()),
                resources -> context.cleanups().track(resources.release()));
    }

    private Mono<StunTransport> open(IceServerUrl url, InetAddress local, InetSocketAddress server,
            Gathering.Resources resources) {
        Mono<StunTransport> opening = url.transport() == ServerTransport.UDP
                ? context.transports().openUdp(local)
                : context.transports().openStream(local, server, url.scheme().isSecure() ? url.host() : null);
        return opening.doOnNext(resources::own);
    }

    private TurnRequest request(IceConfiguration config, Target target, StunTransport transport,
            InetSocketAddress server) {
        IceServer entry = target.server();
        StunCredentials credentials = StunCredentials.of(entry.username().orElseThrow(),
                entry.credential().orElseThrow());
        return new TurnRequest(transport, true, server, target.url().host(), target.url().transport(), credentials,
                null, software, config.timersFor(entry), context.transports(), context.scheduler());
    }

    private Mono<List<InetAddress>> resolve(IceServerUrl url) {
        if (url.hostType() != IceServerUrl.HostType.DNS_NAME) {
            return Mono.fromCallable(() -> List.of(InetAddress.getByName(url.host())));
        }
        return context.resolver().resolve(url.host());
    }

    /** The first local address (of the configuration's host interfaces) of a server address's family, and that. */
    private static InetSocketAddress[] localAndServer(IceConfiguration config, List<InetAddress> serverAddresses) {
        List<InetAddress> locals;
        try {
            locals = HostAddresses.recent(config.hostInterfaces());
        } catch (SocketException e) {
            log.warn("Could not list the network interfaces: {}", e.toString());
            return null;
        }
        for (InetAddress local : locals) {
            for (InetAddress server : serverAddresses) {
                if ((local instanceof Inet6Address) == (server instanceof Inet6Address)) {
                    return new InetSocketAddress[] {new InetSocketAddress(local, 0),
                            new InetSocketAddress(server, 0)};
                }
            }
        }
        return null;
    }
}
