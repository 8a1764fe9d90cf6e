package io.iceflux.netty;

import static io.iceflux.netty.fixtures.GatheringEvents.assertOneGeneration;
import static io.iceflux.netty.fixtures.GatheringEvents.hostPort;
import static org.assertj.core.api.Assertions.assertThat;

import io.iceflux.HostInterfaces;
import io.iceflux.IceCandidateError;
import io.iceflux.IceConfiguration;
import io.iceflux.IceEvent;
import io.iceflux.IceServer;
import io.iceflux.netty.internal.gather.Gathering;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * The gatherer's timers on virtual time: a silent server (a bound UDP socket nobody reads) gives a 701 exactly
 * when RFC 8489's schedule says, and an overall deadline cuts everything short.
 */
class GathererTimersTest {

    VirtualTimeScheduler clock;
    NettyIceGatherer gatherer;
    DatagramSocket silent;

    @BeforeEach
    void setUp() throws Exception {
        clock = VirtualTimeScheduler.create();
        gatherer = NettyIceGatherer.builder().scheduler(clock).threads(1).build();
        silent = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void tearDown() {
        gatherer.close();
        silent.close();
        clock.dispose();
    }

    IceConfiguration.Builder config(IceServer... servers) {
        return IceConfiguration.builder().servers(List.of(servers))
                .hostInterfaces(HostInterfaces.loopbackOnly().ipv4Only());
    }

    String silentStunUrl() {
        return "stun:127.0.0.1:" + silent.getLocalPort();
    }

    /**
     * Subscribe, wait for the first request to reach the silent server, then move virtual time forward by each
     * step in turn, waiting after every step but the last for the retransmission it should cause; then wait for
     * the gathering to finish. Each event is noted with the virtual time it came at. Virtual time only moves when
     * the gatherer has done everything the previous step caused, so the times are exact.
     */
    List<Timed> run(IceConfiguration config, long... stepsMillis) throws Exception {
        BlockingQueue<Timed> seen = new LinkedBlockingQueue<>();
        CountDownLatch done = new CountDownLatch(1);
        Disposable d = gatherer.gather(config)
                .doFinally(s -> done.countDown())
                .subscribe(e -> seen.add(new Timed(clock.now(TimeUnit.MILLISECONDS), e)));
        try {
            silent.setSoTimeout(10_000);
            receiveRequest();
            for (int i = 0; i < stepsMillis.length; i++) {
                clock.advanceTimeBy(Duration.ofMillis(stepsMillis[i]));
                if (i < stepsMillis.length - 1) {
                    receiveRequest();
                }
            }
            assertThat(done.await(10, TimeUnit.SECONDS)).as("gathering finished; saw %s", seen).isTrue();
            List<Timed> all = new ArrayList<>();
            seen.drainTo(all);
            return all;
        } finally {
            d.dispose();
        }
    }

    void receiveRequest() throws java.io.IOException {
        silent.receive(new java.net.DatagramPacket(new byte[1500], 1500));
    }

    record Timed(long atMillis, IceEvent event) {
    }

    /** One generation whose only news is a 701 for the silent server, from the host socket, with {@code text}. */
    private void assertOnly701(List<Timed> events, String text) {
        List<IceEvent> plain = events.stream().map(Timed::event).toList();
        int port = hostPort(plain);
        assertOneGeneration(plain, port,
                new IceEvent.CandidateError(0, new IceCandidateError(silentStunUrl(), 701, text, "127.0.0.1", port)));
    }

    @Test
    void aSilentServerIs701After39_5VirtualSeconds() throws Exception {
        List<Timed> events = run(config(IceServer.of(silentStunUrl())).build(), 500, 1000, 2000, 4000, 8000, 16000, 8000);

        assertOnly701(events, "STUN binding request timed out.");
        long at = events.get(2).atMillis();
        // 39.5 s after the first request (virtual time started moving once it had arrived)
        assertThat(at).isEqualTo(39_500L);
    }

    @Test
    void theDeadlineTurnsWhatIsPendingInto701AndCompletes() throws Exception {
        List<Timed> events = run(config(IceServer.of(silentStunUrl()))
                .gatheringDeadline(Duration.ofSeconds(3)).build(), 3000);

        assertOnly701(events, "Gathering deadline of 3 s passed before the STUN binding request completed.");
        assertThat(events.get(2).atMillis()).isEqualTo(3_000L);
        assertThat(events.get(4).atMillis()).isEqualTo(3_000L);
    }

    @Test
    void perServerTimersOverrideTheDefault() throws Exception {
        IceServer quick = IceServer.of(silentStunUrl()).withTimers(io.iceflux.StunTimers.rfc8489()
                .withInitialRto(Duration.ofMillis(200)).withMaxRequests(2).withLastWaitMultiplier(4));
        List<Timed> events = run(config(quick).build(), 200, 800);

        Timed error = events.stream().filter(t -> t.event() instanceof IceEvent.CandidateError).findFirst()
                .orElseThrow();
        // sends at 0 and 200 ms, then waits 4 x 200 ms: fails at 1 s
        assertThat(error.atMillis()).isEqualTo(1_000L);
    }
}
