package io.iceflux.examples.common;

import io.iceflux.IceCandidate;
import io.iceflux.IceCandidateError;
import io.iceflux.IceServerUrl;
import io.iceflux.IceTransportPolicy;
import io.iceflux.RelayCheck;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * What one configured server URL promised, what it gave, and the verdict in plain words. {@link ServerChecks} makes
 * one per configured URL.
 */
public final class ServerCheck {

    /** The candidate type a URL promises. */
    enum Expectation {
        /** A {@code stun:} URL: a server-reflexive candidate. */
        SRFLX("srflx"),
        /** A {@code turn:}/{@code turns:} URL: a relayed candidate. */
        RELAY("relay"),
        /** A {@code stuns:} URL: no candidate (a TLS mapping is not a UDP candidate), only no error. */
        NO_ERROR("none"),
        /** A STUN URL under the relay-only policy: skipped by the gatherer, so nothing. */
        SKIPPED("none");

        private final String jsonName;

        Expectation(String jsonName) {
            this.jsonName = jsonName;
        }

        String jsonName() {
            return jsonName;
        }
    }

    private final String url;
    private final Instant restExpiry;
    private final IceServerUrl parsed;
    private final Expectation expectation;
    private final List<IceCandidateError> errors = new ArrayList<>();
    /** The relay data-path check of a {@code turn:}/{@code turns:} URL that gave its relay, once it ran. */
    private RelayCheck relayCheck;
    private IceCandidate obtained;
    private long obtainedAtMillis = -1;
    private List<Diagnosis> diagnosis = List.of();

    ServerCheck(String url, IceServerUrl parsed, IceTransportPolicy policy) {
        this(url, parsed, policy, null);
    }

    /** A check whose TURN REST credentials expire at {@code restExpiry} ({@code null}: not TURN REST ones). */
    ServerCheck(String url, IceServerUrl parsed, IceTransportPolicy policy, Instant restExpiry) {
        this.restExpiry = restExpiry;
        this.url = url;
        this.parsed = parsed;
        if (parsed.scheme().isTurn()) {
            this.expectation = Expectation.RELAY;
        } else if (policy == IceTransportPolicy.RELAY) {
            this.expectation = Expectation.SKIPPED;
        } else {
            this.expectation = parsed.scheme().isSecure() ? Expectation.NO_ERROR : Expectation.SRFLX;
        }
    }

    /** The URL exactly as configured. */
    public String url() {
        return url;
    }

    Expectation expectation() {
        return expectation;
    }

    /** The URL as parsed. */
    public IceServerUrl parsed() {
        return parsed;
    }

    /** Every error reported for this URL, in the order they came. */
    public List<IceCandidateError> errors() {
        return List.copyOf(errors);
    }

    /** The promised candidate (the first one), if it came. */
    public Optional<IceCandidate> obtained() {
        return Optional.ofNullable(obtained);
    }

    /** When this URL's TURN REST credentials expire, if they are TURN REST ones. */
    public Optional<Instant> restExpiry() {
        return Optional.ofNullable(restExpiry);
    }

    /**
     * What the {@linkplain DiagnosisRules diagnosis rules} found for this URL, in rule order: for a FAIL verdict the
     * likely cause, for an OK one a note; empty when no rule applies.
     */
    public List<Diagnosis> diagnosis() {
        return diagnosis;
    }

    void diagnosis(List<Diagnosis> found) {
        this.diagnosis = List.copyOf(found);
    }

    /** Milliseconds from the start of gathering to the promised candidate, or -1 when none came. */
    long obtainedAtMillis() {
        return obtainedAtMillis;
    }

    /** Record a candidate of any URL; returns whether it is the first promised candidate of this one. */
    boolean offer(IceCandidate candidate, long atMillis) {
        if (obtained != null || !url.equals(candidate.url())) {
            return false;
        }
        boolean promised = (expectation == Expectation.SRFLX && candidate.type() == IceCandidate.Type.SRFLX)
                || (expectation == Expectation.RELAY && candidate.type() == IceCandidate.Type.RELAY);
        if (promised) {
            obtained = candidate;
            obtainedAtMillis = atMillis;
        }
        return promised;
    }

    /** Record an error of any URL; ignored when it belongs to another URL. */
    void offer(IceCandidateError error) {
        if (url.equals(error.url())) {
            errors.add(error);
        }
    }

    /** Whether a {@code turn:}/{@code turns:} URL gave its relayed candidate (the relay check's precondition). */
    public boolean relayObtained() {
        return expectation == Expectation.RELAY && obtained != null;
    }

    /** The relay data-path check of this URL, if one ran (after a relayed candidate came). */
    public Optional<RelayCheck> relayCheck() {
        return Optional.ofNullable(relayCheck);
    }

    /** Record the relay data-path check of this URL. */
    void relayCheck(RelayCheck check) {
        this.relayCheck = Objects.requireNonNull(check, "check");
    }

    /**
     * Whether the server gave what its URL promises: for {@code turn:}/{@code turns:} a relayed candidate and, when
     * the relay check ran, relayed data that flows.
     */
    public boolean ok() {
        return switch (expectation) {
            case SRFLX -> obtained != null;
            case RELAY -> obtained != null && (relayCheck == null || relayCheck.ok());
            case NO_ERROR -> errors.isEmpty();
            case SKIPPED -> true;
        };
    }

    /** The verdict in plain words, with the server's texts (reason phrases, addresses) as they came. */
    public String verdict() {
        return verdict(UnaryOperator.identity());
    }

    /**
     * The verdict in plain words, with every text that came from the network (reason phrases, addresses) passed
     * through {@code serverText} first: {@code verdict(TerminalText::field)} for a terminal.
     *
     * @throws NullPointerException when {@code serverText} is null
     */
    public String verdict(UnaryOperator<String> serverText) {
        Objects.requireNonNull(serverText, "serverText");
        StringBuilder verdict = new StringBuilder(baseVerdict(serverText));
        for (Diagnosis d : diagnosis) {
            verdict.append(ok() ? "; note: " : "; likely cause: ").append(d.cause()).append(" [").append(d.rule())
                    .append(": ").append(d.evidence(serverText)).append(']');
        }
        return verdict.toString();
    }

    /** The verdict without the diagnosis: what the URL gave or what failed. */
    private String baseVerdict(UnaryOperator<String> serverText) {
        String serverKind = parsed.scheme().isTurn() ? "TURN" : "STUN";
        if (expectation == Expectation.SKIPPED) {
            return "skipped: the relay-only policy uses TURN servers only";
        }
        if (ok()) {
            String verdict = switch (expectation) {
                case RELAY -> "reachable; credentials accepted; relay "
                        + serverText.apply(hostPort(obtained.address(), obtained.port()))
                        + " obtained in " + obtainedAtMillis + " ms" + (relayCheck == null ? ""
                                : "; relayed data flows (median rtt " + relayCheck.rttMs() + " ms, "
                                        + relayCheck.lossPercent() + "% loss)");
                case SRFLX -> "reachable; server-reflexive address "
                        + serverText.apply(hostPort(obtained.address(), obtained.port()))
                        + " obtained in " + obtainedAtMillis + " ms";
                default -> "no error (a stuns: URL is checked over TLS but gives no candidate)";
            };
            if (!errors.isEmpty()) {
                verdict += "; " + errors.size() + " other local address(es) reported an error (not fatal)";
            }
            return verdict;
        }
        if (relayObtained() && relayCheck != null && !relayCheck.ok()) {
            // the detail is built by the library; only a server's reason phrase in it came from the network
            return "relay " + serverText.apply(hostPort(obtained.address(), obtained.port())) + " obtained in "
                    + obtainedAtMillis + " ms, but the relay check failed: " + TerminalText.line(relayCheck.detail());
        }
        if (errors.isEmpty()) {
            return serverKind + " server gave no " + expectation.jsonName() + " candidate and reported no error";
        }
        IceCandidateError error = firstServerAnswer();
        int code = error.errorCode();
        String text = serverText.apply(error.errorText());
        if (code == IceCandidateError.SERVER_NOT_REACHABLE) {
            // an ICMP error is an answer, from the host or a router on the way: the server is unreachable
            String what = error.errorText().endsWith("(ICMP).") ? "unreachable" : "no answer";
            return what + " (701: " + text + ") — not fatal for the other servers";
        }
        return serverKind + " server answered " + code + " " + text + " — not fatal for the other servers";
    }

    /** {@code address:port}, with an IPv6 address in brackets, as the verdicts and the probe's lines write it. */
    public static String hostPort(String address, Integer port) {
        return (address.contains(":") ? "[" + address + "]" : address) + ":" + port;
    }

    /** The first error that is an answer of the server (300-699), else the first error; empty without errors. */
    public Optional<IceCandidateError> firstError() {
        return errors.isEmpty() ? Optional.empty() : Optional.of(firstServerAnswer());
    }

    /** The first error that is an answer of the server (300-699), else the first error. */
    private IceCandidateError firstServerAnswer() {
        return errors.stream().filter(e -> e.errorCode() != IceCandidateError.SERVER_NOT_REACHABLE).findFirst()
                .orElse(errors.get(0));
    }
}
