package io.iceflux.examples.common;

import io.iceflux.IceCandidate;
import io.iceflux.IceCandidateError;
import io.iceflux.IceServerUrl;
import io.iceflux.ServerTransport;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * The diagnosis rules every verdict is made with ({@link #DEFAULTS}), in the order their findings are shown. Each
 * rule decides from {@link GatheringFacts} only, that is from the public events of one gathering generation. To
 * add one, give {@link ServerChecks} {@code DiagnosisRules.DEFAULTS} plus your own {@link DiagnosisRule}s.
 */
public final class DiagnosisRules {

    private DiagnosisRules() {
    }

    /** REST credentials whose expiry passed before the server saw them (the verdict coturn's 401 gets). */
    public static final DiagnosisRule TURN_REST_EXPIRED = new DiagnosisRule("turn-rest-expired",
            "the TURN REST credentials had expired: check the clocks of this machine and the server, and the TTL",
            f -> f.failedWith(401) && expired(f),
            (f, text) -> "401 " + text.apply(f.error().orElseThrow().errorText())
                    + " to credentials whose TURN REST username expired at " + f.check().restExpiry().orElseThrow());

    /** A 401 without REALM or NONCE: no TURN client can answer it. */
    public static final DiagnosisRule CHALLENGE_WITHOUT_REALM = new DiagnosisRule("challenge-without-realm",
            "the server's 401 is not a challenge a TURN client can answer (no REALM or NONCE): no working TURN server "
                    + "listens there (a STUN-only server, or another service), or its authentication is misconfigured",
            f -> f.check().parsed().scheme().isTurn() && f.failedWith(401) && withoutRealm(f),
            (f, text) -> "the TURN Allocate's 401 " + text.apply(f.error().orElseThrow().errorText())
                    + " could not be answered: " + text.apply(f.unansweredChallenge().orElseThrow()));

    /** A final 401 to the Allocate: the server refused the username and password. */
    public static final DiagnosisRule WRONG_CREDENTIALS = new DiagnosisRule("wrong-credentials",
            "the username or password is wrong: check both",
            f -> f.check().parsed().scheme().isTurn() && f.failedWith(401) && !expired(f) && !withoutRealm(f),
            (f, text) -> {
                String answer = "401 " + text.apply(f.error().orElseThrow().errorText());
                if (!f.challengesKnown()) {
                    return "the TURN Allocate ended with " + answer;
                }
                return f.unansweredChallenge().map(why -> "the server's " + answer + " could not be answered: "
                        + text.apply(why)).orElse("the server answered " + answer + " to the TURN Allocate signed "
                        + "with the configured credentials, after its challenge (REALM and NONCE) had been answered");
            });

    /** 486 Allocation Quota Reached. */
    public static final DiagnosisRule QUOTA_REACHED = new DiagnosisRule("quota-reached",
            "the server's allocation quota is used up (too many allocations alive for this user or in total): "
                    + "wait for them to expire, or raise the quota (coturn user-quota, total-quota)",
            f -> f.check().parsed().scheme().isTurn() && f.failedWith(486),
            (f, text) -> "the TURN Allocate was answered 486 " + text.apply(f.error().orElseThrow().errorText()));

    /** A TLS certificate whose validity ended. */
    public static final DiagnosisRule TLS_EXPIRED = new DiagnosisRule("tls-expired",
            "the server's TLS certificate has expired: renew it",
            f -> tlsCertificateFailure(f) && expiredCertificate(f),
            DiagnosisRules::the701);

    /** A TLS certificate for another name than the URL's host. */
    public static final DiagnosisRule TLS_WRONG_NAME = new DiagnosisRule("tls-wrong-name",
            "the server's TLS certificate is for another name than the URL's host: use a name the certificate "
                    + "names, or give the server a certificate for this one",
            f -> f.failedWith701Containing("certificate does not match the host name"),
            DiagnosisRules::the701);

    /** A TLS certificate no trust anchor vouches for: self-signed, a private CA, an incomplete chain. */
    public static final DiagnosisRule TLS_UNTRUSTED = new DiagnosisRule("tls-untrusted",
            "the server's TLS certificate is not trusted here (self-signed, from a private CA, or sent without "
                    + "its intermediate certificates): add the CA to the trust store, or fix the chain",
            f -> tlsCertificateFailure(f) && !expiredCertificate(f)
                    && !f.failedWith701Containing("certificate does not match the host name"),
            DiagnosisRules::the701);

    /** A turns:/stuns: URL whose port answers, but not in TLS. */
    public static final DiagnosisRule NOT_TLS = new DiagnosisRule("not-tls",
            "the port does not speak TLS: a turns:/stuns: URL that points at a plain TCP port (or another service)",
            f -> f.failedWith701Containing("does not speak TLS"),
            DiagnosisRules::the701);

    /** The host name does not resolve. */
    public static final DiagnosisRule DNS_LOOKUP_FAILED = new DiagnosisRule("dns-lookup-failed",
            "the server's host name does not resolve (a typo, no A or AAAA record, or no working DNS here)",
            f -> f.failedWith701Containing("host lookup received error"),
            (f, text) -> "701 " + text.apply(f.error().orElseThrow().errorText()) + " for "
                    + text.apply(f.check().parsed().host()));

    /** The name resolves, but only to the family this machine has no address of. */
    public static final DiagnosisRule DNS_FAMILY_MISMATCH = new DiagnosisRule("dns-family-mismatch",
            "the server's name has addresses of one family only (A records but no AAAA, or AAAA but no A), and "
                    + "this machine gathers on the other family only: add the missing record, or gather on an "
                    + "address of that family",
            f -> f.check().parsed().hostType() == IceServerUrl.HostType.DNS_NAME
                    && f.failedWith701Containing("address is incompatible"),
            (f, text) -> text.apply(f.check().parsed().host()) + " resolved, to no address of the family of "
                    + localFamilies(f, text) + " (701 " + text.apply(f.error().orElseThrow().errorText()) + ")");

    /** UDP requests time out while TCP or TLS to the same host is answered. */
    public static final DiagnosisRule UDP_BLOCKED = new DiagnosisRule("udp-blocked",
            "UDP to the server is blocked (a firewall drops it on the way, or the server does not listen on UDP): "
                    + "TURN over TCP or TLS (turn:…?transport=tcp, turns:) gets through",
            f -> f.check().parsed().transport() == ServerTransport.UDP && timedOut(f)
                    && reachedOverStream(f).isPresent() && !udpAnswered(f),
            (f, text) -> {
                ServerCheck stream = reachedOverStream(f).orElseThrow();
                return text.apply(stream.url()) + " reached " + text.apply(f.check().parsed().host()) + " over "
                        + (stream.parsed().scheme().isSecure() ? "TLS" : "TCP") + " (" + howReached(stream, text)
                        + "), while no UDP request to " + text.apply(f.check().parsed().host())
                        + " was answered (701 " + text.apply(f.error().orElseThrow().errorText()) + ")";
            });

    /** The server's host answered ICMP port unreachable: nothing listens on that UDP port. */
    public static final DiagnosisRule PORT_UNREACHABLE = new DiagnosisRule("port-unreachable",
            "nothing listens on that UDP port on the server's host (the server is not running, listens on another "
                    + "port, or only on TCP): check the port and that the server runs",
            f -> f.failedWith701Containing("port unreachable (ICMP)"),
            (f, text) -> "the server's host answered the request with ICMP port unreachable (701 "
                    + text.apply(f.error().orElseThrow().errorText()) + ")");

    /** A router (or this machine) answered ICMP host or network unreachable. */
    public static final DiagnosisRule HOST_UNREACHABLE = new DiagnosisRule("host-unreachable",
            "the server's address cannot be reached from here (no route to it, the host is down, or a firewall "
                    + "rejects the traffic): check the address and the routing or firewall between here and there",
            f -> f.failedWith701Containing("host unreachable (ICMP)")
                    || f.failedWith701Containing("network unreachable (ICMP)"),
            (f, text) -> "the request was answered with ICMP unreachable (701 "
                    + text.apply(f.error().orElseThrow().errorText()) + ")");

    /** Responses came from another address than the one asked, and were dropped. */
    public static final DiagnosisRule WRONG_SOURCE = new DiagnosisRule("wrong-source",
            "the server answers from another address or port than the one it was asked at (a multihomed server "
                    + "without listening-ip, or a NAT in front of it), so its answers are dropped",
            f -> f.check().parsed().transport() == ServerTransport.UDP && timedOut(f)
                    && f.responsesFromWrongAddress().orElse(0) > 0,
            (f, text) -> f.responsesFromWrongAddress().orElseThrow() + " response(s) in this gathering came from "
                    + "another address than the one their request went to and were dropped (wrong-source), then "
                    + "the request timed out (701 " + text.apply(f.error().orElseThrow().errorText()) + ")");

    /** A relay address in a private network, handed out by a server reached across the internet. */
    public static final DiagnosisRule PRIVATE_RELAY = new DiagnosisRule("private-relay",
            "the server hands out relay addresses of a private network while it is reached across the internet: "
                    + "its external address is probably not configured (coturn external-ip), so peers cannot reach "
                    + "the relay",
            f -> privateRelay(f).isPresent() && publicWitness(f, UnaryOperator.identity()).isPresent(),
            (f, text) -> "relay " + text.apply(hostPort(privateRelay(f).orElseThrow()))
                    + " is a private address, while " + publicWitness(f, text).orElseThrow());

    /** Two servers saw the same local address mapped to different public ones. */
    public static final DiagnosisRule SYMMETRIC_NAT = new DiagnosisRule("symmetric-nat",
            "this machine is behind a symmetric NAT (each server sees another mapping of the same local "
                    + "address): peers will need a TURN relay to reach it",
            f -> !mappingConflicts(f).isEmpty(),
            (f, text) -> mappingConflicts(f).stream()
                    .map(pair -> "from local " + text.apply(pair[0].relatedAddress() + ":" + pair[0].relatedPort())
                            + ", " + text.apply(pair[0].url()) + " saw " + text.apply(hostPort(pair[0])) + " but "
                            + text.apply(pair[1].url()) + " saw " + text.apply(hostPort(pair[1])))
                    .distinct().collect(Collectors.joining("; ")));

    /** Every rule, in the order their findings are shown. */
    public static final List<DiagnosisRule> DEFAULTS = List.of(TURN_REST_EXPIRED, CHALLENGE_WITHOUT_REALM,
            WRONG_CREDENTIALS, QUOTA_REACHED,
            TLS_EXPIRED, TLS_WRONG_NAME, TLS_UNTRUSTED, NOT_TLS, DNS_LOOKUP_FAILED, DNS_FAMILY_MISMATCH, PORT_UNREACHABLE,
            HOST_UNREACHABLE, UDP_BLOCKED, WRONG_SOURCE, PRIVATE_RELAY, SYMMETRIC_NAT);

    // ------------------------------------------------------------------------------------------------ helpers

    private static String the701(GatheringFacts f, UnaryOperator<String> text) {
        return "701 " + text.apply(f.error().orElseThrow().errorText());
    }

    private static boolean expired(GatheringFacts f) {
        return f.check().restExpiry().filter(expiry -> expiry.isBefore(f.now())).isPresent();
    }

    private static boolean withoutRealm(GatheringFacts f) {
        return f.unansweredChallenge().filter(why -> why.contains("no REALM") || why.contains("no NONCE")).isPresent();
    }

    private static boolean tlsCertificateFailure(GatheringFacts f) {
        return f.failedWith701Containing("TLS handshake with") && (f.failedWith701Containing("certificate not trusted")
                || f.failedWith701Containing("certificate rejected"));
    }

    private static boolean expiredCertificate(GatheringFacts f) {
        return f.failedWith701Containing("NotAfter") || f.failedWith701Containing("expired");
    }

    /** A 701 that says the request got no answer in time (retransmissions spent, or the gathering deadline). */
    private static boolean timedOut(GatheringFacts f) {
        return f.failedWith701Containing("request timed out") || f.failedWith701Containing("Gathering deadline");
    }

    private static boolean sameHost(ServerCheck a, ServerCheck b) {
        return a.parsed().host().equalsIgnoreCase(b.parsed().host());
    }

    /** Whether the server answered this check at all: its candidate came, or it answered with an error code. */
    private static boolean answered(ServerCheck check) {
        return check.obtained().isPresent()
                || check.errors().stream().anyMatch(e -> e.errorCode() != IceCandidateError.SERVER_NOT_REACHABLE);
    }

    /** A check of the same host over TCP or TLS that the server answered. */
    private static Optional<ServerCheck> reachedOverStream(GatheringFacts f) {
        return f.checks().stream().filter(c -> c != f.check() && sameHost(c, f.check()))
                .filter(c -> c.parsed().transport() != ServerTransport.UDP && answered(c)).findFirst();
    }

    /** Whether anything came over UDP from the host: an answered UDP check, or a srflx of a UDP URL of the host. */
    private static boolean udpAnswered(GatheringFacts f) {
        boolean checkAnswered = f.checks().stream().filter(c -> sameHost(c, f.check()))
                .anyMatch(c -> c.parsed().transport() == ServerTransport.UDP && answered(c));
        boolean srflx = f.candidates().stream().filter(c -> c.type() == IceCandidate.Type.SRFLX && c.url() != null)
                .anyMatch(c -> f.checks().stream().anyMatch(check -> check.url().equals(c.url())
                        && sameHost(check, f.check())));
        return checkAnswered || srflx;
    }

    private static String howReached(ServerCheck stream, UnaryOperator<String> text) {
        Optional<IceCandidate> obtained = stream.obtained();
        if (obtained.isPresent()) {
            return "relay " + text.apply(hostPort(obtained.get()));
        }
        IceCandidateError answer = stream.firstError().orElseThrow();
        return "it answered " + answer.errorCode() + " " + text.apply(answer.errorText());
    }

    private static String localFamilies(GatheringFacts f, UnaryOperator<String> text) {
        List<IceCandidate> hosts = f.candidates().stream().filter(c -> c.type() == IceCandidate.Type.HOST).toList();
        if (hosts.isEmpty()) {
            return "this machine's local addresses";
        }
        boolean v4 = hosts.stream().anyMatch(c -> !c.address().contains(":"));
        boolean v6 = hosts.stream().anyMatch(c -> c.address().contains(":"));
        String families = v4 && v6 ? "IPv4 and IPv6" : v4 ? "IPv4 only" : "IPv6 only";
        return "this machine's local addresses (" + families + ": " + hosts.stream()
                .map(c -> text.apply(c.address())).distinct().collect(Collectors.joining(", ")) + ")";
    }

    private static Optional<IceCandidate> privateRelay(GatheringFacts f) {
        return f.candidates(IceCandidate.Type.RELAY).stream().filter(c -> isPrivate(c.address())).findFirst();
    }

    /** Why the server is reached across the internet: its public address in the URL, or a public srflx. */
    private static Optional<String> publicWitness(GatheringFacts f, UnaryOperator<String> text) {
        IceServerUrl url = f.check().parsed();
        if (url.hostType() != IceServerUrl.HostType.DNS_NAME && isPublic(url.host())) {
            return Optional.of("the server's address " + text.apply(url.host()) + " is public");
        }
        return f.candidates().stream().filter(c -> c.type() == IceCandidate.Type.SRFLX && isPublic(c.address()))
                .findFirst().map(c -> "this machine's server-reflexive address " + text.apply(c.address())
                        + (c.url() == null ? "" : " (from " + text.apply(c.url()) + ")")
                        + " is public, so servers are reached across the internet");
    }

    /**
     * Pairs (this URL's srflx, another URL's srflx) from the same local address and port that differ: the mapping
     * depends on the destination.
     */
    private static List<IceCandidate[]> mappingConflicts(GatheringFacts f) {
        List<IceCandidate> srflx = f.candidates().stream()
                .filter(c -> c.type() == IceCandidate.Type.SRFLX && c.url() != null && c.relatedAddress() != null)
                .toList();
        List<IceCandidate[]> conflicts = new ArrayList<>();
        for (IceCandidate mine : srflx) {
            if (!mine.url().equals(f.check().url())) {
                continue;
            }
            for (IceCandidate other : srflx) {
                if (!other.url().equals(mine.url()) && other.relatedAddress().equals(mine.relatedAddress())
                        && other.relatedPort().equals(mine.relatedPort())
                        && !(other.address().equals(mine.address()) && other.port() == mine.port())) {
                    conflicts.add(new IceCandidate[] {mine, other});
                }
            }
        }
        return conflicts;
    }

    private static String hostPort(IceCandidate c) {
        return ServerCheck.hostPort(c.address(), c.port());
    }

    /** A literal address in a private range: RFC 1918, shared (CGNAT) 100.64/10, ULA fc00::/7, link-local. */
    static boolean isPrivate(String address) {
        InetAddress a = literal(address);
        if (a == null) {
            return false;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address && (b[0] & 0xFF) == 100 && (b[1] & 0xC0) == 64) {
            return true;
        }
        if (a instanceof Inet6Address && (b[0] & 0xFE) == 0xFC) {
            return true;
        }
        return a.isSiteLocalAddress() || a.isLinkLocalAddress();
    }

    /** A literal address that is not private, loopback, unspecified or multicast. */
    static boolean isPublic(String address) {
        InetAddress a = literal(address);
        return a != null && !isPrivate(address) && !a.isLoopbackAddress() && !a.isAnyLocalAddress()
                && !a.isMulticastAddress();
    }

    /** The address of an IP literal, never a DNS lookup; null for anything else. */
    private static InetAddress literal(String address) {
        if (address == null) {
            return null;
        }
        String a = address.startsWith("[") && address.endsWith("]")
                ? address.substring(1, address.length() - 1) : address;
        boolean v4 = a.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = a.contains(":") && a.matches("[0-9A-Fa-f:.%a-zA-Z]+");
        if (!v4 && !v6) {
            return null;
        }
        try {
            return InetAddress.getByName(a.toLowerCase(Locale.ROOT));
        } catch (UnknownHostException | SecurityException e) {
            return null;
        }
    }
}
