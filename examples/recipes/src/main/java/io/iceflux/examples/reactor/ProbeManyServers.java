package io.iceflux.examples.reactor;

import io.iceflux.HostInterfaces;
import io.iceflux.IceCandidate;
import io.iceflux.IceCandidateError;
import io.iceflux.IceConfiguration;
import io.iceflux.IceEvent;
import io.iceflux.IceGatherer;
import io.iceflux.IceServer;
import io.iceflux.IceServerUrl;
import io.iceflux.netty.NettyIceGatherer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import reactor.core.publisher.Flux;

/**
 * Probe many STUN/TURN servers, one gathering per server, with at most {@code maxConcurrency} gatherings at once.
 *
 * <pre>{@code
 * Flux.fromIterable(servers)
 *     .flatMap(s -> gatherer.gather(configFor(s)).collectList().map(events -> summary(s, events)), maxConcurrency)
 * }</pre>
 *
 * Run it with {@code [-u USERNAME] [-p PASSWORD] URL...}; it prints one line per server.
 */
public final class ProbeManyServers {

    private ProbeManyServers() {
    }

    /**
     * What one server gave.
     *
     * @param url    the server URL
     * @param ok     whether the server gave the candidate its URL promises: server-reflexive for {@code stun:},
     *               relayed for {@code turn:}/{@code turns:}, no error for {@code stuns:} (a TLS mapping gives no
     *               candidate)
     * @param errors every candidate error of this URL, in the order they came
     */
    public record ServerResult(String url, boolean ok, List<IceCandidateError> errors) {

        /**
         * Create a result; the errors are copied.
         *
         * @throws NullPointerException for a {@code null} url or errors list or a {@code null} error
         */
        public ServerResult {
            Objects.requireNonNull(url, "url");
            errors = List.copyOf(errors);
        }
    }

    /**
     * Probe every server of {@code servers} (each of a single URL) in a gathering of its own, running at most
     * {@code maxConcurrency} gatherings at once. Every gathering uses {@code base} with only that server.
     *
     * @param gatherer       the gatherer
     * @param servers        the servers, each with exactly one URL
     * @param base           the timers, policy, host interfaces and deadline of every gathering
     * @param maxConcurrency the most gatherings that run at once
     * @return one result per server, in the order the gatherings finish
     * @throws IllegalArgumentException for {@code maxConcurrency < 1} or a server with more than one URL
     * @throws NullPointerException     for a {@code null} argument
     */
    public static Flux<ServerResult> probe(IceGatherer gatherer, List<IceServer> servers, IceConfiguration base,
                                           int maxConcurrency) {
        Objects.requireNonNull(gatherer, "gatherer");
        Objects.requireNonNull(base, "base");
        if (maxConcurrency < 1) {
            throw new IllegalArgumentException("maxConcurrency must be at least 1, not " + maxConcurrency);
        }
        for (IceServer server : List.copyOf(servers)) {
            if (server.urls().size() != 1) {
                throw new IllegalArgumentException("each server must have exactly one URL, not " + server.urls());
            }
        }
        return Flux.fromIterable(List.copyOf(servers))
                .flatMap(server -> gatherer.gather(base.toBuilder().servers(List.of(server)).build())
                        .collectList()
                        .map(events -> summary(server.urls().get(0), events)), maxConcurrency);
    }

    /**
     * The result for one server URL, from the events of its gathering: whether the candidate its URL promises came
     * (see {@link ServerResult#ok()}), and every error of that URL.
     *
     * @param url    the server URL, as configured
     * @param events the events of the gathering
     * @return the result for {@code url}
     * @throws io.iceflux.InvalidIceServerException for an invalid URL
     * @throws NullPointerException for a {@code null} argument or event
     */
    public static ServerResult summary(String url, List<IceEvent> events) {
        IceServerUrl.Scheme scheme = IceServerUrl.parse(url).scheme();
        IceCandidate.Type promised = scheme.isTurn() ? IceCandidate.Type.RELAY : IceCandidate.Type.SRFLX;
        List<IceCandidateError> errors = events.stream()
                .filter(IceEvent.CandidateError.class::isInstance)
                .map(e -> ((IceEvent.CandidateError) e).error())
                .filter(error -> url.equals(error.url()))
                .toList();
        boolean ok = !scheme.isTurn() && scheme.isSecure() ? errors.isEmpty() : events.stream()
                .filter(IceEvent.CandidateGathered.class::isInstance)
                .map(e -> ((IceEvent.CandidateGathered) e).candidate())
                .anyMatch(c -> c.type() == promised && url.equals(c.url()));
        return new ServerResult(url, ok, errors);
    }

    /**
     * Probe the servers of the command line four at a time and print one line per server.
     *
     * @param args {@code [-u USERNAME] [-p PASSWORD] URL...}; no URL or a bad URL ends with an exception naming it
     */
    public static void main(String[] args) {
        CommandLineServers command = CommandLineServers.parse(args);
        IceConfiguration base = IceConfiguration.builder()
                .hostInterfaces(HostInterfaces.defaults())
                .gatheringDeadline(Duration.ofSeconds(10))
                .build();
        try (NettyIceGatherer gatherer = NettyIceGatherer.create()) {
            probe(gatherer, command.servers(), base, 4)
                    .doOnNext(result -> System.out.println((result.ok() ? "OK   " : "FAIL ") + result.url()
                            + (result.errors().isEmpty() ? "" : "  errors: " + result.errors())))
                    .blockLast();
        }
    }
}
