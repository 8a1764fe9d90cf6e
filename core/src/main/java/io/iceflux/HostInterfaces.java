package io.iceflux;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which local addresses become host candidates (each the base of its server-reflexive and relayed
 * candidates). By default, as browsers do, interfaces that are down, loopback and link-local addresses are
 * skipped; IPv4 and IPv6 are both used. {@link #addresses()} lists the addresses a filter lets through.
 *
 * <pre>{@code
 * HostInterfaces.defaults()                 // every usable non-loopback, non-link-local address
 * HostInterfaces.defaults().withLoopback()  // tests and the embedded demo: loopback too
 * HostInterfaces.only("eth0", "wg0")        // just these interfaces
 * HostInterfaces.loopbackOnly()             // only the loopback interface: 127.0.0.1 / ::1 (tests)
 * }</pre>
 *
 * <p>An interface is used when it is up and either no interface is selected ({@code interfaceNames} empty and
 * {@code loopbackInterfaces} false), or it has one of the {@code interfaceNames}, or it is a loopback interface and
 * {@code loopbackInterfaces} is true. Of a used interface, the addresses of the allowed families and kinds are used.
 *
 * <p>Immutable; made only by the factories and the {@code with…}/{@code …Only} copies, so no combination of
 * positional flags can be got wrong.
 */
public final class HostInterfaces {

    private static final HostInterfaces DEFAULTS = new HostInterfaces(false, false, true, true, Set.of(), false);

    private final boolean includeLoopback;
    private final boolean includeLinkLocal;
    private final boolean ipv4;
    private final boolean ipv6;
    private final Set<String> interfaceNames;
    private final boolean loopbackInterfaces;

    private HostInterfaces(boolean includeLoopback, boolean includeLinkLocal, boolean ipv4, boolean ipv6,
            Set<String> interfaceNames, boolean loopbackInterfaces) {
        interfaceNames.forEach(name -> {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("interface names must not be blank");
            }
        });
        this.includeLoopback = includeLoopback;
        this.includeLinkLocal = includeLinkLocal;
        this.ipv4 = ipv4;
        this.ipv6 = ipv6;
        this.interfaceNames = Set.copyOf(interfaceNames);
        this.loopbackInterfaces = loopbackInterfaces;
    }

    /** Every usable address of every interface that is up, except loopback and link-local ones. */
    public static HostInterfaces defaults() {
        return DEFAULTS;
    }

    /** Only the named interfaces (loopback included if one of them is a loopback interface). */
    public static HostInterfaces only(String... interfaceNames) {
        if (interfaceNames.length == 0) {
            throw new IllegalArgumentException("name at least one interface");
        }
        Set<String> names = Set.copyOf(Arrays.asList(interfaceNames));
        return new HostInterfaces(true, false, true, true, names, false);
    }

    /** Only the loopback interfaces, loopback addresses included: what tests against a server on this machine want. */
    public static HostInterfaces loopbackOnly() {
        return new HostInterfaces(true, false, true, true, Set.of(), true);
    }

    /** A copy that uses loopback addresses too. */
    public HostInterfaces withLoopback() {
        return new HostInterfaces(true, includeLinkLocal, ipv4, ipv6, interfaceNames, loopbackInterfaces);
    }

    /**
     * A copy that also uses the loopback interfaces and their loopback addresses, next to the interfaces it names
     * (for {@link #only(String...)}: the named interfaces plus loopback).
     */
    public HostInterfaces withLoopbackInterfaces() {
        return new HostInterfaces(true, includeLinkLocal, ipv4, ipv6, interfaceNames, true);
    }

    /** A copy that uses link-local addresses too. */
    public HostInterfaces withLinkLocal() {
        return new HostInterfaces(includeLoopback, true, ipv4, ipv6, interfaceNames, loopbackInterfaces);
    }

    /** A copy that uses only IPv4 addresses. */
    public HostInterfaces ipv4Only() {
        return new HostInterfaces(includeLoopback, includeLinkLocal, true, false, interfaceNames, loopbackInterfaces);
    }

    /** A copy that uses only IPv6 addresses. */
    public HostInterfaces ipv6Only() {
        return new HostInterfaces(includeLoopback, includeLinkLocal, false, true, interfaceNames, loopbackInterfaces);
    }

    /**
     * List the addresses of the interfaces that are up that this filter lets through, IPv4 ones first, each in
     * the order the operating system lists the interfaces and their addresses. Each address appears once; wildcard
     * and multicast addresses never do.
     *
     * @throws SocketException if the operating system does not answer
     */
    public List<InetAddress> addresses() throws SocketException {
        List<InetAddress> v4 = new ArrayList<>();
        List<InetAddress> v6 = new ArrayList<>();
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nif.isUp()) {
                continue;
            }
            boolean loopbackInterface = nif.isLoopback();
            for (InterfaceAddress ia : nif.getInterfaceAddresses()) {
                InetAddress address = ia.getAddress();
                if (address.isAnyLocalAddress() || address.isMulticastAddress()
                        || !accepts(nif.getName(), loopbackInterface, address)) {
                    continue;
                }
                List<InetAddress> list = address instanceof Inet6Address ? v6 : v4;
                if (!list.contains(address)) {
                    list.add(address);
                }
            }
        }
        List<InetAddress> all = new ArrayList<>(v4);
        all.addAll(v6);
        return all;
    }

    /** Whether {@code address}, of the interface named {@code interfaceName} (a loopback interface or not), is used. */
    boolean accepts(String interfaceName, boolean loopbackInterface, InetAddress address) {
        boolean isIpv6 = address instanceof Inet6Address;
        if (isIpv6 ? !ipv6 : !ipv4) {
            return false;
        }
        if (address.isLoopbackAddress() && !includeLoopback) {
            return false;
        }
        if (address.isLinkLocalAddress() && !includeLinkLocal) {
            return false;
        }
        if (interfaceNames.isEmpty() && !loopbackInterfaces) {
            return true;
        }
        return interfaceNames.contains(interfaceName) || (loopbackInterfaces && loopbackInterface);
    }

    /** Whether loopback addresses (127.0.0.0/8, ::1) are used. */
    public boolean includeLoopback() {
        return includeLoopback;
    }

    /** Whether link-local addresses (169.254.0.0/16, fe80::/10) are used. */
    public boolean includeLinkLocal() {
        return includeLinkLocal;
    }

    /** Whether IPv4 addresses are used. */
    public boolean ipv4() {
        return ipv4;
    }

    /** Whether IPv6 addresses are used. */
    public boolean ipv6() {
        return ipv6;
    }

    /** The names of the interfaces used; empty for every interface unless {@link #loopbackInterfaces()}. */
    public Set<String> interfaceNames() {
        return interfaceNames;
    }

    /**
     * Whether the loopback interfaces are used, whatever the operating system calls them ({@code lo}, {@code lo0},
     * {@code Loopback Pseudo-Interface 1}).
     */
    public boolean loopbackInterfaces() {
        return loopbackInterfaces;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HostInterfaces h && includeLoopback == h.includeLoopback
                && includeLinkLocal == h.includeLinkLocal && ipv4 == h.ipv4 && ipv6 == h.ipv6
                && interfaceNames.equals(h.interfaceNames) && loopbackInterfaces == h.loopbackInterfaces;
    }

    @Override
    public int hashCode() {
        return Objects.hash(includeLoopback, includeLinkLocal, ipv4, ipv6, interfaceNames, loopbackInterfaces);
    }

    @Override
    public String toString() {
        return "HostInterfaces[loopback=" + includeLoopback + ", linkLocal=" + includeLinkLocal + ", ipv4=" + ipv4
                + ", ipv6=" + ipv6 + ", interfaces=" + new TreeSet<>(interfaceNames) + ", loopbackInterfaces="
                + loopbackInterfaces + "]";
    }
}
