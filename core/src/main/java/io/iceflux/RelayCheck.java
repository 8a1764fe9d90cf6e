package io.iceflux;

import java.util.Objects;

/**
 * The outcome of the data-path check of one TURN server ({@code turn:}/{@code turns:} URL): whether relayed data
 * really flows through allocations on that server, not only whether Allocate succeeds. The most frequent TURN
 * misconfiguration (a wrong {@code relay-ip}/{@code external-ip}, a firewall over the relay port range) lets
 * Allocate succeed while media never flows; this check sees it.
 *
 * <p>How the check is made (see {@code NettyIceGatherer.checkRelays}): two allocations on the server, each from its
 * own socket or connection, permit each other; packets go relay A → relay B and are echoed back B → A (round trip
 * time and loss measured at A); when the server reported the server-reflexive address of B's socket (a UDP
 * allocation), packets also go relay A → that address directly and are echoed back to A's relayed address.
 *
 * @param url         the URL exactly as configured
 * @param ok          whether every path tried carried data (at least one packet echoed on each)
 * @param rttMs       the median round trip time of the echoed packets in milliseconds (microsecond precision), or
 *                    {@code null} when none came back
 * @param lossPercent the share of packets sent whose echo never came back, 0 to 100 (rounded), or {@code null}
 *                    when nothing was sent (the allocations failed)
 * @param sent        how many packets were sent, over every path
 * @param received    how many of them came back
 * @param detail      what happened in plain words: for a failure, the error (code and text) or what did not arrive
 *                    and what to check
 */
public record RelayCheck(String url, boolean ok, Double rttMs, Integer lossPercent, int sent, int received,
        String detail) {

    /**
     * Check the components.
     *
     * @throws NullPointerException if {@code url} or {@code detail} is null
     * @throws IllegalArgumentException if {@code sent} or {@code received} is negative, more were received than
     *     sent, or {@code lossPercent} is outside 0 to 100
     */
    public RelayCheck {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(detail, "detail");
        if (sent < 0 || received < 0 || received > sent) {
            throw new IllegalArgumentException("sent " + sent + " and received " + received
                    + " must be 0 or more, received at most sent");
        }
        if (lossPercent != null && (lossPercent < 0 || lossPercent > 100)) {
            throw new IllegalArgumentException("lossPercent must be 0 to 100, not " + lossPercent);
        }
    }

    /** A check that could not send anything (the allocations or their permissions failed): not ok, no numbers. */
    public static RelayCheck failed(String url, String detail) {
        return new RelayCheck(url, false, null, null, 0, 0, detail);
    }
}
