package io.iceflux.netty.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iceflux.HostInterfaces;
import io.iceflux.IceCandidate;
import io.iceflux.IceConfiguration;
import io.iceflux.IceEvent;
import io.iceflux.IceLimitExceededException;
import io.iceflux.IceServer;
import io.iceflux.IceServerSyntaxException;
import io.iceflux.InvalidIceServerException;
import io.iceflux.StunTimers;
import io.iceflux.netty.NettyIceGatherer;
import io.iceflux.netty.fixtures.FakeStunServer;
import io.iceflux.netty.fixtures.FakeStunServer.Reply;
import io.iceflux.netty.fixtures.TestLoops;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The configuration limits that bound a gathering's memory, each at the limit and one past it: servers per
 * configuration ({@link IceConfiguration#MAX_SERVERS}, at least the W3C's 32), URLs per server
 * ({@link IceServer#MAX_URLS}) and URLs per configuration ({@link IceConfiguration#MAX_URLS}); and a gathering
 * with the most servers really runs.
 */
class MemoryLimitsTest {

    @RegisterExtension
    static final TestLoops LOOPS = TestLoops.serverOnly();

    static List<IceServer> stunServers(int count) {
        return IntStream.range(0, count).mapToObj(i -> IceServer.of("stun:192.0.2.1:" + (3478 + i))).toList();
    }

    static List<String> urls(int count) {
        return IntStream.range(0, count).mapToObj(i -> "stun:192.0.2.1:" + (3478 + i)).toList();
    }

    @Test
    void thirtyTwoAndSixtyFourServersAreAccepted() {
        assertThat(IceConfiguration.builder().servers(stunServers(32)).build().servers()).hasSize(32);
        assertThat(IceConfiguration.MAX_SERVERS).isEqualTo(64);
        assertThat(IceConfiguration.builder().servers(stunServers(64)).build().servers()).hasSize(64);
    }

    @Test
    void sixtyFiveServersAreRejectedNamingTheLimit() {
        IceConfiguration.Builder builder = IceConfiguration.builder().servers(stunServers(65));

        assertThatThrownBy(builder::build)
                .isInstanceOfSatisfying(IceLimitExceededException.class, e -> {
                    assertThat(e.limit()).isEqualTo(IceLimitExceededException.Limit.SERVERS_PER_CONFIGURATION);
                    assertThat(e.maximum()).isEqualTo(64);
                    assertThat(e.actual()).isEqualTo(65);
                })
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a configuration takes at most 64 ICE servers, not 65");
    }

    @Test
    void aServerTakesThirtyTwoUrlsAndNotOneMore() {
        assertThat(IceServer.MAX_URLS).isEqualTo(32);
        assertThat(IceServer.of(urls(32), null, null).urls()).hasSize(32);

        assertThatThrownBy(() -> IceServer.of(urls(33), null, null))
                .isInstanceOfSatisfying(IceServerSyntaxException.class, e -> {
                    assertThat(e.part()).isEqualTo(InvalidIceServerException.Part.URLS);
                    assertThat(e.url()).isNull();
                })
                .hasMessage("invalid ICE server: 33 URLs, more than the limit of 32 (IceServer.MAX_URLS)");
    }

    @Test
    void aConfigurationTakes256UrlsInAllAndNotOneMore() {
        List<IceServer> servers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            servers.add(IceServer.of(urls(32), null, null));
        }
        assertThat(IceConfiguration.MAX_URLS).isEqualTo(256);
        assertThat(IceConfiguration.builder().servers(servers).build().servers()).hasSize(8);

        servers.add(IceServer.of("stun:192.0.2.9"));
        IceConfiguration.Builder builder = IceConfiguration.builder().servers(servers);
        assertThatThrownBy(builder::build)
                .isInstanceOfSatisfying(IceLimitExceededException.class, e -> {
                    assertThat(e.limit()).isEqualTo(IceLimitExceededException.Limit.URLS_PER_CONFIGURATION);
                    assertThat(e.maximum()).isEqualTo(256);
                    assertThat(e.actual()).isEqualTo(257);
                })
                .hasMessage("a configuration takes at most 256 ICE server URLs in all (IceConfiguration.MAX_URLS), "
                        + "not 257");
    }

    @Test
    void theExceptionRefusesACountThatIsNoExcess() {
        assertThatThrownBy(() -> new IceLimitExceededException(
                IceLimitExceededException.Limit.SERVERS_PER_CONFIGURATION, 64, 64, "not over"))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("actual 64 does not exceed the maximum 64");
    }

    @Test
    void aGatheringWithSixtyFourServersGetsACandidateFromEach() throws InterruptedException {
        // 64 distinct servers (the same server configured twice would be asked once): one Binding and one
        // server-reflexive candidate each
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < IceConfiguration.MAX_SERVERS; i++) {
            FakeStunServer server = LOOPS.udpServer()
                    .responder((request, from) -> List.of(Reply.of(FakeStunServer.success(request, from))));
            urls.add("stun:127.0.0.1:" + server.address().getPort());
        }
        IceConfiguration config = IceConfiguration.builder().servers(urls.stream().map(IceServer::of).toList())
                .stunTimers(StunTimers.rfc8489().withInitialRto(Duration.ofMillis(100)))
                .hostInterfaces(HostInterfaces.loopbackOnly().ipv4Only()).build();
        try (NettyIceGatherer gatherer = NettyIceGatherer.builder().threads(1).build()) {
            List<IceEvent> events = gatherer.gather(config).collectList().block(Duration.ofSeconds(30));

            List<IceCandidate> candidates = events.stream().filter(IceEvent.CandidateGathered.class::isInstance)
                    .map(e -> ((IceEvent.CandidateGathered) e).candidate()).toList();
            assertThat(candidates).filteredOn(c -> c.type() == IceCandidate.Type.HOST).hasSize(1);
            assertThat(candidates).filteredOn(c -> c.type() == IceCandidate.Type.SRFLX)
                    .extracting(IceCandidate::url).containsExactlyInAnyOrderElementsOf(urls);
            assertThat(events).noneMatch(IceEvent.CandidateError.class::isInstance);
        }
    }
}
