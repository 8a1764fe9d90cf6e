package io.iceflux.benchmarks.scale;

import java.util.Locale;

/** What one gathering asks for. */
enum Scenario {
    /** Host + server-reflexive: one STUN Binding exchange. */
    STUN(1),
    /**
     * Host + server-reflexive + relayed: a Binding, an Allocate answered with 401, an authenticated Allocate (three
     * exchanges; the two Allocates are sequential, the Binding runs beside them).
     */
    TURN(3);

    private final int exchanges;

    Scenario(int exchanges) {
        this.exchanges = exchanges;
    }

    /** The request/response exchanges one gathering makes with the server. */
    int exchanges() {
        return exchanges;
    }

    /** The exchanges on the critical path (what cannot overlap). */
    int sequentialExchanges() {
        return this == STUN ? 1 : 2;
    }

    /** The lower-case name used on command lines and in tables. */
    String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parse a name ({@code stun} or {@code turn}).
     *
     * @throws IllegalArgumentException naming the text when it is neither
     */
    static Scenario parse(String text) {
        for (Scenario s : values()) {
            if (s.id().equals(text)) {
                return s;
            }
        }
        throw new IllegalArgumentException("scenario must be stun or turn, not '" + text + "'");
    }
}
