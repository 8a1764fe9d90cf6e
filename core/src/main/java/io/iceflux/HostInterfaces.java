package io.iceflux;

import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which local addresses become host candidates (each the base of its server-reflexive and relayed
 * candidates). By default, as browsers do, interfaces that are down, loopback and link-local addresses are
 * skipped; IPv4 and IPv6 are both used.
 *
 * <pre>{@code
 * HostInterfaces.defaults()                 // every usable non-loopback, non-link-local address
 * HostInterfaces.defaults().withLoopback()  // tests and the embedded demo: loopback too
 * HostInterfaces.only("eth0", "wg0")        // just these interfaces
 * HostInterfaces.loopbackOnly()             // only 127.0.0.1 / ::1 (tests)
 * }</pre>
 *
 * @param includeLoopback  use loopback addresses (127.0.0.0/8, ::1)
 * @param includeLinkLocal use link-local addresses (169.254.0.0/16, fe80::/10)
 * @param ipv4             use IPv4 addresses
 * @param ipv6             use IPv6 addresses
 * @param interfaceNames   use only interfaces with these names; empty for every interface
 */
public record HostInterfaces(boolean includeLoopback, boolean includeLinkLocal, boolean ipv4, boolean ipv6,
        Set<String> interfaceNames) {

    private static final HostInterfaces DEFAULTS = new HostInterfaces(false, false, true, true, Set.of());

    public HostInterfaces {
        Objects.requireNonNull(interfaceNames, "interfaceNames");
        interfaceNames.forEach(name -> {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("interface names must not be blank");
            }
        });
        interfaceNames = Set.copyOf(interfaceNames);
        if (!ipv4 && !ipv6) {
            throw new IllegalArgumentException("at least one of IPv4 and IPv6 must be used");
        }
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
        return new HostInterfaces(true, false, true, true, names);
    }

    /** Only loopback addresses: what tests against a server on this machine want. */
    public static HostInterfaces loopbackOnly() {
        return new HostInterfaces(true, false, true, true, Set.of(LOOPBACK_MARKER));
    }

    /** A copy that uses loopback addresses too. */
    public HostInterfaces withLoopback() {
        return new HostInterfaces(true, includeLinkLocal, ipv4, ipv6, interfaceNames);
    }

    /** A copy that uses link-local addresses too. */
    public HostInterfaces withLinkLocal() {
        return new HostInterfaces(includeLoopback, true, ipv4, ipv6, interfaceNames);
    }

    /** A copy that uses only IPv4 addresses. */
    public HostInterfaces ipv4Only() {
        return new HostInterfaces(includeLoopback, includeLinkLocal, true, false, interfaceNames);
    }

    /** A copy that uses only IPv6 addresses. */
    public HostInterfaces ipv6Only() {
        return new HostInterfaces(includeLoopback, includeLinkLocal, false, true, interfaceNames);
    }

    /**
     * Whether an address of an interface is used.
     *
     * @param interfaceName the interface's name
     * @param loopbackInterface whether the interface is a loopback interface
     * @param isIpv6 whether the address is IPv6
     * @param loopbackAddress whether the address is a loopback address
     * @param linkLocalAddress whether the address is link-local
     */
    public boolean accepts(String interfaceName, boolean loopbackInterface, boolean isIpv6, boolean loopbackAddress,
            boolean linkLocalAddress) {
        if (isIpv6 ? !ipv6 : !ipv4) {
            return false;
        }
        if (loopbackAddress && !includeLoopback) {
            return false;
        }
        if (linkLocalAddress && !includeLinkLocal) {
            return false;
        }
        if (interfaceNames.isEmpty()) {
            return true;
        }
        return interfaceNames.contains(interfaceName)
                || (loopbackInterface && interfaceNames.contains(LOOPBACK_MARKER));
    }

    /** The name {@link #loopbackOnly()} uses for "whatever the loopback interface is called here". */
    public static final String LOOPBACK_MARKER = "<loopback>";

    @Override
    public String toString() {
        return "HostInterfaces[loopback=" + includeLoopback + ", linkLocal=" + includeLinkLocal + ", ipv4=" + ipv4
                + ", ipv6=" + ipv6 + ", interfaces=" + new TreeSet<>(interfaceNames) + "]";
    }
}
