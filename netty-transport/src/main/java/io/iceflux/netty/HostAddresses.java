package io.iceflux.netty;

import io.iceflux.HostInterfaces;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Enumerates the local addresses that become host candidates. */
final class HostAddresses {

    private HostAddresses() {
    }

    /**
     * The addresses of the interfaces that are up and that {@code filter} accepts, IPv4 first, in the order the
     * operating system lists the interfaces. Each address appears once.
     *
     * @throws SocketException if the operating system does not answer
     */
    static List<InetAddress> enumerate(HostInterfaces filter) throws SocketException {
        List<InetAddress> v4 = new ArrayList<>();
        List<InetAddress> v6 = new ArrayList<>();
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nif.isUp()) {
                continue;
            }
            boolean loopbackInterface = nif.isLoopback();
            for (InterfaceAddress ia : nif.getInterfaceAddresses()) {
                InetAddress address = ia.getAddress();
                boolean ipv6 = address instanceof Inet6Address;
                if (address.isAnyLocalAddress() || address.isMulticastAddress()) {
                    continue;
                }
                if (!filter.accepts(nif.getName(), loopbackInterface, ipv6, address.isLoopbackAddress(),
                        address.isLinkLocalAddress())) {
                    continue;
                }
                List<InetAddress> list = ipv6 ? v6 : v4;
                if (!list.contains(address)) {
                    list.add(address);
                }
            }
        }
        List<InetAddress> all = new ArrayList<>(v4);
        all.addAll(v6);
        return all;
    }

    /** The textual form used in candidates: no IPv6 zone id, compressed as Java writes it. */
    static String text(InetAddress address) {
        String s = address.getHostAddress();
        int zone = s.indexOf('%');
        return zone < 0 ? s : s.substring(0, zone);
    }
}
