package io.iceflux;

import static org.assertj.core.api.Assertions.assertThat;

import io.iceflux.IceServerUrl.HostType;
import io.iceflux.IceServerUrl.Scheme;
import io.iceflux.InvalidIceServerException.Part;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties of {@link IceServerUrl#parse(String)}: generated valid URLs parse to what was generated and their
 * canonical form parses to itself; arbitrary text only ever fails with an {@link InvalidIceServerException}.
 */
class IceServerUrlPropertiesTest {

    private static final String[] SCHEMES = {"stun", "stuns", "turn", "turns", "STUN", "Turns", "tUrN", "StUnS"};
    private static final String LABEL_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
    private static final String ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /** A generated valid URL and what parsing it must give. */
    record Case(String url, Scheme scheme, HostType hostType, String host, byte[] address, int port,
                ServerTransport transport) {
        @Override
        public String toString() {
            return url;
        }
    }

    @Property(tries = 3000)
    void validUrlsParseToWhatWasGeneratedAndCanonicalFormIsAFixedPoint(@ForAll("validUrls") Case c)
            throws UnknownHostException {
        IceServerUrl parsed = IceServerUrl.parse(c.url());

        assertThat(parsed.url()).isEqualTo(c.url());
        assertThat(parsed.scheme()).isEqualTo(c.scheme());
        assertThat(parsed.hostType()).isEqualTo(c.hostType());
        assertThat(parsed.port()).isEqualTo(c.port());
        assertThat(parsed.transport()).isEqualTo(c.transport());
        if (c.hostType() == HostType.IPV6) {
            // host() is a pure IPv6 literal here, so InetAddress parses it without any name lookup.
            assertThat(InetAddress.getByName(parsed.host()).getAddress()).isEqualTo(c.address());
            assertThat(parsed.host()).doesNotContain("[").isLowerCase();
        } else {
            assertThat(parsed.host()).isEqualTo(c.host());
        }

        IceServerUrl again = IceServerUrl.parse(parsed.canonical());
        assertThat(again.canonical()).isEqualTo(parsed.canonical());
        assertThat(again).isEqualTo(parsed).hasSameHashCodeAs(parsed);
        assertThat(again.hasExplicitPort()).isTrue();
        assertThat(again.hasExplicitTransport()).isEqualTo(c.scheme().isTurn());
        assertThat(again.host()).isEqualTo(parsed.host());
    }

    @Property
    void arbitraryTextOnlyFailsWithInvalidIceServerException(@ForAll("fuzzInputs") String url) {
        IceServerUrl parsed;
        try {
            parsed = IceServerUrl.parse(url);
        } catch (InvalidIceServerException e) {
            assertThat(e).isExactlyInstanceOf(IceServerSyntaxException.class);
            assertThat(e.part()).isNotNull();
            assertThat(e.getMessage()).startsWith("invalid ICE server URL \"").doesNotContain("\n", "\r", "\u0000");
            if (url.indexOf('@') >= 0) {
                assertThat(e.part()).isEqualTo(Part.USERINFO);
                assertThat(e.url()).startsWith(url.startsWith("turn:") || url.startsWith("stun:") ? url.substring(0, 5) : "")
                        .endsWith("***" + url.substring(url.lastIndexOf('@')));
            } else {
                assertThat(e.url()).isEqualTo(url);
            }
            return;
        }
        assertThat(parsed.url()).isEqualTo(url);
        assertThat(IceServerUrl.parse(parsed.canonical())).isEqualTo(parsed);
    }

    @Provide
    Arbitrary<Case> validUrls() {
        return Arbitraries.randomValue(IceServerUrlPropertiesTest::validCase);
    }

    @Provide
    Arbitrary<String> fuzzInputs() {
        Arbitrary<String> any = Arbitraries.strings().all().ofMaxLength(40);
        Arbitrary<String> urlish = Arbitraries.strings()
                .withChars("stunrSTUNR:[]/?#@%.-_=&0123456789abcdefABCDEFxv \t\n\u0000\u00FC\u00DF\u017F\u212A\u3002\uFF05")
                .ofMaxLength(40);
        Arbitrary<String> mutated = Arbitraries.randomValue(IceServerUrlPropertiesTest::mutatedUrl);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, any),
                net.jqwik.api.Tuple.of(1, urlish),
                net.jqwik.api.Tuple.of(3, mutated));
    }

    private static Case validCase(Random r) {
        String schemeText = SCHEMES[r.nextInt(SCHEMES.length)];
        Scheme scheme = Scheme.valueOf(schemeText.toUpperCase(Locale.ROOT));
        StringBuilder url = new StringBuilder(schemeText).append(':');
        HostType type = HostType.values()[r.nextInt(3)];
        String host = null;
        byte[] address = null;
        switch (type) {
            case DNS_NAME -> {
                int labels = 1 + r.nextInt(4);
                StringBuilder name = new StringBuilder();
                for (int i = 0; i < labels; i++) {
                    if (i > 0) {
                        name.append('.');
                    }
                    name.append(label(r, i == labels - 1));
                }
                if (r.nextInt(5) == 0) {
                    name.append('.');
                }
                url.append(name);
                host = name.toString().toLowerCase(Locale.ROOT);
            }
            case IPV4 -> {
                address = new byte[4];
                r.nextBytes(address);
                host = (address[0] & 0xff) + "." + (address[1] & 0xff) + "." + (address[2] & 0xff) + "."
                        + (address[3] & 0xff);
                url.append(host);
            }
            case IPV6 -> {
                address = new byte[16];
                r.nextBytes(address);
                int zeroStart = r.nextInt(9);
                int zeroLen = r.nextInt(9 - zeroStart);
                for (int i = zeroStart; i < zeroStart + zeroLen; i++) {
                    address[2 * i] = 0;
                    address[2 * i + 1] = 0;
                }
                boolean mapped = r.nextInt(8) == 0;
                if (mapped) {
                    java.util.Arrays.fill(address, 0, 10, (byte) 0);
                    address[10] = (byte) 0xff;
                    address[11] = (byte) 0xff;
                    zeroStart = 0;
                    zeroLen = 5;
                }
                url.append('[').append(ipv6Text(r, address, zeroStart, zeroLen)).append(']');
                if (mapped) {
                    address = java.util.Arrays.copyOfRange(address, 12, 16);
                }
            }
            default -> throw new IllegalStateException();
        }
        int port = scheme.defaultPort();
        if (r.nextBoolean()) {
            port = r.nextInt(65536);
            url.append(':').append(port);
        }
        ServerTransport transport = scheme.isSecure() ? ServerTransport.TLS : ServerTransport.UDP;
        if (scheme.isTurn() && r.nextBoolean()) {
            boolean tcp = scheme.isSecure() || r.nextBoolean();
            transport = scheme.isSecure() ? ServerTransport.TLS : tcp ? ServerTransport.TCP : ServerTransport.UDP;
            url.append("?transport=").append(tcp ? "tcp" : "udp");
        }
        return new Case(url.toString(), scheme, type, host, address, port, transport);
    }

    /**
     * A DNS label: never an invalid punycode {@code xn--} label, and for the last label of a name one with a letter
     * that is not a number of the URL Standard's IPv4 forms ({@code 123}, {@code 0x1F}), which would make the name
     * an IPv4 address.
     */
    private static String label(Random r, boolean last) {
        String label;
        do {
            label = anyLabel(r, last);
        } while (label.toLowerCase(Locale.ROOT).startsWith("xn--")
                || (last && label.toLowerCase(Locale.ROOT).matches("0x[0-9a-f]*")));
        return label;
    }

    private static String anyLabel(Random r, boolean last) {
        int length = 1 + r.nextInt(r.nextInt(10) == 0 ? 63 : 12);
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            String chars = i == 0 || i == length - 1 ? ALNUM : LABEL_CHARS;
            sb.append(chars.charAt(r.nextInt(chars.length())));
        }
        if (last) {
            sb.setCharAt(r.nextInt(length), (char) ('a' + r.nextInt(26)));
        }
        return sb.toString();
    }

    /** Write 16 bytes as IPv6 text, '::' over [zeroStart, zeroStart+zeroLen) when zeroLen > 0, random case. */
    private static String ipv6Text(Random r, byte[] a, int zeroStart, int zeroLen) {
        boolean mapped = zeroLen == 5 && zeroStart == 0 && (a[10] & 0xff) == 0xff && (a[11] & 0xff) == 0xff
                && r.nextBoolean();
        StringBuilder sb = new StringBuilder();
        int groups = mapped ? 6 : 8;
        for (int i = 0; i < groups; i++) {
            if (zeroLen > 0 && i == zeroStart) {
                sb.append("::");
                i += zeroLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            String hex = Integer.toHexString(((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff));
            if (r.nextInt(4) == 0) {
                hex = "0".repeat(4 - hex.length()) + hex;
            }
            sb.append(r.nextBoolean() ? hex : hex.toUpperCase(Locale.ROOT));
        }
        if (mapped) {
            if (sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(a[12] & 0xff).append('.').append(a[13] & 0xff).append('.').append(a[14] & 0xff).append('.')
                    .append(a[15] & 0xff);
        }
        return sb.toString();
    }

    /** A valid URL with a few characters inserted, deleted or replaced. */
    private static String mutatedUrl(Random r) {
        String noise = ":[]/?#@%.=&0 \u0000\u00FCxX-_";
        StringBuilder sb = new StringBuilder(validCase(r).url());
        int edits = 1 + r.nextInt(3);
        for (int e = 0; e < edits; e++) {
            int at = r.nextInt(sb.length() + 1);
            char c = noise.charAt(r.nextInt(noise.length()));
            switch (r.nextInt(3)) {
                case 0 -> sb.insert(at, c);
                case 1 -> {
                    if (at < sb.length()) {
                        sb.deleteCharAt(at);
                    }
                }
                default -> {
                    if (at < sb.length()) {
                        sb.setCharAt(at, c);
                    }
                }
            }
        }
        return sb.toString();
    }
}
