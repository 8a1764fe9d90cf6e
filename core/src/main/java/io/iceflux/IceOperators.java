package io.iceflux;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import reactor.core.publisher.Flux;

/**
 * The W3C rules for {@code icecandidateerror}, as operators for {@link Flux#transform}:
 *
 * <ul>
 *   <li>{@link #unreachableOncePerUrl()}: a 701 is let through once per server URL per gathering generation
 *   ("This error is only fired once per server URL");</li>
 *   <li>{@link #errorsOnlyWhileGathering()}: candidate errors are let through only while the gathering state is
 *   {@code gathering} ("… while in the RTCIceGatheringState of gathering");</li>
 *   <li>{@link #w3cErrorSemantics()}: both, which is what every {@link IceGatherer} applies.</li>
 * </ul>
 *
 * <p>URLs are compared in their {@linkplain IceServerUrl#canonical() canonical form}: scheme and host
 * case-insensitive, default port and transport filled in; credentials are never part of a URL. The state the
 * operators keep (the current generation and state, the URLs already reported) belongs to one subscription: a
 * second subscriber, or a {@code retry}, starts clean. It is reset when a new generation starts gathering
 * (an ICE restart) and released when the subscription completes, fails or is cancelled. Every other event
 * passes through unchanged and in order; a dropped event is {@linkplain reactor.core.publisher.Hooks discarded}
 * and replaced by a request upstream, so demand is honoured.
 *
 * <p>The gathering state is learnt from the {@link IceEvent.GatheringStateChanged} events of the stream
 * itself. A state change of an older generation than the one gathering now passes through but does not change
 * what the operators consider the current state, and errors of an older generation are dropped: that
 * generation was superseded by an ICE restart.
 */
public final class IceOperators {

    /** The two W3C rules; an operator applies a set of them. */
    private enum Rule {
        /** A 701 once per server URL per gathering generation. */
        UNREACHABLE_ONCE_PER_URL,
        /** Candidate errors only while gathering. */
        ERRORS_ONLY_WHILE_GATHERING
    }

    private static final Set<Rule> UNREACHABLE_ONCE = Set.of(Rule.UNREACHABLE_ONCE_PER_URL);
    private static final Set<Rule> WHILE_GATHERING = Set.of(Rule.ERRORS_ONLY_WHILE_GATHERING);
    private static final Set<Rule> BOTH = Set.of(Rule.values());

    private IceOperators() {
    }

    /**
     * Let a 701 ({@link IceCandidateError#SERVER_NOT_REACHABLE}) through only the first time it is seen for a
     * server URL in a gathering generation; every other event passes.
     *
     * @return a function for {@link Flux#transform}
     */
    public static Function<Flux<IceEvent>, Flux<IceEvent>> unreachableOncePerUrl() {
        return upstream -> apply(upstream, UNREACHABLE_ONCE);
    }

    /**
     * Let candidate errors through only while the gathering state is {@code gathering} (of the newest
     * generation); every other event passes.
     *
     * @return a function for {@link Flux#transform}
     */
    public static Function<Flux<IceEvent>, Flux<IceEvent>> errorsOnlyWhileGathering() {
        return upstream -> apply(upstream, WHILE_GATHERING);
    }

    /**
     * Apply both W3C rules: errors only while gathering, and a 701 once per server URL per generation.
     *
     * @return a function for {@link Flux#transform}
     */
    public static Function<Flux<IceEvent>, Flux<IceEvent>> w3cErrorSemantics() {
        return upstream -> apply(upstream, BOTH);
    }

    private static Flux<IceEvent> apply(Flux<IceEvent> upstream, Set<Rule> applied) {
        boolean dedupe = applied.contains(Rule.UNREACHABLE_ONCE_PER_URL);
        boolean gate = applied.contains(Rule.ERRORS_ONLY_WHILE_GATHERING);
        return Flux.defer(() -> {
            ErrorRules rules = new ErrorRules(dedupe, gate);
            return upstream.filter(rules::admit).doFinally(signal -> rules.release());
        });
    }

    /**
     * The key a URL is de-duplicated by: its canonical form, or for a string that does not parse as an ICE
     * server URL (which a gatherer never produces) the trimmed, lower-cased string.
     */
    static String urlKey(String url) {
        try {
            return IceServerUrl.parse(url).canonical();
        } catch (InvalidIceServerException e) {
            return url.trim().toLowerCase(Locale.ROOT);
        }
    }

    /** The per-subscription state of the rules. Not thread-safe: a Reactive Streams subscriber is serial. */
    static final class ErrorRules {
        private final boolean dedupe;
        private final boolean gate;
        private int generation = -1;
        private IceGatheringState state = IceGatheringState.NEW;
        private final Set<String> unreachableReported = new HashSet<>();
        /** Each URL string's de-duplication key, so a URL is parsed once per subscription, not per 701. */
        private final Map<String, String> keyByUrl = new HashMap<>();

        /**
         * @param dedupe whether {@link Rule#UNREACHABLE_ONCE_PER_URL} applies
         * @param gate   whether {@link Rule#ERRORS_ONLY_WHILE_GATHERING} applies
         */
        ErrorRules(boolean dedupe, boolean gate) {
            this.dedupe = dedupe;
            this.gate = gate;
        }

        boolean admit(IceEvent event) {
            if (event instanceof IceEvent.GatheringStateChanged change) {
                onStateChange(change);
                return true;
            }
            if (event instanceof IceEvent.CandidateError error) {
                return admitError(error);
            }
            return true;
        }

        private void onStateChange(IceEvent.GatheringStateChanged change) {
            if (change.generation() < generation) {
                return;
            }
            if (change.generation() > generation) {
                generation = change.generation();
                unreachableReported.clear();
            }
            state = change.state();
        }

        private boolean admitError(IceEvent.CandidateError error) {
            if (error.generation() < generation) {
                return false;
            }
            if (gate && (error.generation() > generation || state != IceGatheringState.GATHERING)) {
                return false;
            }
            if (dedupe && error.error().isServerNotReachable()) {
                if (error.generation() > generation) {
                    // Errors of a generation whose gathering state was never seen: track it from here.
                    generation = error.generation();
                    unreachableReported.clear();
                }
                return unreachableReported.add(keyByUrl.computeIfAbsent(error.error().url(), IceOperators::urlKey));
            }
            return true;
        }

        void release() {
            unreachableReported.clear();
            keyByUrl.clear();
        }

        int trackedUrls() {
            return unreachableReported.size();
        }
    }
}
