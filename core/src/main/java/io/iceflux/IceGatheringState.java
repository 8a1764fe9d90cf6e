package io.iceflux;

import java.util.Locale;

/**
 * The gathering state of W3C {@code RTCIceGatheringState}: {@code new → gathering → complete}; an ICE restart
 * starts a new generation and goes back to {@code gathering}.
 */
public enum IceGatheringState {
    /** Nothing has been gathered yet. */
    NEW,
    /** Candidates are being gathered; candidate errors are reported only in this state. */
    GATHERING,
    /** Every generation has finished gathering. */
    COMPLETE;

    /** The lower-case name the W3C uses ({@code "new"}, {@code "gathering"}, {@code "complete"}). */
    public String w3cName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
