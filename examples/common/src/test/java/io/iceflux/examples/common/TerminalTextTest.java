package io.iceflux.examples.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TerminalTextTest {

    @Test
    void controlCharactersAreEscapedAndEverythingElseKept() {
        assertThat(TerminalText.escape("a\u001B[31mb\r\n\tc\u0000\u007F\u0085\u009B"))
                .isEqualTo("a\\u001B[31mb\\u000D\\u000A\\u0009c\\u0000\\u007F\\u0085\\u009B");
        assertThat(TerminalText.escape("\u202Eabc\u202C\u2066\u2069\u200E\u200B\u061C\uFEFF\u00AD\u2028\u2029"))
                .isEqualTo("\\u202Eabc\\u202C\\u2066\\u2069\\u200E\\u200B\\u061C\\uFEFF\\u00AD\\u2028\\u2029");
        assertThat(TerminalText.escape("tag \uDB40\uDC41, lone \uD800 and \uDC00"))
                .isEqualTo("tag \\U000E0041, lone \\uD800 and \\uDC00");
        assertThat(TerminalText.escape("Unauthorized: caf\u00e9 \u4e2d\u6587 \uD83D\uDE00 C:\\path \"q\""))
                .isEqualTo("Unauthorized: caf\u00e9 \u4e2d\u6587 \uD83D\uDE00 C:\\path \"q\"");
        assertThat(TerminalText.escape(null)).isEqualTo("null");
    }

    @Test
    void aLongTextIsCutWithAMarkAndNoEscapeIsSplit() {
        assertThat(TerminalText.cut("abcdef", 6)).isEqualTo("abcdef");
        assertThat(TerminalText.cut("abcdefg", 6)).isEqualTo("abcdef…[cut, 7 characters in all]");
        assertThat(TerminalText.cut("abcd\u001Bz", 8)).isEqualTo("abcd…[cut, 6 characters in all]");
        assertThat(TerminalText.cut("ab\uD83D\uDE00cd", 3)).isEqualTo("ab…[cut, 5 characters in all]");
        assertThat(TerminalText.cut("ab\uD83D\uDE00cd", 4)).isEqualTo("ab\uD83D\uDE00…[cut, 5 characters in all]");
        assertThat(TerminalText.field("x".repeat(TerminalText.MAX_FIELD_CHARS))).hasSize(TerminalText.MAX_FIELD_CHARS);
        assertThat(TerminalText.field("x".repeat(4096)))
                .isEqualTo("x".repeat(TerminalText.MAX_FIELD_CHARS) + "…[cut, 4096 characters in all]");
        assertThatThrownBy(() -> TerminalText.cut("x", -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
