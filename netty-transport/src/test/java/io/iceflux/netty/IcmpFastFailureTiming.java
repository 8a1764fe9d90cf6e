package io.iceflux.netty;

import io.iceflux.HostInterfaces;
import io.iceflux.IceConfiguration;
import io.iceflux.IceEvent;
import io.iceflux.IceServer;
import java.net.DatagramSocket;
import java.net.InetAddress;
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
}
