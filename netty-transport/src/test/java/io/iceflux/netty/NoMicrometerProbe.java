package io.iceflux.netty;

import io.iceflux.netty.fixtures.TestLoops;
import io.iceflux.HostInterfaces;
import io.iceflux.IceConfiguration;
import io.iceflux.IceEvent;
import io.iceflux.IceServer;
import io.iceflux.netty.fixtures.FakeStunServer.Reply;
import io.iceflux.netty.fixtures.FakeStunServer;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A gathering against a fake STUN server, run by {@link GathererWithoutMicrometerTest} inside a class loader that
 * refuses every Micrometer class. It returns only JDK types, so the caller can read them across class loaders.
 */
public final class NoMicrometerProbe {

    private NoMicrometerProbe() {
    }

    /**
     * Gather from a fake STUN server with a default gatherer and return what happened: the events as short strings
     * ({@code gathering}, {@code host}, {@code srflx}, {@code error 701}, {@code end}, {@code complete}), then
     * {@code dropped=<total>}.
     */
    public static List<String> gather() throws Exception {
        EventLoopGroup serverLoop = TestLoops.nio(1, "no-micrometer-server");
        try (FakeStunServer server = FakeStunServer.udp(serverLoop)
                .responder((request, from) -> List.of(Reply.of(FakeStunServer.success(request, from))));
                NettyIceGatherer gatherer = NettyIceGatherer.builder().threads(1).build()) {
            IceConfiguration config = IceConfiguration.builder()
                    .servers(List.of(IceServer.of("stun:127.0.0.1:" + server.address().getPort())))
                    .hostInterfaces(HostInterfaces.loopbackOnly().ipv4Only())
                    .build();
            List<IceEvent> events = gatherer.gather(config).collectList().block(Duration.ofSeconds(30));
            List<String> seen = new ArrayList<>();
            for (IceEvent event : events) {
                seen.add(describe(event));
            }
            seen.add("dropped=" + gatherer.droppedPackets().total());
            return seen;
        } finally {
            serverLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static String describe(IceEvent event) {
        if (event instanceof IceEvent.GatheringStateChanged state) {
            return state.state().name().toLowerCase(java.util.Locale.ROOT);
        }
        if (event instanceof IceEvent.CandidateGathered gathered) {
            return gathered.candidate().type().sdpName();
        }
        if (event instanceof IceEvent.CandidateError error) {
            return "error " + error.error().errorCode();
        }
        return "end";
    }
}
