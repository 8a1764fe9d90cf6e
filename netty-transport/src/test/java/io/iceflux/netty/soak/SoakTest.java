package io.iceflux.netty.soak;

import static org.assertj.core.api.Assertions.assertThat;

import io.iceflux.HostInterfaces;
import io.iceflux.IceCandidate;
import io.iceflux.IceConfiguration;
import io.iceflux.IceEvent;
import io.iceflux.IceGatheringState;
import io.iceflux.IceServer;
import io.iceflux.StunTimers;
import io.iceflux.netty.NettyIceGatherer;
import io.iceflux.netty.coturn.Coturn;
import io.iceflux.netty.coturn.CoturnException;
import io.iceflux.testsupport.LeakRecorder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/**
 * The soak: many gatherings (STUN and TURN over UDP) against coturn through a proxy that loses 10 % of the
 * datagrams each way, sequentially and then all at once, with zero ByteBuf leaks, zero sockets left open, zero
 * allocations left on coturn, and threads and heap flat across the run.
 *
 * <p>By default this is the short CI run (500 sequential, 100 concurrent). The full soak is the same test with
 * system properties: {@code benchmarks/soak.sh} runs 10,000 sequential and 1,000 concurrent gatherings:
 * <ul>
 *   <li>{@code iceflux.soak.sequential} (500), {@code iceflux.soak.concurrent} (100): how many gatherings;</li>
 *   <li>{@code iceflux.soak.sampleEvery} (100): sample threads, heap and sockets after this many;</li>
 *   <li>{@code iceflux.soak.loss} (0.10) and {@code iceflux.soak.seed} (42): the proxy's loss and its seed.</li>
 * </ul>
 * The summary is printed and written to {@code target/soak-report.md}.
 */
class SoakTest {

    /**
     * Short timers for the sequential gatherings, so that a lost datagram costs 25 ms; Rc 11 makes a transaction
     * that loses every request or response (1 in 10^8 at 10 % loss each way) negligible.
     */
    static final StunTimers SEQUENTIAL_TIMERS = StunTimers.rfc8489().withInitialRto(Duration.ofMillis(25))
            .withMaxRequests(11).withLastWaitMultiplier(4).withReliableTimeout(Duration.ofSeconds(5));
    /**
     * Timers for the gatherings that run all at once: two loaded cores answer hundreds of requests late, so a
     * 25 ms RTO would only add retransmissions; 250 ms and Rc 8 still give up only after 33 s.
     */
    static final StunTimers CONCURRENT_TIMERS = StunTimers.rfc8489().withInitialRto(Duration.ofMillis(250))
            .withMaxRequests(8).withLastWaitMultiplier(4).withReliableTimeout(Duration.ofSeconds(5));

    /**
     * How long the proxy keeps an idle client's upstream socket (its "NAT binding"): longer than the longest
     * silence of a transaction (the last wait before a timeout), as a NAT's UDP binding outlives it (RFC 4787
     * asks for 2 minutes). With 3 s, concurrent gatherings under load lost their bindings: their deletes came
     * from a new address, coturn answered 437, and the allocations stayed.
     */
    static final long PROXY_IDLE_MILLIS = 40_000;

    /** Threads may differ by this many between the first sample after warm-up and the last. */
    static final int THREAD_TOLERANCE = 2;
    /** Heap after GC may grow by this many bytes between the first sample after warm-up and the last. */
    static final long HEAP_TOLERANCE = 32L << 20;

    /** One measurement; {@code sockets} counts every socket of the JVM, {@code proxySockets} the proxy's. */
    record Sample(String phase, int gatherings, int threads, long heapBytes, int sockets, int proxySockets) {
    }

    @Test
    void sequentialAndConcurrentGatheringsWithLossLeaveNothingBehind() {
        int sequential = Integer.getInteger("iceflux.soak.sequential", 500);
        int concurrent = Integer.getInteger("iceflux.soak.concurrent", 100);
        int sampleEvery = Integer.getInteger("iceflux.soak.sampleEvery", 100);
        double loss = Double.parseDouble(System.getProperty("iceflux.soak.loss", "0.10"));
        long seed = Long.getLong("iceflux.soak.seed", 42L);
        Instant started = Instant.now();

        LeakRecorder.provokeReports();
        List<String> leaksBefore = LeakRecorder.drain();
        List<Sample> samples = new ArrayList<>();
        Outcomes sequentialOutcomes = new Outcomes();
        Outcomes concurrentOutcomes = new Outcomes();
        int allocationsAfterSequential;
        int allocationsAtEnd;
        int socketsBefore;
        int socketsAfter;
        long proxyDropped;
        long proxyForwarded;
        long seqMillis;
        long concMillis;
        try (Coturn coturn = Coturn.builder().tls(false).relayPorts(concurrent + 200).start()) {
            socketsBefore = ProcessProbe.openSockets();
            try (LossyUdpProxy proxy = LossyUdpProxy.start(coturn.address(), loss, seed, PROXY_IDLE_MILLIS);
                    NettyIceGatherer gatherer = NettyIceGatherer.builder().threads(2).build()) {
                String stun = "stun:127.0.0.1:" + proxy.address().getPort();
                String turn = "turn:127.0.0.1:" + proxy.address().getPort();
                IceConfiguration config = IceConfiguration.builder()
                        .server(IceServer.of(stun))
                        .server(IceServer.of(List.of(turn), coturn.username(), coturn.password()))
                        .stunTimers(SEQUENTIAL_TIMERS)
                        .hostInterfaces(HostInterfaces.loopbackOnly().ipv4Only())
                        .build();
                IceConfiguration concurrentConfig = config.toBuilder().stunTimers(CONCURRENT_TIMERS).build();
                samples.add(sample("start", 0, proxy));

                long t0 = System.nanoTime();
                for (int i = 1; i <= sequential; i++) {
                    sequentialOutcomes.add(gatherer.gather(config).collectList().block(Duration.ofSeconds(60)));
                    if (i % sampleEvery == 0) {
                        samples.add(sample("sequential", i, proxy));
                    }
                }
                seqMillis = (System.nanoTime() - t0) / 1_000_000;
                allocationsAfterSequential = allocationsAfterWaiting(coturn);

                long t1 = System.nanoTime();
                Flux.range(0, concurrent)
                        .flatMap(i -> gatherer.gather(concurrentConfig).collectList(), concurrent)
                        .doOnNext(concurrentOutcomes::add)
                        .blockLast(Duration.ofMinutes(5));
                concMillis = (System.nanoTime() - t1) / 1_000_000;
                samples.add(sample("concurrent", sequential + concurrent, proxy));

                allocationsAtEnd = allocationsAfterWaiting(coturn);
                proxyDropped = proxy.dropped();
                proxyForwarded = proxy.forwarded();
            }
            socketsAfter = ProcessProbe.openSockets();
        }
        LeakRecorder.provokeReports();
        List<String> leaks = LeakRecorder.drain();
        samples.add(sample("closed", sequential + concurrent, null));

        Sample baseline = samples.stream().filter(s -> s.gatherings() > 0).findFirst().orElseThrow();
        Sample last = samples.get(samples.size() - 2);
        String report = report(started, sequential, concurrent, loss, seed, seqMillis, concMillis,
                sequentialOutcomes, concurrentOutcomes, proxyForwarded, proxyDropped, leaks.size(),
                socketsBefore, socketsAfter, allocationsAfterSequential, allocationsAtEnd, samples);
        System.out.println(report);
        write(report);

        assertThat(leaksBefore).as("leaks before the soak").isEmpty();
        assertThat(sequentialOutcomes.total).isEqualTo(sequential);
        assertThat(concurrentOutcomes.total).isEqualTo(concurrent);
        assertThat(sequentialOutcomes.unexpected).as("sequential gatherings without exactly host, 2 srflx, relay "
                + "and no error").isEmpty();
        assertThat(concurrentOutcomes.unexpected).as("concurrent gatherings without exactly host, 2 srflx, relay "
                + "and no error").isEmpty();
        assertThat(allocationsAfterSequential).as("allocations alive on coturn after the sequential gatherings")
                .isZero();
        assertThat(leaks).as("ByteBuf leaks").isEmpty();
        assertThat(socketsAfter).as("open sockets after the soak").isEqualTo(socketsBefore);
        assertThat(allocationsAtEnd).as("allocations alive on coturn").isZero();
        assertThat(proxyDropped).as("datagrams the proxy dropped").isPositive();
        assertThat(last.threads()).as("threads at the end vs after warm-up")
                .isBetween(baseline.threads() - THREAD_TOLERANCE, baseline.threads() + THREAD_TOLERANCE);
        assertThat(last.heapBytes()).as("heap after GC at the end vs after warm-up")
                .isLessThanOrEqualTo(baseline.heapBytes() + HEAP_TOLERANCE);
    }

    /** Coturn's live allocations once they reach 0, or after 30 s: the count, for the report. */
    private static int allocationsAfterWaiting(Coturn coturn) {
        try {
            coturn.awaitAllocationCount(0, Duration.ofSeconds(30));
        } catch (CoturnException stillThere) {
            // reported and asserted below, with everything else the soak measured
        }
        return coturn.allocationCount();
    }

    private static Sample sample(String phase, int gatherings, LossyUdpProxy proxy) {
        long heap = ProcessProbe.heapAfterGc();
        int proxySockets = proxy == null ? 0 : proxy.openSockets();
        int sockets = ProcessProbe.openSockets();
        return new Sample(phase, gatherings, ProcessProbe.threads(), heap, sockets, proxySockets);
    }

    /** Tallies what each gathering produced; anything but the expected shape is kept with its events. */
    static final class Outcomes {
        int total;
        long candidates;
        final Map<String, Integer> unexpected = new TreeMap<>();

        void add(List<IceEvent> events) {
            total++;
            int host = 0;
            int srflx = 0;
            int relay = 0;
            List<String> errors = new ArrayList<>();
            for (IceEvent e : events) {
                if (e instanceof IceEvent.CandidateGathered c) {
                    candidates++;
                    IceCandidate.Type type = c.candidate().type();
                    host += type == IceCandidate.Type.HOST ? 1 : 0;
                    srflx += type == IceCandidate.Type.SRFLX ? 1 : 0;
                    relay += type == IceCandidate.Type.RELAY ? 1 : 0;
                } else if (e instanceof IceEvent.CandidateError err) {
                    errors.add(err.error().errorCode() + " " + err.error().errorText());
                }
            }
            boolean complete = !events.isEmpty() && events.get(events.size() - 1)
                    .equals(new IceEvent.GatheringStateChanged(0, IceGatheringState.COMPLETE));
            if (!complete || host != 1 || srflx != 2 || relay != 1 || !errors.isEmpty()) {
                String shape = "complete=" + complete + " host=" + host + " srflx=" + srflx + " relay=" + relay
                        + " errors=" + errors;
                unexpected.merge(shape, 1, Integer::sum);
            }
        }
    }

    private static String report(Instant started, int sequential, int concurrent, double loss, long seed,
            long seqMillis, long concMillis, Outcomes seq, Outcomes conc, long forwarded, long dropped, int leaks,
            int socketsBefore, int socketsAfter, int allocationsAfterSequential, int allocations,
            List<Sample> samples) {
        StringBuilder sb = new StringBuilder();
        sb.append("\n## IceFlux soak ").append(started).append("\n\n");
        sb.append("| what | value |\n|---|---|\n");
        row(sb, "sequential gatherings", sequential + " in " + seqMillis + " ms");
        row(sb, "concurrent gatherings", concurrent + " in " + concMillis + " ms");
        row(sb, "loss each way (seed)", String.format("%.0f %% (%d)", loss * 100, seed));
        row(sb, "datagrams forwarded / dropped", forwarded + " / " + dropped);
        row(sb, "candidates gathered", Long.toString(seq.candidates + conc.candidates));
        row(sb, "unexpected sequential gatherings", seq.unexpected.isEmpty() ? "0" : seq.unexpected.toString());
        row(sb, "unexpected concurrent gatherings", conc.unexpected.isEmpty() ? "0" : conc.unexpected.toString());
        row(sb, "ByteBuf leaks (paranoid)", Integer.toString(leaks));
        row(sb, "sockets before / after", socketsBefore + " / " + socketsAfter);
        row(sb, "coturn allocations after sequential / at end", allocationsAfterSequential + " / " + allocations);
        sb.append("\n| phase | gatherings | threads | heap after GC (MiB) | sockets (all) | of which the proxy's |\n")
                .append("|---|---|---|---|---|---|\n");
        for (Sample s : samples) {
            sb.append("| ").append(s.phase()).append(" | ").append(s.gatherings()).append(" | ").append(s.threads())
                    .append(" | ").append(String.format("%.1f", s.heapBytes() / 1048576.0)).append(" | ")
                    .append(s.sockets()).append(" | ").append(s.proxySockets()).append(" |\n");
        }
        return sb.toString();
    }

    private static void row(StringBuilder sb, String what, String value) {
        sb.append("| ").append(what).append(" | ").append(value).append(" |\n");
    }

    private static void write(String report) {
        try {
            Path target = Path.of("target");
            Files.createDirectories(target);
            Files.writeString(target.resolve("soak-report.md"), report, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write target/soak-report.md", e);
        }
    }
}
