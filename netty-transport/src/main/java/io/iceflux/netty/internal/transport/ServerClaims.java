package io.iceflux.netty.internal.transport;

import io.iceflux.IpAddresses;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What a server says in a response, checked before it reaches a candidate or an error event: the transport
 * addresses it reports (XOR-MAPPED-ADDRESS, MAPPED-ADDRESS, XOR-RELAYED-ADDRESS), which must be usable as the
 * address of a candidate, and the reason phrase of its ERROR-CODE, which is capped at what RFC 8489 allows. The texts
 * of the 600 errors for unusable addresses are built here, in the style of the other 600 texts
 * ({@code "STUN binding response with no mapped address attribute."}).
 */
public final class ServerClaims {

    /** RFC 8489 §14.8: a reason phrase is at most 763 bytes of UTF-8 (fewer than 128 characters). */
    public static final int MAX_REASON_PHRASE_BYTES = 763;
    /** What ends a reason phrase that was cut: U+2026 HORIZONTAL ELLIPSIS (3 bytes), within the 763. */
    public static final String CUT_MARK = "\u2026";

    private static final byte[] LIMITED_BROADCAST = {(byte) 255, (byte) 255, (byte) 255, (byte) 255};

    private ServerClaims() {
    }

    /** Which address of a response. */
    public enum Claim {
        /** XOR-MAPPED-ADDRESS (or MAPPED-ADDRESS): the client's address as the server saw it. */
        MAPPED("mapped"),
        /** XOR-RELAYED-ADDRESS: the relayed transport address a TURN server allocated. */
        RELAYED("relayed");

        private final String word;

        Claim(String word) {
            this.word = word;
        }
    }

    /**
     * Return why {@code mapped} cannot be a reflexive address seen from the socket bound to {@code local}, or null if it
     * can: unspecified ({@code 0.0.0.0}, {@code ::}), the limited broadcast address, multicast, port 0, or not of the
     * family of {@code local}.
     */
    public static String mappedProblem(InetSocketAddress mapped, InetAddress local) {
        String problem = addressProblem(mapped);
        if (problem == null && family(mapped.getAddress()) != family(local)) {
            problem = family(mapped.getAddress()) + ", not the " + family(local)
                    + " of the socket the request left from";
        }
        return problem;
    }

    /**
     * Return why {@code relayed} cannot be the relayed address of an Allocate that asked for an IPv4 relay (no
     * REQUESTED-ADDRESS-FAMILY: IPv4, RFC 8656 §7.1), or null if it can: as {@link #mappedProblem}, against IPv4.
     */
    public static String relayedProblem(InetSocketAddress relayed) {
        return relayedProblem(relayed, false);
    }

    /**
     * Return why {@code relayed} cannot be a relayed address of the family asked for ({@code ipv6}: IPv6 through
     * REQUESTED-ADDRESS-FAMILY, or the additional relay of a dual allocation; else IPv4), or null if it can: as
     * {@link #mappedProblem}, against that family ({@code "IPv4, not the IPv6 that was requested"}).
     */
    public static String relayedProblem(InetSocketAddress relayed, boolean ipv6) {
        String problem = addressProblem(relayed);
        if (problem == null && (relayed.getAddress() instanceof Inet6Address) != ipv6) {
            problem = family(relayed.getAddress()) + ", not the " + (ipv6 ? "IPv6" : "IPv4") + " that was requested";
        }
        return problem;
    }

    /**
     * The errorText of the 600 error for an unusable address, e.g. {@code "STUN binding response with an unusable
     * mapped address 0.0.0.0:0 (unspecified)."}; an IPv6 address is written as candidates write it, in brackets
     * ({@code [::1]:5000}).
     *
     * @param response what answered: {@code "STUN binding"} or {@code "TURN allocate"}
     * @param problem  what {@link #mappedProblem} or {@link #relayedProblem} said
     */
    public static String unusableText(String response, Claim claim, InetSocketAddress address, String problem) {
        String host = IpAddresses.format(address.getAddress());
        String shown = address.getAddress() instanceof Inet6Address ? "[" + host + "]" : host;
        return response + " response with an unusable " + claim.word + " address " + shown + ":" + address.getPort()
                + " (" + problem + ").";
    }

    /**
     * Return {@code phrase} as an errorText may carry it: unchanged when it has at most
     * {@value #MAX_REASON_PHRASE_BYTES} bytes of UTF-8; otherwise cut on a character boundary (never inside a
     * surrogate pair) so that, with {@link #CUT_MARK} appended, it has at most {@value #MAX_REASON_PHRASE_BYTES} bytes.
     */
    public static String reasonPhrase(String phrase) {
        if (utf8Length(phrase, phrase.length()) <= MAX_REASON_PHRASE_BYTES) {
            return phrase;
        }
        int budget = MAX_REASON_PHRASE_BYTES - CUT_MARK.getBytes(StandardCharsets.UTF_8).length;
        int bytes = 0;
        int end = 0;
        while (end < phrase.length()) {
            int codePoint = phrase.codePointAt(end);
            int size = utf8Length(codePoint);
            if (bytes + size > budget) {
                break;
            }
            bytes += size;
            end += Character.charCount(codePoint);
        }
        return phrase.substring(0, end) + CUT_MARK;
    }

    private static String addressProblem(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        if (ip.isAnyLocalAddress()) {
            return "unspecified";
        }
        if (ip instanceof Inet4Address && Arrays.equals(ip.getAddress(), LIMITED_BROADCAST)) {
            return "broadcast";
        }
        if (ip.isMulticastAddress()) {
            return "multicast";
        }
        if (address.getPort() == 0) {
            return "port 0";
        }
        return null;
    }

    private static String family(InetAddress address) {
        return address instanceof Inet6Address ? "IPv6" : "IPv4";
    }

    private static int utf8Length(String s, int end) {
        int bytes = 0;
        for (int i = 0; i < end; ) {
            int codePoint = s.codePointAt(i);
            bytes += utf8Length(codePoint);
            i += Character.charCount(codePoint);
        }
        return bytes;
    }

    /** UTF-8 bytes of one code point; a lone surrogate is written as '?' (1 byte) by Java's encoder. */
    private static int utf8Length(int codePoint) {
        if (codePoint < 0x80) {
            return 1;
        }
        if (codePoint < 0x800) {
            return 2;
        }
        if (Character.isSurrogate((char) codePoint) && codePoint <= 0xFFFF) {
            return 1;
        }
        return codePoint < 0x10000 ? 3 : 4;
    }
}
