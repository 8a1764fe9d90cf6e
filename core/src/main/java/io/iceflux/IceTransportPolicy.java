package io.iceflux;

import java.util.Locale;

/** W3C {@code RTCIceTransportPolicy}: which candidates the gatherer hands to the application. */
public enum IceTransportPolicy {
    /** Every candidate type. */
    ALL,
    /** Only relayed candidates (errors are still reported). */
    RELAY;

    /** The lower-case name the W3C uses ({@code "all"}, {@code "relay"}). */
    public String w3cName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parse the W3C name ({@code "all"} or {@code "relay"}, case-insensitive).
     *
     * @throws IllegalArgumentException for anything else, naming the value
     */
    public static IceTransportPolicy fromW3cName(String name) {
        for (IceTransportPolicy p : values()) {
            if (p.w3cName().equalsIgnoreCase(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("iceTransportPolicy must be \"all\" or \"relay\", not \"" + name + "\"");
    }
}
