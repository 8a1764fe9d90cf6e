package io.iceflux.netty.internal.gather;

import io.iceflux.IceCandidate;
import io.iceflux.IceProtocol;
import io.iceflux.IpAddresses;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/** Builds the candidates a gathering emits: foundations and priorities per RFC 8445 §5.1.1.3 and §5.1.2. */
public final class Candidates {

    private static final int COMPONENT = 1;

    private Candidates() {
    }

    /**
     * A host candidate.
     *
     * @param base         the host socket's address
     * @param addressIndex the position of the host address in the gathering (0 is preferred)
     */
    static IceCandidate host(InetSocketAddress base, int addressIndex) {
        return candidate(IceCandidate.Type.HOST, base, base, null, addressIndex, 0, null, null);
    }

    /** A server-reflexive candidate learnt from {@code server} through the host socket {@code base}. */
    static IceCandidate serverReflexive(InetSocketAddress mapped, InetSocketAddress base, InetSocketAddress server,
            int addressIndex, String url) {
        return candidate(IceCandidate.Type.SRFLX, mapped, base, server, addressIndex, 0, base, url);
    }

    /**
     * A relayed candidate. Relays over UDP are preferred to TCP, and TCP to TLS, as browsers do. A relay of the other
     * family than its host socket's (the IPv6 relay of a dual allocation from an IPv4 socket, or the IPv4 relay an
     * IPv6 socket fell back to) ranks just below the relay of the socket's family, and has a foundation of its own.
     *
     * @param mapped the client's address as the TURN server saw it (the related address), or {@code null}
     */
    static IceCandidate relayed(InetSocketAddress relayed, InetSocketAddress mapped, InetAddress baseAddress,
            InetSocketAddress server, IceProtocol serverProtocol, boolean tls, int addressIndex, String url) {
        int relayPreference = tls ? 0 : serverProtocol == IceProtocol.TCP ? 1 : 2;
        boolean otherFamily = isIpv6(relayed.getAddress()) != isIpv6(baseAddress);
        return candidate(IceCandidate.Type.RELAY, relayed, new InetSocketAddress(baseAddress, 0), server,
                addressIndex, relayPreference, otherFamily, mapped, url);
    }

    private static IceCandidate candidate(IceCandidate.Type type, InetSocketAddress address, InetSocketAddress base,
            InetSocketAddress server, int addressIndex, int relayPreference, InetSocketAddress related, String url) {
        return candidate(type, address, base, server, addressIndex, relayPreference, false, related, url);
    }

    private static IceCandidate candidate(IceCandidate.Type type, InetSocketAddress address, InetSocketAddress base,
            InetSocketAddress server, int addressIndex, int relayPreference, boolean otherFamily,
            InetSocketAddress related, String url) {
        int index = Math.min(addressIndex, 255);
        int localPreference = (relayPreference << 14) | ((255 - index) << 6) | (otherFamily ? 0x3E : 0x3F);
        long priority = IceCandidate.priority(type, localPreference, COMPONENT);
        String foundation = foundation(type, base.getAddress(), server);
        if (otherFamily) {
            foundation = foundation(type, base.getAddress(), server, isIpv6(address.getAddress()) ? "IPv6" : "IPv4");
        }
        return IceCandidate.builder().foundation(foundation).component(COMPONENT)
                .protocol(IceProtocol.UDP).priority(priority).address(IpAddresses.format(address.getAddress()))
                .port(address.getPort()).type(type)
                .related(related == null ? null : IpAddresses.format(related.getAddress()),
                        related == null ? null : related.getPort())
                .url(url).build();
    }

    /**
     * The same foundation for candidates of the same type, base address, server and transport (RFC 8445
     * §5.1.1.3): a CRC-32 of those, in decimal as browsers write it.
     */
    static String foundation(IceCandidate.Type type, InetAddress base, InetSocketAddress server) {
        return foundation(type, base, server, null);
    }

    /** As {@link #foundation(IceCandidate.Type, InetAddress, InetSocketAddress)}, for a relay of another family. */
    private static String foundation(IceCandidate.Type type, InetAddress base, InetSocketAddress server,
            String relayFamily) {
        CRC32 crc = new CRC32();
        String key = type.name() + "|" + IpAddresses.format(base) + "|"
                + (server == null ? "" : IpAddresses.format(server.getAddress())) + "|udp"
                + (relayFamily == null ? "" : "|" + relayFamily);
        crc.update(key.getBytes(StandardCharsets.UTF_8));
        return Long.toString(crc.getValue());
    }

    private static boolean isIpv6(InetAddress address) {
        return address instanceof Inet6Address;
    }
}
