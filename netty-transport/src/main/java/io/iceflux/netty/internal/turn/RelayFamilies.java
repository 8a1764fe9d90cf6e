package io.iceflux.netty.internal.turn;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Which relayed address families an Allocate asks for (RFC 8656 §7.1), and what it falls back to when the server
 * refuses. The gathering's policy ({@link #forHost(InetAddress)}): a host socket asks for a relay of its own family,
 * and an IPv4 one also for an IPv6 relay in the same allocation, so that a host without IPv6 connectivity still gets
 * an IPv6 relay from a server that has one.
 */
public enum RelayFamilies {

    /** No address-family attribute: the server's default, IPv4 (RFC 8656 §7.1); no fallback. */
    IPV4(false),
    /**
     * REQUESTED-ADDRESS-FAMILY IPv6: one IPv6 relay. A 440 (Address Family not Supported) falls back to
     * {@link #IPV4}, once, without an error event: the server's IPv4 relay is still a relay.
     */
    IPV6(true),
    /**
     * ADDITIONAL-ADDRESS-FAMILY IPv6: a dual allocation, an IPv4 relay and an IPv6 relay (RFC 8656 §7.2). A server
     * that cannot give the IPv6 relay grants the IPv4 one with ADDRESS-ERROR-CODE, one that ignores the attribute
     * grants only the IPv4 one, and one that rejects it (400 or 440) is asked again with {@link #IPV4}, once; none of
     * these is an error event.
     */
    IPV4_AND_IPV6(false);

    private final boolean primaryIpv6;


    RelayFamilies(boolean primaryIpv6) {
        this.primaryIpv6 = primaryIpv6;
    }

    /** The policy for a host socket (or stream) bound to {@code local}: IPv6 for IPv6, dual for IPv4. */
    public static RelayFamilies forHost(InetAddress local) {
        return local instanceof Inet6Address ? IPV6 : IPV4_AND_IPV6;
    }

    /** Whether the relay the Allocate must give (its first relayed address) is IPv6. */
    boolean primaryIpv6() {
        return primaryIpv6;
    }

    /** Whether an IPv6 relay is asked for in addition to the IPv4 one. */
    boolean dual() {
        return this == IPV4_AND_IPV6;
    }

    /**
     * What to ask for after an Allocate error response {@code code}, or null when the error is final: 440 to
     * {@link #IPV6}, and 400 or 440 to {@link #IPV4_AND_IPV6}, fall back to {@link #IPV4}.
     */
    RelayFamilies fallbackAfter(int code) {
        return switch (this) {
            case IPV6 -> code == 440 ? IPV4 : null;
            case IPV4_AND_IPV6 -> code == 400 || code == 440 ? IPV4 : null;
            case IPV4 -> null;
        };
    }
}
