package io.iceflux.netty.internal.transport;

import io.iceflux.StunTimers;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Every sentence that says why a server could not be reached: the {@code errorText} of a 701 candidate error and
 * the message of the {@link StunTransportException} it comes from. Built here and nowhere else, so that the same
 * failure is always told in the same words. Where libwebrtc has a text for the failure, it is libwebrtc's
 * ({@code "STUN binding request timed out."}); every text is one sentence for a person and ends with a period.
 */
public final class FailureTexts {

    private FailureTexts() {
    }

    /** What failed, for the 701 texts: a STUN Binding or a TURN Allocate. */
    public enum Request {
        /** A STUN Binding request. */
        STUN_BINDING("STUN", "STUN binding request"),
        /** A TURN Allocate request. */
        TURN_ALLOCATE("TURN", "TURN allocate request");

        private final String noun;
        private final String text;

        Request(String noun, String text) {
            this.noun = noun;
            this.text = text;
        }
    }

    /** libwebrtc's text when no response came: {@code "STUN binding request timed out."}. */
    public static String timedOut(Request request) {
        return request.text + " timed out.";
    }

    /** libwebrtc's text when the server's host name did not resolve: {@code "TURN host lookup received error."}. */
    public static String lookupFailed(Request request) {
        return request.noun + " host lookup received error.";
    }

    /**
     * An ICMP error answered the request: {@code "STUN binding request failed: port unreachable (ICMP)."}.
     *
     * @param what {@code "port unreachable"}, {@code "host unreachable"} or {@code "network unreachable"}
     */
    public static String icmpUnreachable(Request request, String what) {
        return request.text + " failed: " + what + " (ICMP).";
    }

    /** The message of a {@link StunTransportException.IcmpUnreachable}. */
    static String icmpFrom(InetSocketAddress server, String what) {
        return "ICMP " + what + " for the request to " + address(server) + ".";
    }

    /** The gathering deadline passed before the host name of the server was resolved. */
    public static String deadlineBeforeLookup(Duration deadline, Request request) {
        return "Gathering deadline of " + duration(deadline) + " passed before the " + request.noun
                + " host lookup completed.";
    }

    /** The gathering deadline passed before {@code request} completed. */
    public static String deadlineBefore(Duration deadline, Request request) {
        return "Gathering deadline of " + duration(deadline) + " passed before the " + request.text + " completed.";
    }

    /** No local address is usable at all. */
    public static String noLocalAddress() {
        return "No usable local network address to reach the server from.";
    }

    /**
     * No local address has the family of the server's addresses: libwebrtc's text for STUN,
     * {@code "STUN server address is incompatible."}, and its TURN counterpart
     * {@code "TURN server address is incompatible."} (libwebrtc reports a TURN server of the wrong family as a 600
     * {@code "IP address family does not match."}; here it is a 701, like every server no host socket can reach).
     */
    public static String incompatibleAddress(Request request) {
        return request.noun + " server address is incompatible.";
    }

    /** A failure nothing else describes. */
    public static String unexpected(Request request, Throwable cause) {
        return request.noun + " " + (request == Request.TURN_ALLOCATE ? "allocation" : "binding") + " failed: "
                + cause + ".";
    }

    /** The text of a {@link StunTransportException.Timeout} over UDP. */
    static String noResponse(InetSocketAddress server, int requests, StunTimers timers) {
        return "no response from " + address(server) + " after " + requests + " requests in "
                + timers.udpTimeout().toMillis() + " ms";
    }

    /** The text of a {@link StunTransportException.Timeout} over TCP or TLS. */
    static String noResponse(InetSocketAddress server, StunTimers timers) {
        return "no response from " + address(server) + " within " + timers.reliableTimeout().toMillis() + " ms";
    }

    static String couldNotSend(InetSocketAddress destination, Throwable cause) {
        return "STUN request to " + address(destination) + " could not be sent: " + describe(cause) + ".";
    }

    static String eventLoopShutDown() {
        return "The transport's event loop has shut down.";
    }

    static String udpSocketClosed(InetSocketAddress local) {
        return "UDP socket on " + address(local) + " was closed.";
    }

    static String udpSocketNotOpened(InetSocketAddress bind, Throwable cause) {
        return "could not open a UDP socket on " + address(bind) + ": " + describe(cause) + ".";
    }

    static String tcpRefused(InetSocketAddress server) {
        return "TCP connection to " + address(server) + " refused.";
    }

    static String tcpTimedOut(InetSocketAddress server) {
        return "TCP connection to " + address(server) + " timed out.";
    }

    static String tcpResetWhileConnecting(InetSocketAddress server) {
        return "TCP connection to " + address(server) + " was reset by the server.";
    }

    static String tcpFailed(InetSocketAddress server, Throwable cause) {
        return "TCP connection to " + address(server) + " failed: " + describe(cause) + ".";
    }

    static String tlsTimedOut(String hostName) {
        return "TLS handshake with " + hostName + " timed out.";
    }

    static String tlsFailed(String hostName, String reason) {
        return "TLS handshake with " + hostName + " failed: " + reason + ".";
    }

    /** How an open connection ended, e.g. "TLS connection to 192.0.2.1:5349 was reset by the server.". */
    static String connectionEnded(boolean secure, InetSocketAddress server, String how) {
        return (secure ? "TLS" : "TCP") + " connection to " + address(server) + " " + how + ".";
    }

    /** {@code 192.0.2.1:3478} or {@code [2001:db8::1]:3478}. */
    public static String address(InetSocketAddress a) {
        String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + a.getPort() : host + ":" + a.getPort();
    }

    /** The exception's message, or its simple class name when it has none. */
    public static String describe(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }

    /** {@code 3 s}, or {@code 300 ms} when not whole seconds. */
    static String duration(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
