package io.iceflux.examples.common;

import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * What one {@link DiagnosisRule} found for one server URL: the rule's id, the likely cause and the evidence that
 * points to it, as the verdict and the JSON summary's {@code diagnosis} show them.
 */
public final class Diagnosis {

    private final DiagnosisRule rule;
    private final GatheringFacts facts;

    Diagnosis(DiagnosisRule rule, GatheringFacts facts) {
        this.rule = Objects.requireNonNull(rule, "rule");
        this.facts = Objects.requireNonNull(facts, "facts");
    }

    /** The id of the rule, e.g. {@code udp-blocked}. */
    public String rule() {
        return rule.id();
    }

    /** The likely cause, in plain words. */
    public String cause() {
        return rule.cause();
    }

    /** The evidence, with the texts that came from the network verbatim (for JSON). */
    public String evidence() {
        return evidence(UnaryOperator.identity());
    }

    /**
     * The evidence, with every text that came from the network (reason phrases, addresses) passed through
     * {@code serverText} first, e.g. {@code TerminalText::field} for a terminal.
     */
    public String evidence(UnaryOperator<String> serverText) {
        return rule.evidence().apply(facts, Objects.requireNonNull(serverText, "serverText"));
    }

    @Override
    public String toString() {
        return rule() + ": " + cause() + " (" + evidence() + ")";
    }
}
