package io.iceflux.examples.reactor;

import io.iceflux.HostInterfaces;
import io.iceflux.IceConfiguration;
import io.iceflux.IceEvent;
import io.iceflux.IceGatherer;
import io.iceflux.IceServer;
import io.iceflux.netty.NettyIceGatherer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import reactor.core.publisher.Flux;

/**
 * Run several gatherings at once and merge their events into one stream, each tagged with the name of the
 * gathering it belongs to; the stream completes when every gathering has completed.
 *
 * <pre>{@code
 * Flux.merge(gatherings.entrySet().stream()
 *     .map(g -> gatherer.gather(g.getValue()).map(e -> new Tagged(g.getKey(), e)))
 *     .toList())
 * }</pre>
 *
 * Run it with {@code [-u USERNAME] [-p PASSWORD] URL...}; each URL is a gathering of its own, named by the URL.
 */
public final class MergeGatherings {

    private MergeGatherings() {
    }

    /**
     * One event of the gathering called {@code name}.
     *
     * @param name  the name of the gathering
     * @param event the event
     */
    public record Tagged(String name, IceEvent event) {

        /**
         * Tag an event.
         *
         * @throws NullPointerException for a {@code null} name or event
         */
        public Tagged {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(event, "event");
        }
    }

    /**
     * Gather every configuration of {@code gatherings} at once and merge the events, each tagged with its
     * gathering's name; each gathering's events keep their order.
     *
     * @param gatherer   the gatherer
     * @param gatherings configuration by gathering name; copied in its iteration order
     * @return the tagged events, completing when every gathering has completed
     * @throws IllegalArgumentException for no gathering
     * @throws NullPointerException     for a {@code null} argument, name or configuration
     */
    public static Flux<Tagged> merge(IceGatherer gatherer, Map<String, IceConfiguration> gatherings) {
        Objects.requireNonNull(gatherer, "gatherer");
        Map<String, IceConfiguration> copy = new LinkedHashMap<>();
        gatherings.forEach((name, configuration) -> copy.put(Objects.requireNonNull(name, "gathering name"),
                Objects.requireNonNull(configuration, "configuration of gathering " + name)));
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("gatherings must name at least one gathering");
        }
        return Flux.merge(copy.entrySet().stream()
                .map(g -> gatherer.gather(g.getValue()).map(event -> new Tagged(g.getKey(), event)))
                .toList());
    }

    /**
     * Gather once per URL of the command line, all at once, and print every event tagged with its URL.
     *
     * @param args {@code [-u USERNAME] [-p PASSWORD] URL...}; no URL or a bad URL ends with an exception naming it
     */
    public static void main(String[] args) {
        CommandLineServers command = CommandLineServers.parse(args);
        Map<String, IceConfiguration> gatherings = new LinkedHashMap<>();
        List<IceServer> servers = command.servers();
        for (int i = 0; i < servers.size(); i++) {
            gatherings.put(command.urls().get(i), IceConfiguration.builder()
                    .server(servers.get(i))
                    .hostInterfaces(HostInterfaces.defaults())
                    .gatheringDeadline(Duration.ofSeconds(10))
                    .build());
        }
        try (NettyIceGatherer gatherer = NettyIceGatherer.create()) {
            merge(gatherer, gatherings)
                    .doOnNext(tagged -> System.out.println(tagged.name() + "  " + tagged.event()))
                    .blockLast();
        }
    }
}
