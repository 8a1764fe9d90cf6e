package io.iceflux.examples.common;

import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * One diagnosis rule: when {@code applies} holds for what a gathering showed about one server URL, the verdict of
 * that URL names {@code cause}, with the evidence that {@code evidence} builds. Rules are data: the defaults are
 * {@link DiagnosisRules#DEFAULTS}; a caller adds its own by giving {@link ServerChecks} a longer list.
 *
 * @param id       a short stable name, lower case with hyphens (e.g. {@code udp-blocked}); the JSON's {@code rule}
 * @param cause    the likely cause, in plain words, ending without a period
 * @param applies  whether the rule applies to the URL of the facts
 * @param evidence the evidence, built from the facts; every text that came from the network goes through the
 *                 given operator (the identity for JSON, {@code TerminalText::field} for a terminal)
 */
public record DiagnosisRule(String id, String cause, Predicate<GatheringFacts> applies,
        BiFunction<GatheringFacts, UnaryOperator<String>, String> evidence) {

    /**
     * Check the parts.
     *
     * @throws NullPointerException     if a part is null
     * @throws IllegalArgumentException if {@code id} is not lower-case letters, digits and hyphens
     */
    public DiagnosisRule {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(applies, "applies");
        Objects.requireNonNull(evidence, "evidence");
        if (!id.matches("[a-z0-9]+(-[a-z0-9]+)*")) {
            throw new IllegalArgumentException("a rule id is lower-case words joined by hyphens, not " + id);
        }
    }
}
