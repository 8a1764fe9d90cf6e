package io.iceflux.examples.common;

import io.iceflux.IceCandidate;
import io.iceflux.IceConfiguration;
import io.iceflux.IceEvent;
import io.iceflux.IceServer;
import io.iceflux.RelayCheck;
import io.iceflux.TurnRestCredentials;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Tracks, for every URL of a configuration, what the URL promises, what the gathering gave and the verdict; the
 * probe and the diagnostics web application share it. Not thread-safe: feed it the events of one gathering in
 * order.
 */
public final class ServerChecks {

    /** The probe's exit status (and the summary's {@code exitCode}) when every URL gave what it promises. */
    public static final int EXIT_OK = 0;
    /** The probe's exit status (and the summary's {@code exitCode}) when at least one URL did not. */
    public static final int EXIT_SOME_FAILED = 1;
    /**
     * The probe's exit status (and the summary's {@code exitCode}) for a usage error: bad usage, a bad option value,
     * an unusable configuration or one past a limit; nothing was probed.
     */
    public static final int EXIT_USAGE = 2;

    private final List<ServerCheck> checks = new ArrayList<>();
    private final List<IceCandidate> candidates = new ArrayList<>();
    private final int generation;
    private final List<DiagnosisRule> rules;
    private long responsesFromWrongAddress = -1;
    private Map<String, String> unansweredChallenges;

    /**
     * Start tracking every URL of the configuration, in configuration order, for generation 0 with the
     * {@linkplain DiagnosisRules#DEFAULTS default diagnosis rules}.
     *
     * @throws NullPointerException when {@code configuration} is null
     */
    public ServerChecks(IceConfiguration configuration) {
        this(configuration, 0, DiagnosisRules.DEFAULTS);
    }

    /**
     * Start tracking every URL of the configuration, in configuration order, for the events of {@code generation}
     * (0, then one more per ICE restart), diagnosing with {@code rules} in their order.
     *
     * @throws NullPointerException     when {@code configuration} or {@code rules} is null
     * @throws IllegalArgumentException when {@code generation} is negative
     */
    public ServerChecks(IceConfiguration configuration, int generation, List<DiagnosisRule> rules) {
        if (generation < 0) {
            throw new IllegalArgumentException("generation must be >= 0, not " + generation);
        }
        this.generation = generation;
        this.rules = List.copyOf(rules);
        for (IceServer server : configuration.servers()) {
            // a TURN REST server: when the credentials minted for this gathering expire (same clock as the gatherer)
            Instant restExpiry = server.usesSharedSecret()
                    ? TurnRestCredentials.expiryOf(server.withCredentialsAt(configuration.clock()).username()
                            .orElseThrow()).orElseThrow()
                    : null;
            for (int i = 0; i < server.urls().size(); i++) {
                checks.add(new ServerCheck(server.urls().get(i), server.parsedUrls().get(i),
                        configuration.transportPolicy(), restExpiry));
            }
        }
    }

    /**
     * Record an event that happened {@code t} ms after gathering started; events other than candidates and
     * candidate errors change nothing, nor do events of another generation than {@link #generation()}.
     *
     * @throws NullPointerException when {@code event} is null
     */
    public void offer(IceEvent event, long t) {
        if (event.generation() != generation) {
            return;
        }
        if (event instanceof IceEvent.CandidateGathered c) {
            candidates.add(c.candidate());
            checks.forEach(check -> check.offer(c.candidate(), t));
        } else if (event instanceof IceEvent.CandidateError e) {
            checks.forEach(check -> check.offer(e.error()));
        }
    }

    /**
     * Record the relay data-path check of a {@code turn:}/{@code turns:} URL, on every check of that URL (as
     * configured) that obtained a relayed candidate.
     *
     * @throws NullPointerException when {@code check} is null
     */
    public void relayChecked(RelayCheck check) {
        checks.stream().filter(c -> c.url().equals(check.url()) && c.relayObtained())
                .forEach(c -> c.relayCheck(check));
    }

    /** Whether every URL gave what it promises. */
    public boolean ok() {
        return checks.stream().allMatch(ServerCheck::ok);
    }

    /** The probe's exit status for what was recorded: 0 when every URL gave what it promises, else 1. */
    public int exitCode() {
        return ok() ? EXIT_OK : EXIT_SOME_FAILED;
    }

    /**
     * Record how many responses the gatherer dropped during this generation because they came from another address
     * than the one their request went to ({@code DropReason.WRONG_SOURCE}); the {@code wrong-source} rule uses it.
     * Unknown until set: only a gatherer that runs this gathering alone can tell.
     *
     * @throws IllegalArgumentException when {@code count} is negative
     */
    public void responsesFromWrongAddress(long count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, not " + count);
        }
        this.responsesFromWrongAddress = count;
    }

    /**
     * Record the TURN challenges the gatherer could not answer during this generation, by the canonical URL of their
     * server, each with why ({@code GathererMetrics.challengeUnanswered} of {@code NettyIceGatherer}): a 401 without
     * REALM or NONCE is then told apart from a wrong password. Unknown until set (the {@code wrong-credentials} rule
     * then says less): only a gatherer that runs this gathering alone can tell.
     *
     * @throws NullPointerException when {@code byCanonicalUrl} is null
     */
    public void unansweredChallenges(Map<String, String> byCanonicalUrl) {
        this.unansweredChallenges = Map.copyOf(byCanonicalUrl);
    }

    /** The generation whose events these checks record. */
    public int generation() {
        return generation;
    }

    /** The check of every URL, in configuration order, each diagnosed with the rules from what was recorded. */
    public List<ServerCheck> checks() {
        Instant now = Instant.now(); // the server judges credentials by real time, whatever clock minted them
        for (ServerCheck check : checks) {
            GatheringFacts facts = new GatheringFacts(check, checks, candidates, responsesFromWrongAddress,
                    unansweredChallenges, now);
            List<Diagnosis> found = new ArrayList<>();
            for (DiagnosisRule rule : rules) {
                if (rule.applies().test(facts)) {
                    found.add(new Diagnosis(rule, facts));
                }
            }
            check.diagnosis(found);
        }
        return List.copyOf(checks);
    }
}
