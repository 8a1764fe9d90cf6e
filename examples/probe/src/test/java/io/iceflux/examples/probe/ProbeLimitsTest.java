package io.iceflux.examples.probe;

import static io.iceflux.examples.probe.ProbeRuns.assertUsageError;
import static io.iceflux.examples.probe.ProbeRuns.fast;
import static io.iceflux.examples.probe.ProbeRuns.json;
import static io.iceflux.examples.probe.ProbeRuns.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.iceflux.IceConfiguration;
import io.iceflux.IceEvent;
import io.iceflux.IceServer;
import io.iceflux.examples.probe.ProbeRuns.Run;
import io.iceflux.netty.NettyIceGatherer;
import io.iceflux.netty.internal.gather.HostAddresses;
import io.iceflux.testkit.TestTurnServer;
import io.iceflux.testkit.TestTurnServerExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;

/**
 * The limits a probe run meets (servers and URLs per configuration, host addresses per gathering), each at its
 * value, which works, and one past it, which is a usage error: exit status 2 and one line naming the limit and what
 * helps, never a stack trace; with {@code --json} the summary line carries the same text.
 */
class ProbeLimitsTest {

    @RegisterExtension
    static final TestTurnServerExtension TURN = TestTurnServerExtension.perClass(TestTurnServer.builder());

    @TempDir
    Path dir;

    @ParameterizedTest(name = "json {0}")
    @ValueSource(booleans = {false, true})
    void maxServersOnTheCommandLineAreProbed(boolean json) {
        Run run = run(fast(json(json, stunUrls(IceConfiguration.MAX_SERVERS))));

        assertWorked(run, json, IceConfiguration.MAX_SERVERS);
    }

    @ParameterizedTest(name = "json {0}")
    @ValueSource(booleans = {false, true})
    void oneServerMoreIsAUsageError(boolean json) {
        Run run = run(fast(json(json, stunUrls(IceConfiguration.MAX_SERVERS + 1))));

        assertUsageError(run, json, "65 ICE servers given, more than the 64 one run takes "
                + "(IceConfiguration.MAX_SERVERS): probe them in several runs");
    }

    @ParameterizedTest(name = "json {0}")
    @ValueSource(booleans = {false, true})
    void maxUrlsInAConfigFileAreProbed(boolean json) throws IOException {
        Path config = configWithUrls(IceConfiguration.MAX_URLS);

        Run run = run(fast(json(json, "--config", config.toString())));

        assertWorked(run, json, IceConfiguration.MAX_URLS);
    }

    @ParameterizedTest(name = "json {0}")
    @ValueSource(booleans = {false, true})
    void oneUrlMoreIsAUsageError(boolean json) throws IOException {
        Path config = configWithUrls(IceConfiguration.MAX_URLS + 1);

        Run run = run(fast(json(json, "--config", config.toString())));

        assertUsageError(run, json, "257 ICE server URLs given, more than the 256 one run takes "
                + "(IceConfiguration.MAX_URLS): probe them in several runs");
    }

    @ParameterizedTest(name = "json {0}")
    @ValueSource(booleans = {false, true})
    void maxHostAddressesAreProbed(boolean json) {
        Run run = run(hostWithAddresses(NettyIceGatherer.MAX_HOST_ADDRESSES),
                fast(json(json, TURN.server().stunUrl())));

        assertWorked(run, json, 1);
    }

    @ParameterizedTest(name = "json {0}")
    @ValueSource(booleans = {false, true})
    void oneHostAddressMoreIsAUsageErrorNamingInterface(boolean json) {
        Run run = run(hostWithAddresses(NettyIceGatherer.MAX_HOST_ADDRESSES + 1),
                fast(json(json, TURN.server().stunUrl())));

        assertUsageError(run, json, "17 usable local addresses, more than the 16 one gathering takes "
                + "(NettyIceGatherer.MAX_HOST_ADDRESSES): choose the interfaces with --interface NAME (repeatable), "
                + "or use --loopback-only");
    }

    /** Exit status 0, and a verdict for each of {@code urls} URLs, all OK. */
    private static void assertWorked(Run run, boolean json, int urls) {
        assertThat(run.exitCode()).as("exit status; stderr: %s", run.err()).isEqualTo(ProbeCommand.OK);
        assertThat(run.err()).isEmpty();
        if (json) {
            JsonNode summary = run.summary();
            assertThat(summary.get("exitCode").asInt()).isZero();
            assertThat(summary.get("usageError").isNull()).isTrue();
            assertThat(summary.get("servers")).hasSize(urls).allMatch(s -> s.get("ok").asBoolean());
        } else {
            assertThat(run.lines()).filteredOn(l -> l.startsWith("  OK   " + TURN.server().stunUrl() + ": reachable"))
                    .hasSize(urls);
            assertThat(run.lines()).last().isEqualTo("Every server gave what its URL promises (exit status 0).");
        }
    }

    /** The test server's STUN URL {@code count} times, each a server of its own on the command line. */
    private static String[] stunUrls(int count) {
        return Collections.nCopies(count, TURN.server().stunUrl()).toArray(String[]::new);
    }

    /** An RTCConfiguration with {@code count} URLs in all, {@link IceServer#MAX_URLS} per TURN.server(). */
    private Path configWithUrls(int count) throws IOException {
        ObjectNode root = ProbeRuns.JSON.createObjectNode();
        ArrayNode servers = root.putArray("iceServers");
        for (int left = count; left > 0; left -= IceServer.MAX_URLS) {
            ArrayNode urls = servers.addObject().putArray("urls");
            Collections.nCopies(Math.min(left, IceServer.MAX_URLS), TURN.server().stunUrl()).forEach(urls::add);
        }
        Path config = dir.resolve("urls-" + count + ".json");
        Files.writeString(config, root.toString());
        return config;
    }

    /**
     * Gatherers on a host with {@code count} usable addresses: the limit is checked by {@link HostAddresses#checkLimit},
     * the check {@link NettyIceGatherer} makes when a gathering starts (before any event), and then the real
     * gathering runs (on loopback).
     */
    private static ProbeGatherers hostWithAddresses(int count) {
        return trustAllCertificates -> {
            ProbeGatherers.Gatherer real = ProbeGatherers.netty().open(trustAllCertificates);
            return new ProbeGatherers.Gatherer() {
                @Override
                public Flux<IceEvent> gather(IceConfiguration configuration) {
                    return Flux.defer(() -> {
                        HostAddresses.checkLimit(count);
                        return real.gather(configuration);
                    });
                }

                @Override
                public Flux<IceEvent> gather(IceConfiguration configuration, Publisher<?> restarts) {
                    return Flux.defer(() -> {
                        HostAddresses.checkLimit(count);
                        return real.gather(configuration, restarts);
                    });
                }

                @Override
                public void close() {
                    real.close();
                }
            };
        };
    }
}
