package io.iceflux.examples.web;

import io.iceflux.IceServer;
import io.iceflux.IceServerUrl;
import io.iceflux.IpAddresses;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The servers the page may probe: {@code iceflux.diagnostics.allow}, a list of rules {@code HOST[:PORTS]}.
 * <ul>
 * <li>HOST is a DNS name ({@code turn.example.org}), a wildcard for every name under a domain
 * ({@code *.example.org}: {@code a.example.org} and {@code a.b.example.org}, not {@code example.org}), an IPv4 address
 * or range ({@code 10.0.0.5}, {@code 10.1.0.0/16}), or an IPv6 address or range in brackets ({@code [2001:db8::1]},
 * {@code [2001:db8::/32]});</li>
 * <li>PORTS is one port ({@code 3478}) or a range ({@code 3478-3479}); without it every port is allowed. For more
 * ports, repeat the rule.</li>
 * </ul>
 *
 * <p>A URL whose host is an IP address needs an address rule (IP or range) that covers the address and the port. A
 * URL whose host is a name needs a name rule that covers the name and the port; once the name is resolved (by
 * {@link AllowlistResolver}, before any packet is sent), each address must be public, or covered by an address rule
 * with the URL's port. So a permitted name that resolves, or is rebound, to a loopback, private, link-local or other
 * special-purpose address (127.0.0.1, 10.0.0.5, 169.254.169.254, fd00::1, …) is refused unless an address rule lets it.
 */
final class Allowlist {

    /** The property the rules come from, named in every message about them. */
    static final String PROPERTY = "iceflux.diagnostics.allow";

    /**
     * Special-purpose ranges (the IANA IPv4 and IPv6 special-purpose address registries, plus multicast): an address
     * in one of them is not public, so a name rule alone does not let the page send to it. IPv4-mapped IPv6 addresses
     * need no entry: Java turns them into their IPv4 address, which is checked, and sent to, as such.
     */
    private static final List<Range> SPECIAL_PURPOSE = List.of(
            "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
            "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
            "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
            "::/128", "::1/128", "64:ff9b::/96", "64:ff9b:1::/48", "100::/64", "2001::/23",
            "2001:db8::/32", "2002::/16", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8")
            .stream().map(Allowlist::specialRange).toList();

    private static final Pattern LABEL = Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?");
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");

    private final List<Rule> rules;

    private Allowlist(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /**
     * Parse the rules of {@link #PROPERTY}.
     *
     * @throws IllegalArgumentException naming the property, the entry's position and text, and what is wrong
     */
    static Allowlist parse(List<String> entries) {
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            String entry = entries.get(i);
            try {
                rules.add(Rule.parse(entry == null ? "" : entry.trim()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(PROPERTY + "[" + i + "] \"" + entry + "\": " + e.getMessage()
                        + "; a rule is HOST or HOST:PORT or HOST:PORT-PORT, HOST a name (turn.example.org,"
                        + " *.example.org), an IPv4 address or range (10.0.0.5, 10.1.0.0/16) or an IPv6 one in"
                        + " brackets ([2001:db8::1], [2001:db8::/32])");
            }
        }
        return new Allowlist(rules);
    }

    /** These rules and one rule for each of {@code address}'s {@code ports}. */
    Allowlist with(InetAddress address, Collection<Integer> ports) {
        List<Rule> all = new ArrayList<>(rules);
        for (int port : ports) {
            all.add(new Rule(Host.range(address, address.getAddress().length * 8), port, port));
        }
        return new Allowlist(all);
    }

    boolean isEmpty() {
        return rules.isEmpty();
    }

    /** The rules, as a list a person reads: {@code turn.example.org:3478, 10.1.0.0/16:3478-3479}. */
    @Override
    public String toString() {
        return rules.stream().map(Rule::toString).collect(Collectors.joining(", "));
    }

    /**
     * Why the page must not probe {@code url}, or empty when a rule allows it: {@code port 22 not allowed for
     * 10.0.0.0/8 (allowed 3478-3479)} or {@code no rule allows host 10.0.0.5}.
     */
    Optional<String> refusal(IceServerUrl url) {
        List<Rule> forHost = new ArrayList<>();
        if (url.hostType() == IceServerUrl.HostType.DNS_NAME) {
            String name = withoutFinalDot(url.host());
            rules.stream().filter(r -> r.host().matchesName(name)).forEach(forHost::add);
        } else {
            InetAddress address = literal(url.host());
            rules.stream().filter(r -> r.host().contains(address)).forEach(forHost::add);
        }
        if (forHost.isEmpty()) {
            return Optional.of("no rule allows host " + url.host());
        }
        if (forHost.stream().anyMatch(r -> r.allowsPort(url.port()))) {
            return Optional.empty();
        }
        return Optional.of("port " + url.port() + " not allowed for " + forHost.stream()
                .map(r -> r.host() + " (allowed " + r.ports() + ")").collect(Collectors.joining(", ")));
    }

    /** The refusals of every URL of {@code servers}, each as {@code URL: why}. */
    List<String> refusals(List<IceServer> servers) {
        List<String> refused = new ArrayList<>();
        for (IceServer server : servers) {
            for (IceServerUrl url : server.parsedUrls()) {
                refusal(url).ifPresent(why -> refused.add(url.url() + ": " + why));
            }
        }
        return refused;
    }

    /**
     * Whether a name the rules allowed may be sent to at {@code address} on {@code port} once resolved: when the
     * address is public, or when an address rule covers it and the port.
     */
    boolean permitsResolved(InetAddress address, int port) {
        return rules.stream().anyMatch(r -> r.host().contains(address) && r.allowsPort(port))
                || SPECIAL_PURPOSE.stream().noneMatch(range -> range.contains(address));
    }

    private static String withoutFinalDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    /** An IP literal as the gatherer sends to it: an IPv4-mapped IPv6 address becomes its IPv4 address. */
    private static InetAddress literal(String text) {
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(text);
        if (bytes == null) {
            throw new IllegalArgumentException("not an IP address: " + text);
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + text, e);
        }
    }

    private static Range specialRange(String cidr) {
        int slash = cidr.indexOf('/');
        return Host.range(literal(cidr.substring(0, slash)), Integer.parseInt(cidr.substring(slash + 1)));
    }

    /** One rule: which hosts and which ports. */
    private record Rule(Host host, int firstPort, int lastPort) {

        static Rule parse(String entry) {
            if (entry.isEmpty()) {
                throw new IllegalArgumentException("the rule is empty");
            }
            String hostPart;
            String portPart;
            if (entry.startsWith("[")) {
                int close = entry.indexOf(']');
                if (close < 0) {
                    throw new IllegalArgumentException("the '[' has no ']'");
                }
                hostPart = entry.substring(1, close);
                String rest = entry.substring(close + 1);
                if (!rest.isEmpty() && !rest.startsWith(":")) {
                    throw new IllegalArgumentException("after ']' comes ':' and the ports, not \"" + rest + "\"");
                }
                portPart = rest.isEmpty() ? null : rest.substring(1);
                if (!hostPart.contains(":")) {
                    throw new IllegalArgumentException("brackets are for IPv6 only");
                }
            } else {
                int colon = entry.indexOf(':');
                if (colon >= 0 && entry.indexOf(':', colon + 1) >= 0) {
                    throw new IllegalArgumentException("an IPv6 address or range goes in brackets");
                }
                hostPart = colon < 0 ? entry : entry.substring(0, colon);
                portPart = colon < 0 ? null : entry.substring(colon + 1);
            }
            Host host = Host.parse(hostPart);
            if (portPart == null) {
                return new Rule(host, 1, 65535);
            }
            int dash = portPart.indexOf('-');
            int first = port(dash < 0 ? portPart : portPart.substring(0, dash));
            int last = dash < 0 ? first : port(portPart.substring(dash + 1));
            if (last < first) {
                throw new IllegalArgumentException("the port range " + portPart + " ends before it starts");
            }
            return new Rule(host, first, last);
        }

        private static int port(String text) {
            if (!DIGITS.matcher(text).matches() || text.length() > 5 || Integer.parseInt(text) < 1
                    || Integer.parseInt(text) > 65535) {
                throw new IllegalArgumentException("the port \"" + text + "\" is not a number 1-65535");
            }
            return Integer.parseInt(text);
        }

        boolean allowsPort(int port) {
            return port >= firstPort && port <= lastPort;
        }

        String ports() {
            if (firstPort == 1 && lastPort == 65535) {
                return "every port";
            }
            return firstPort == lastPort ? Integer.toString(firstPort) : firstPort + "-" + lastPort;
        }

        @Override
        public String toString() {
            String shown = host instanceof Range range && range.isIpv6() ? "[" + host + "]" : host.toString();
            return firstPort == 1 && lastPort == 65535 ? shown : shown + ":" + ports();
        }
    }

    /** The host part of a rule. */
    private sealed interface Host permits Name, Range {

        /** Whether this rule names the DNS name {@code name} (lower case, no final dot). */
        boolean matchesName(String name);

        /** Whether this rule covers the IP address {@code address}. */
        boolean contains(InetAddress address);

        static Host parse(String text) {
            String host = text.toLowerCase(Locale.ROOT);
            int slash = host.indexOf('/');
            String address = slash < 0 ? host : host.substring(0, slash);
            if (NetUtil.createByteArrayFromIpAddressString(address) == null) {
                if (slash >= 0) {
                    throw new IllegalArgumentException("\"" + address + "\" before the '/' is not an IP address");
                }
                return Name.parse(host);
            }
            byte[] bytes = literal(address).getAddress();
            if (address.contains(":") && bytes.length == 4) {
                throw new IllegalArgumentException("write the IPv4-mapped address " + address + " as IPv4 (the page"
                        + " sends to it as IPv4)");
            }
            int bits = bytes.length * 8;
            int prefix = bits;
            if (slash >= 0) {
                String length = host.substring(slash + 1);
                if (!DIGITS.matcher(length).matches() || length.length() > 3 || Integer.parseInt(length) > bits) {
                    throw new IllegalArgumentException("the prefix length /" + length + " is not a number 0-"
                            + bits);
                }
                prefix = Integer.parseInt(length);
            }
            Range range = range(literal(address), prefix);
            if (!Arrays.equals(range.network(), bytes)) {
                throw new IllegalArgumentException("the address has bits set past the prefix /" + prefix
                        + "; the range is " + range);
            }
            return range;
        }

        static Range range(InetAddress address, int prefix) {
            byte[] bytes = address.getAddress();
            byte[] network = new byte[bytes.length];
            for (int bit = 0; bit < prefix; bit++) {
                network[bit / 8] |= (byte) (bytes[bit / 8] & (0x80 >>> (bit % 8)));
            }
            return new Range(network, prefix);
        }
    }

    /** A DNS name, or every name under a domain ({@code *.example.org}). */
    private record Name(String name, boolean wildcard) implements Host {

        static Name parse(String text) {
            boolean wildcard = text.startsWith("*.");
            String name = withoutFinalDot(wildcard ? text.substring(2) : text);
            if (name.isEmpty() || name.length() > 253) {
                throw new IllegalArgumentException("a host name has 1-253 characters");
            }
            String[] labels = name.split("\\.", -1);
            for (String label : labels) {
                if (!LABEL.matcher(label).matches()) {
                    throw new IllegalArgumentException("\"" + text + "\" is not an IP address, an address range"
                            + " or a host name (letters, digits and '-' between dots" + (text.contains("*")
                            ? ", '*.' only at the start" : "") + ")");
                }
            }
            if (DIGITS.matcher(labels[labels.length - 1]).matches()) {
                throw new IllegalArgumentException("\"" + text + "\" is not an IP address (each part 0-255) nor a"
                        + " host name (whose last label is not a number)");
            }
            return new Name(name, wildcard);
        }

        @Override
        public boolean matchesName(String host) {
            return wildcard ? host.endsWith("." + name) : host.equals(name);
        }

        @Override
        public boolean contains(InetAddress address) {
            return false;
        }

        @Override
        public String toString() {
            return wildcard ? "*." + name : name;
        }
    }

    /** An IP address range: the network's bytes (bits past the prefix zero) and the prefix length. */
    private record Range(byte[] network, int prefix) implements Host {

        boolean isIpv6() {
            return network.length == 16;
        }

        /** Whether {@code bytes} (an address of either family) has this range's first {@code prefix} bits. */
        boolean covers(byte[] bytes) {
            if (bytes.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >>> (bit % 8);
                if ((bytes[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public boolean matchesName(String host) {
            return false;
        }

        @Override
        public boolean contains(InetAddress address) {
            return covers(address.getAddress());
        }

        @Override
        public String toString() {
            try {
                String base = IpAddresses.format(InetAddress.getByAddress(network));
                return prefix == network.length * 8 ? base : base + "/" + prefix;
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
