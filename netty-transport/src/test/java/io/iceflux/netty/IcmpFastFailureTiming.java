package io.iceflux.netty;

import io.iceflux.HostInterfaces;
import io.iceflux.IceConfiguration;
import io.iceflux.IceEvent;
import io.iceflux.IceServer;
import java.net.DatagramSocket;
import java.net.InetAddress;
import io.iceflux.netty.coturn.Coturn;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Not a check, a measurement (skipped unless {@code -Diceflux.icmpTiming=true}): how long a gathering whose only
 * servers are a STUN and a TURN/UDP URL on a closed loopback port takes to complete, with ICMP fast failure (three
 * runs, the first one cold) and without it (RFC 8489 timers: 39.5 s). The numbers are in benchmarks/RESULTS.md.
 */
class IcmpFastFailureTiming {
    @Test
    void measure() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Boolean.getBoolean("iceflux.icmpTiming"),
                "a measurement: run with -Diceflux.icmpTiming=true");
        int closed;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            closed = s.getLocalPort();
        }
        String url = "stun:127.0.0.1:" + closed;
        IceConfiguration config = IceConfiguration.builder().servers(List.of(IceServer.of(url),
                        IceServer.of(List.of("turn:127.0.0.1:" + closed + "?transport=udp"), "a", "b")))
                .hostInterfaces(HostInterfaces.loopbackOnly().ipv4Only()).build();
        for (boolean icmp : new boolean[] {true, true, true, false}) {
            try (NettyIceGatherer g = NettyIceGatherer.builder().icmpFastFailure(icmp).build()) {
                long t0 = System.nanoTime();
                List<IceEvent> events = g.gather(config).collectList().block();
                long ms = (System.nanoTime() - t0) / 1_000_000;
                System.err.println("TIMING icmpFastFailure=" + icmp + " gathering complete after " + ms + " ms: "
                        + events.stream().filter(e -> e instanceof IceEvent.CandidateError).toList());
            }
        }
    }

    /**
     * What the connected sockets cost a gathering that works: STUN + TURN/UDP against coturn on loopback, 50 warm-up
     * and 200 measured gatherings each way, median and 90th percentile of the time to completion.
     */
    @Test
    void workingServersWithAndWithout() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Boolean.getBoolean("iceflux.icmpTiming"),
                "a measurement: run with -Diceflux.icmpTiming=true");
        try (Coturn coturn = Coturn.builder().tls(false).start()) {
            IceConfiguration config = IceConfiguration.builder().servers(List.of(IceServer.of(coturn.stunUrl()),
                            IceServer.of(List.of(coturn.turnUdpUrl()), coturn.username(), coturn.password())))
                    .hostInterfaces(HostInterfaces.loopbackOnly().ipv4Only()).build();
            for (int round = 0; round < 2; round++) {
                for (boolean icmp : new boolean[] {false, true}) {
                    try (NettyIceGatherer g = NettyIceGatherer.builder().icmpFastFailure(icmp).build()) {
                        for (int i = 0; i < 50; i++) {
                            g.gather(config).blockLast();
                        }
                        List<Long> micros = new ArrayList<>();
                        for (int i = 0; i < 200; i++) {
                            long t0 = System.nanoTime();
                            g.gather(config).blockLast();
                            micros.add((System.nanoTime() - t0) / 1000);
                        }
                        Collections.sort(micros);
                        System.err.println("TIMING coturn round " + round + " icmpFastFailure=" + icmp + " median "
                                + micros.get(100) + " us, p90 " + micros.get(180) + " us");
                    }
                }
            }
        }
    }
}
