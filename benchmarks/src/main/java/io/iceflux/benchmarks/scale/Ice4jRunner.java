package io.iceflux.benchmarks.scale;

import static io.iceflux.benchmarks.scale.Outcomes.DONE;
import static io.iceflux.benchmarks.scale.Outcomes.ERROR;
import static io.iceflux.benchmarks.scale.Outcomes.RELAY;
import static io.iceflux.benchmarks.scale.Outcomes.SRFLX;
import static io.iceflux.benchmarks.scale.Outcomes.succeeded;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.ice.Agent;
import org.ice4j.ice.CandidateType;
import org.ice4j.ice.Component;
import org.ice4j.ice.HostCandidate;
import org.ice4j.ice.IceMediaStream;
import org.ice4j.ice.KeepAliveStrategy;
import org.ice4j.ice.LocalCandidate;
import org.ice4j.ice.harvest.StunCandidateHarvest;
import org.ice4j.ice.harvest.StunCandidateHarvester;
import org.ice4j.ice.harvest.TurnCandidateHarvester;
import org.ice4j.message.Response;
import org.ice4j.security.LongTermCredential;

/**
 * ice4j as it is used: an {@link Agent} per gathering with a {@link StunCandidateHarvester} (and a
 * {@link TurnCandidateHarvester} for TURN), {@code createComponent} blocking on a caller thread per gathering,
 * {@link Agent#free()} at the end. Its metadata (AWS) harvester and IPv6/link-local host addresses are switched
 * off by system properties the driver passes ({@link #SYSTEM_PROPERTIES}).
 */
final class Ice4jRunner implements Runner {

    static final String NAME = "ice4j";

    /** The ice4j configuration every ice4j worker runs with (set on the worker's command line). */
    static final String[] SYSTEM_PROPERTIES = {
        "-Dice4j.harvest.mapping.aws.enabled=false",
        "-Dorg.ice4j.ice.harvest.DISABLE_AWS_HARVESTER=true",
        "-Dice4j.harvest.use-ipv6=false",
        "-Dice4j.harvest.use-link-local-addresses=false",
    };


    /** Kept so that the level set on it is not lost to garbage collection. */
    private static final Logger ROOT = Logger.getLogger("");

    private final Target target;

    Ice4jRunner(Target target) {
        this.target = target;
        ROOT.setLevel(Level.SEVERE);
        Arrays.stream(ROOT.getHandlers()).forEach(h -> h.setLevel(Level.SEVERE));
    }

    /** One gathering's agent and what it found. */
    private record Gathered(Agent agent, int flags) {
    }

    /**
     * Gather once. ice4j keeps no server-reflexive candidate equal to its host candidate (no NAT here), so the
     * Binding's success is seen where the harvest reads the mapped address.
     */
    private Gathered gather(Scenario scenario) throws Exception {
        Agent agent = new Agent();
        TransportAddress server = new TransportAddress(target.host(), target.port(), Transport.UDP);
        MappedAddressSeen stun = new MappedAddressSeen(server);
        agent.addCandidateHarvester(stun);
        if (scenario == Scenario.TURN) {
            agent.addCandidateHarvester(new TurnCandidateHarvester(server,
                    new LongTermCredential(target.username(), target.password())));
        }
        IceMediaStream stream = agent.createMediaStream("audio");
        Component component = agent.createComponent(stream, KeepAliveStrategy.SELECTED_ONLY, true);
        int flags = stun.mapped ? SRFLX : 0;
        for (LocalCandidate c : component.getLocalCandidates()) {
            if (c.getType() == CandidateType.SERVER_REFLEXIVE_CANDIDATE) {
                flags |= SRFLX;
            } else if (c.getType() == CandidateType.RELAYED_CANDIDATE) {
                flags |= RELAY;
            }
        }
        return new Gathered(agent, flags);
    }

    @Override
    public LatencyResult latency(Scenario scenario, int warmup, int runs) {
        long[] ok = new long[runs];
        int okCount = 0;
        int failures = 0;
        for (int i = 0; i < warmup + runs; i++) {
            long start = System.nanoTime();
            Gathered g = null;
            int flags;
            try {
                g = gather(scenario);
                flags = g.flags();
            } catch (Exception e) {
                flags = ERROR;
            }
            long end = System.nanoTime();
            if (g != null) {
                g.agent().free();
            }
            if (i >= warmup) {
                if (succeeded(scenario, flags)) {
                    ok[okCount++] = end - start;
                } else {
                    failures++;
                }
            }
        }
        return LatencyResult.of(NAME, scenario.id(), Arrays.copyOf(ok, okCount), failures);
    }

    @Override
    public ScaleResult scale(Scenario scenario, int n, int warmup, Duration timeout) {
        for (int i = 0; i < warmup; i++) {
            try {
                gather(scenario).agent().free();
            } catch (Exception e) {
                // a failed warm-up gathering changes nothing that is measured
            }
        }
        Peaks peaks = new Peaks();
        long heapBefore = Peaks.usedHeapAfterGc();
        int javaThreadsBefore = Peaks.javaThreadsNow();
        peaks.reset();

        long[] starts = new long[n];
        long[] ends = new long[n];
        AtomicIntegerArray seen = new AtomicIntegerArray(n);
        CountDownLatch done = new CountDownLatch(n);
        CountDownLatch release = new CountDownLatch(1);
        Thread[] callers = new Thread[n];
        for (int i = 0; i < n; i++) {
            int index = i;
            callers[i] = new Thread(() -> {
                starts[index] = System.nanoTime();
                Agent agent = null;
                int flags;
                try {
                    Gathered g = gather(scenario);
                    agent = g.agent();
                    flags = g.flags();
                } catch (Throwable e) {
                    flags = ERROR;
                }
                ends[index] = System.nanoTime();
                seen.set(index, flags | DONE);
                done.countDown();
                try {
                    // hold the agent (its sockets, threads and allocation) until the live gatherings are weighed
                    release.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (agent != null) {
                    agent.free();
                }
            }, "ice4j-caller-" + i);
            callers[i].setDaemon(true);
        }
        long cpu0 = Peaks.processCpuNanos();
        long t0 = System.nanoTime();
        int started = 0;
        String note = "";
        try {
            for (Thread caller : callers) {
                if (System.nanoTime() - t0 > timeout.toNanos()) {
                    note = "started only " + started + " caller threads before the timeout";
                    break;
                }
                caller.start();
                started++;
            }
        } catch (OutOfMemoryError e) {
            note = "could start only " + started + " caller threads: " + e.getMessage();
        }
        for (int i = started; i < n; i++) {
            done.countDown();
        }
        Duration left = timeout.minusNanos(System.nanoTime() - t0);
        boolean finished = IcefluxRunner.await(done, left.isNegative() ? Duration.ZERO : left, peaks)
                && started == n;
        long cpuNanos = Peaks.processCpuNanos() - cpu0;
        peaks.sample();
        long retained = finished ? (Peaks.usedHeapAfterGc() - heapBefore) / n : -1;
        peaks.sample();
        release.countDown();
        long joinDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (int i = 0; i < started; i++) {
            long joinLeft = joinDeadline - System.nanoTime();
            if (joinLeft <= 0) {
                break;
            }
            try {
                callers[i].join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(joinLeft)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return Outcomes.tally(NAME, scenario, n, t0, starts, ends, seen, !finished, peaks, javaThreadsBefore, retained,
                note, cpuNanos);
    }

    /** A STUN harvester that notes when a Binding response carried a mapped address. */
    private static final class MappedAddressSeen extends StunCandidateHarvester {
        volatile boolean mapped;

        MappedAddressSeen(TransportAddress server) {
            super(server);
        }

        @Override
        protected StunCandidateHarvest createHarvest(HostCandidate hostCandidate) {
            return new StunCandidateHarvest(this, hostCandidate) {
                @Override
                protected void createServerReflexiveCandidate(Response response) {
                    if (getMappedAddress(response) != null) {
                        mapped = true;
                    }
                    super.createServerReflexiveCandidate(response);
                }
            };
        }
    }
}
