package io.iceflux.examples.reactor;

import io.iceflux.HostInterfaces;
import io.iceflux.IceCandidateError;
import io.iceflux.IceConfiguration;
import io.iceflux.IceEvent;
import io.iceflux.IceGatherer;
import io.iceflux.netty.NettyIceGatherer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Gather, and while a server URL gave a 701 (not reachable), gather again with exponential backoff until a
 * gathering has no 701 or the retries run out.
 *
 * <pre>{@code
 * Mono.defer(() -> gatherer.gather(config).collectList().flatMap(events -> has701(events)
 *         ? Mono.error(new ServerNotReachableException(errors701(events)))
 *         : Mono.just(events)))
 *     .retryWhen(Retry.backoff(maxRetries, firstBackoff)
 *         .filter(ServerNotReachableException.class::isInstance)
 *         .onRetryExhaustedThrow((spec, signal) -> signal.failure()))
 * }</pre>
 *
 * Run it with {@code [-u USERNAME] [-p PASSWORD] URL...}; it prints the events of the gathering that succeeded,
 * or the 701 errors of the last attempt.
 */
public final class RetryOn701 {

    private RetryOn701() {
    }

    /** A gathering in which at least one server URL was not reachable (error 701); the errors are those 701s. */
    public static final class ServerNotReachableException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        /** The 701 errors; a list of records, serializable as an immutable list copy. */
        private final transient List<IceCandidateError> errors;

        /**
         * Create the exception for the 701 errors of one gathering.
         *
         * @throws IllegalArgumentException for no error or an error that is not a 701
         * @throws NullPointerException     for a {@code null} list or error
         */
        public ServerNotReachableException(List<IceCandidateError> errors) {
            super(message(errors));
            this.errors = List.copyOf(errors);
        }

        private static String message(List<IceCandidateError> errors) {
            if (errors.isEmpty()) {
                throw new IllegalArgumentException("errors must hold at least one 701 error");
            }
            for (IceCandidateError error : errors) {
                if (!error.isServerNotReachable()) {
                    throw new IllegalArgumentException("errors must all be 701, not " + error);
                }
            }
            return "server not reachable (701): "
                    + String.join(", ", errors.stream().map(IceCandidateError::url).distinct().toList());
        }

        /** The 701 errors of the gathering, in the order they came. */
        public List<IceCandidateError> errors() {
            return errors;
        }
    }

    /**
     * Gather with {@code configuration}; when the gathering reported a 701, fail it with a
     * {@link ServerNotReachableException} and gather again after an exponential backoff starting at
     * {@code firstBackoff} (with Reactor's default jitter), at most {@code maxRetries} times.
     *
     * @param gatherer     the gatherer
     * @param configuration the servers, timers and policy of every attempt
     * @param maxRetries   how many times to gather again after the first attempt (0: no retry)
     * @param firstBackoff the delay before the first retry; it doubles for each further retry
     * @return the events of the first gathering without a 701; a {@link ServerNotReachableException} with the
     *         701 errors of the last attempt when every attempt had one
     * @throws IllegalArgumentException for a negative {@code maxRetries} or a negative {@code firstBackoff}
     * @throws NullPointerException     for a {@code null} argument
     */
    public static Mono<List<IceEvent>> gather(IceGatherer gatherer, IceConfiguration configuration, long maxRetries,
                                              Duration firstBackoff) {
        Objects.requireNonNull(gatherer, "gatherer");
        Objects.requireNonNull(configuration, "configuration");
        Objects.requireNonNull(firstBackoff, "firstBackoff");
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be at least 0, not " + maxRetries);
        }
        if (firstBackoff.isNegative()) {
            throw new IllegalArgumentException("firstBackoff must not be negative, not " + firstBackoff);
        }
        return Mono.defer(() -> gatherer.gather(configuration).collectList()
                        .flatMap(ev -> has701(ev) ? Mono.error(new ServerNotReachableException(errors701(ev)))
                                : Mono.just(ev)))
                .retryWhen(Retry.backoff(maxRetries, firstBackoff)
                        .filter(ServerNotReachableException.class::isInstance)
                        .onRetryExhaustedThrow((spec, signal) -> signal.failure()));
    }

    /**
     * Whether a gathering reported a 701 (a server URL not reachable).
     *
     * @param events the events of the gathering
     * @return whether at least one event is a candidate error with code 701
     * @throws NullPointerException for a {@code null} list or event
     */
    public static boolean has701(List<IceEvent> events) {
        return !errors701(events).isEmpty();
    }

    /**
     * The 701 errors (server URL not reachable) of a gathering.
     *
     * @param events the events of the gathering
     * @return its 701 errors, in the order they came; empty when there is none
     * @throws NullPointerException for a {@code null} list or event
     */
    public static List<IceCandidateError> errors701(List<IceEvent> events) {
        return events.stream()
                .filter(IceEvent.CandidateError.class::isInstance)
                .map(e -> ((IceEvent.CandidateError) e).error())
                .filter(IceCandidateError::isServerNotReachable)
                .toList();
    }

    /**
     * Gather with the servers of the command line, retrying up to 3 times from 1 s while a URL gave a 701.
     *
     * @param args {@code [-u USERNAME] [-p PASSWORD] URL...}; no URL or a bad URL ends with an exception naming it
     */
    public static void main(String[] args) {
        CommandLineServers command = CommandLineServers.parse(args);
        IceConfiguration configuration = IceConfiguration.builder()
                .servers(command.servers())
                .hostInterfaces(HostInterfaces.defaults())
                .gatheringDeadline(Duration.ofSeconds(10))
                .build();
        try (NettyIceGatherer gatherer = NettyIceGatherer.create()) {
            gather(gatherer, configuration, 3, Duration.ofSeconds(1))
                    .doOnNext(events -> events.forEach(System.out::println))
                    .onErrorResume(ServerNotReachableException.class, e -> {
                        System.out.println("gave up: " + e.getMessage());
                        e.errors().forEach(System.out::println);
                        return Mono.empty();
                    })
                    .block();
        }
    }
}
