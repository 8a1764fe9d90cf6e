package io.iceflux.netty.stun;

import static org.assertj.core.api.Assertions.assertThat;

import io.iceflux.netty.stun.StunCredentialException.Rule;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;

/**
 * Fuzz properties: arbitrary UTF-16 strings (unpaired surrogates included) either prepare or fail with
 * {@link StunCredentialException}; the number of tries comes from {@code jqwik.tries.default}.
 */
class StunStringsFuzzTest {

    @Property
    void saslPrepEitherPreparesOrFailsWithAProhibitedCharacterOrBidiRule(
            @ForAll @StringLength(max = 24) String s) {
        try {
            String prepared = StunStrings.saslPrep(s);
            assertThat(new String(prepared.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
                    .isEqualTo(prepared);
        } catch (StunCredentialException e) {
            assertThat(e.rule()).isIn(Rule.PROHIBITED_CHARACTER, Rule.BIDI);
            assertThat(e.getMessage()).startsWith("string: SASLprep: the string ");
        }
    }

    @Property
    void opaqueStringIsIdempotentWellFormedAndNonEmptyOrFailsTyped(@ForAll @StringLength(max = 24) String s) {
        try {
            String prepared = StunStrings.opaqueString(s);
            assertThat(prepared).isNotEmpty();
            assertThat(StunStrings.opaqueString(prepared)).isEqualTo(prepared);
            assertThat(new String(prepared.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
                    .isEqualTo(prepared);
        } catch (StunCredentialException e) {
            assertThat(e.rule()).isIn(EnumSet.of(Rule.EMPTY, Rule.DISALLOWED_CHARACTER,
                    Rule.UNASSIGNED_CHARACTER, Rule.CONTEXT_RULE));
            assertThat(e.getMessage()).startsWith("string: OpaqueString: the string ");
        }
    }
}
