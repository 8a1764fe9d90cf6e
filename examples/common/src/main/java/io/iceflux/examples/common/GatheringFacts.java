package io.iceflux.examples.common;

import io.iceflux.IceCandidate;
import io.iceflux.IceCandidateError;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What one gathering generation showed, seen from one configured server URL: what a {@link DiagnosisRule} decides
 * on. Everything here comes from the public events (candidates and candidate errors) plus, when the caller knows
 * it, how many responses the gatherer dropped because they came from the wrong address.
 */
public final class GatheringFacts {

    private final ServerCheck check;
    private final List<ServerCheck> checks;
    private final List<IceCandidate> candidates;
    private final long responsesFromWrongAddress;
    private final Map<String, String> unansweredChallenges;
    private final Instant now;

    GatheringFacts(ServerCheck check, List<ServerCheck> checks, List<IceCandidate> candidates,
            long responsesFromWrongAddress, Map<String, String> unansweredChallenges, Instant now) {
        this.check = Objects.requireNonNull(check, "check");
        this.checks = List.copyOf(checks);
        this.candidates = List.copyOf(candidates);
        this.responsesFromWrongAddress = responsesFromWrongAddress;
        this.unansweredChallenges = unansweredChallenges;
        this.now = Objects.requireNonNull(now, "now");
    }

    /** The check of the URL being diagnosed. */
    public ServerCheck check() {
        return check;
    }

    /** The checks of every configured URL of the gathering, in configuration order (this one included). */
    public List<ServerCheck> checks() {
        return checks;
    }

    /** Every candidate the generation gave, of every URL and the host candidates, in the order they came. */
    public List<IceCandidate> candidates() {
        return candidates;
    }

    /** The candidates of the diagnosed URL of {@code type}. */
    public List<IceCandidate> candidates(IceCandidate.Type type) {
        return candidates.stream().filter(c -> c.type() == type && check.url().equals(c.url())).toList();
    }

    /**
     * How many responses the gatherer dropped in this generation because they came from another address than the
     * one their request went to ({@code DropReason.WRONG_SOURCE} of {@code NettyIceGatherer}); empty when the
     * caller does not know (a gatherer shared with other gatherings cannot tell).
     */
    public OptionalLong responsesFromWrongAddress() {
        return responsesFromWrongAddress < 0 ? OptionalLong.empty() : OptionalLong.of(responsesFromWrongAddress);
    }

    /**
     * Whether the caller told which TURN challenges could not be answered
     * ({@link ServerChecks#unansweredChallenges}); without it a 401 without REALM cannot be told from a wrong password.
     */
    public boolean challengesKnown() {
        return unansweredChallenges != null;
    }

    /**
     * Why the gatherer could not answer the diagnosed URL's TURN challenge (e.g. {@code "cannot answer the 401
     * challenge: it has no REALM"}); empty when it answered every one, or when that is not known.
     */
    public Optional<String> unansweredChallenge() {
        return unansweredChallenges == null ? Optional.empty()
                : Optional.ofNullable(unansweredChallenges.get(check.parsed().canonical()));
    }

    /** When the verdicts are made. */
    public Instant now() {
        return now;
    }

    /** The diagnosed URL's first error that is an answer of the server, else its first error. */
    public Optional<IceCandidateError> error() {
        return check.firstError();
    }

    /** Whether the diagnosed URL did not give what it promises and its first error has {@code code}. */
    public boolean failedWith(int code) {
        return !check.ok() && error().filter(e -> e.errorCode() == code).isPresent();
    }

    /**
     * Whether the diagnosed URL did not give what it promises and its first error is a 701 whose text contains
     * {@code part} (case-insensitive).
     */
    public boolean failedWith701Containing(String part) {
        return failedWith(IceCandidateError.SERVER_NOT_REACHABLE)
                && error().orElseThrow().errorText().toLowerCase(Locale.ROOT)
                        .contains(part.toLowerCase(Locale.ROOT));
    }
}
