package io.iceflux;

import java.util.Objects;

/**
 * Everything a gathering reports, in the order it happens. Every event carries the gathering
 * {@linkplain #generation() generation} it belongs to: 0 for the first gathering, one more for each ICE
 * restart.
 *
 * <pre>{@code
 * gatherer.gather(config).subscribe(event -> {
 *     if (event instanceof IceEvent.CandidateGathered c) { ... c.candidate() ... }
 *     else if (event instanceof IceEvent.CandidateError e) { ... e.error().errorCode() ... }
 * });
 * }</pre>
 */
public sealed interface IceEvent
        permits IceEvent.GatheringStateChanged, IceEvent.CandidateGathered, IceEvent.CandidateError,
        IceEvent.EndOfCandidates {

    /** The gathering generation (0, then one more per ICE restart). */
    int generation();

    /** The gathering state changed ({@code gatheringstatechange}). */
    record GatheringStateChanged(int generation, IceGatheringState state) implements IceEvent {
        public GatheringStateChanged {
            requireGeneration(generation);
            Objects.requireNonNull(state, "state");
        }
    }

    /** A local candidate was gathered ({@code icecandidate}). */
    record CandidateGathered(int generation, IceCandidate candidate) implements IceEvent {
        public CandidateGathered {
            requireGeneration(generation);
            Objects.requireNonNull(candidate, "candidate");
        }
    }

    /** A server could not give a candidate ({@code icecandidateerror}); not fatal. */
    record CandidateError(int generation, IceCandidateError error) implements IceEvent {
        public CandidateError {
            requireGeneration(generation);
            Objects.requireNonNull(error, "error");
        }
    }

    /**
     * All candidates of a generation have been surfaced (the W3C end-of-generation candidate, SDP
     * {@code a=end-of-candidates}).
     */
    record EndOfCandidates(int generation) implements IceEvent {
        public EndOfCandidates {
            requireGeneration(generation);
        }
    }

    private static void requireGeneration(int generation) {
        if (generation < 0) {
            throw new IllegalArgumentException("generation must be >= 0, not " + generation);
        }
    }
}
