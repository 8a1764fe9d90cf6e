package io.iceflux.netty.stun;

import io.iceflux.netty.stun.StunCredentialException.Field;
import io.iceflux.netty.stun.StunCredentialException.Rule;
import java.text.Normalizer;
import java.util.EnumSet;
import java.util.Set;

/**
 * The FreeformClass string class of PRECIS (RFC 8264 §4.3): the derived property of each code point
 * (RFC 8264 §8) and the context rules of RFC 5892 Appendix A for the CONTEXTJ and CONTEXTO ones.
 */
final class FreeformClass {

    /** The derived property values of RFC 8264 §8, FreeformClass view (ID_DIS folded into FREE_PVAL). */
    enum Property {
        PVALID, FREE_PVAL, CONTEXTJ, CONTEXTO, DISALLOWED, UNASSIGNED
    }

    private static final int ZWNJ = 0x200C;
    private static final int ZWJ = 0x200D;

    /** Scripts whose letters join cursively, for the approximate Joining_Type rule of ZWNJ. */
    private static final Set<Character.UnicodeScript> JOINING_SCRIPTS = EnumSet.of(
            Character.UnicodeScript.ARABIC, Character.UnicodeScript.SYRIAC, Character.UnicodeScript.NKO,
            Character.UnicodeScript.MONGOLIAN, Character.UnicodeScript.MANDAIC,
            Character.UnicodeScript.MANICHAEAN, Character.UnicodeScript.PSALTER_PAHLAVI,
            Character.UnicodeScript.ADLAM, Character.UnicodeScript.HANIFI_ROHINGYA,
            Character.UnicodeScript.SOGDIAN, Character.UnicodeScript.PHAGS_PA);

    /** Default_Ignorable_Code_Point ranges of Unicode 15 (DerivedCoreProperties.txt), inclusive pairs. */
    private static final int[] DEFAULT_IGNORABLE = {
        0x00AD, 0x00AD, 0x034F, 0x034F, 0x061C, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180B, 0x180F,
        0x200B, 0x200F, 0x202A, 0x202E, 0x2060, 0x206F, 0x3164, 0x3164, 0xFE00, 0xFE0F, 0xFEFF, 0xFEFF,
        0xFFA0, 0xFFA0, 0xFFF0, 0xFFF8, 0x1BCA0, 0x1BCA3, 0x1D173, 0x1D17A, 0xE0000, 0xE0FFF
    };

    private FreeformClass() {
    }

    /** Throws unless every code point of {@code s} is valid in the FreeformClass in its context. */
    static void check(String s, Field field) {
        int index = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            Property p = property(cp);
            switch (p) {
                case PVALID, FREE_PVAL -> { }
                case UNASSIGNED -> throw failure(field, Rule.UNASSIGNED_CHARACTER,
                        "contains a code point unassigned in Unicode (RFC 8264 §9.12)", cp, index);
                case DISALLOWED -> throw failure(field, Rule.DISALLOWED_CHARACTER,
                        "contains a character the FreeformClass disallows (RFC 8264 §4.3.3, "
                                + disallowedReason(cp) + ")", cp, index);
                case CONTEXTJ, CONTEXTO -> {
                    if (!contextSatisfied(s, i, cp)) {
                        throw failure(field, Rule.CONTEXT_RULE, "contains a " + p
                                + " character whose context rule (RFC 5892 Appendix A) is not satisfied",
                                cp, index);
                    }
                }
            }
            i += Character.charCount(cp);
            index++;
        }
    }

    private static StunCredentialException failure(Field field, Rule rule, String what, int cp, int index) {
        String detail = field.secret() ? "" : String.format(" [U+%04X at code point index %d]", cp, index);
        return new StunCredentialException(field, rule, "OpaqueString: the string " + what + detail);
    }

    /** Returns the FreeformClass derived property of {@code cp} (RFC 8264 §8). */
    static Property property(int cp) {
        Property exception = exception(cp);
        if (exception != null) {
            return exception;
        }
        int type = Character.getType(cp);
        if (type == Character.UNASSIGNED && !nonCharacter(cp)) {
            return Property.UNASSIGNED;
        }
        if (cp >= 0x21 && cp <= 0x7E) {
            return Property.PVALID;
        }
        if (cp == ZWNJ || cp == ZWJ) {
            return Property.CONTEXTJ;
        }
        if (oldHangulJamo(cp) || defaultIgnorable(cp) || nonCharacter(cp) || type == Character.CONTROL
                || type == Character.SURROGATE) {
            return Property.DISALLOWED;
        }
        if (hasCompat(cp)) {
            return Property.FREE_PVAL;
        }
        switch (type) {
            case Character.LOWERCASE_LETTER, Character.UPPERCASE_LETTER, Character.OTHER_LETTER,
                    Character.DECIMAL_DIGIT_NUMBER, Character.MODIFIER_LETTER, Character.NON_SPACING_MARK,
                    Character.COMBINING_SPACING_MARK:
                return Property.PVALID;
            case Character.TITLECASE_LETTER, Character.LETTER_NUMBER, Character.OTHER_NUMBER,
                    Character.ENCLOSING_MARK, Character.SPACE_SEPARATOR, Character.MATH_SYMBOL,
                    Character.CURRENCY_SYMBOL, Character.MODIFIER_SYMBOL, Character.OTHER_SYMBOL,
                    Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION,
                    Character.FINAL_QUOTE_PUNCTUATION, Character.OTHER_PUNCTUATION:
                return Property.FREE_PVAL;
            default:
                return Property.DISALLOWED;
        }
    }

    /** The exceptions of RFC 5892 §2.6 (category F), or null. */
    private static Property exception(int cp) {
        switch (cp) {
            case 0x00DF, 0x03C2, 0x06FD, 0x06FE, 0x0F0B, 0x3007:
                return Property.PVALID;
            case 0x00B7, 0x0375, 0x05F3, 0x05F4, 0x30FB:
                return Property.CONTEXTO;
            case 0x0640, 0x07FA, 0x302E, 0x302F, 0x3031, 0x3032, 0x3033, 0x3034, 0x3035, 0x303B:
                return Property.DISALLOWED;
            default:
                if (arabicIndicDigit(cp) || extendedArabicIndicDigit(cp)) {
                    return Property.CONTEXTO;
                }
                return null;
        }
    }

    private static String disallowedReason(int cp) {
        if (exception(cp) == Property.DISALLOWED) {
            return "exception of RFC 5892 §2.6";
        } else if (oldHangulJamo(cp)) {
            return "old Hangul jamo";
        } else if (nonCharacter(cp)) {
            return "non-character";
        } else if (defaultIgnorable(cp)) {
            return "default-ignorable code point";
        }
        return switch (Character.getType(cp)) {
            case Character.CONTROL -> "control character";
            case Character.FORMAT -> "format character";
            case Character.PRIVATE_USE -> "private use character";
            case Character.SURROGATE -> "unpaired surrogate";
            case Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> "line or paragraph separator";
            default -> "not a letter, digit, mark, symbol, punctuation or space";
        };
    }

    private static boolean oldHangulJamo(int cp) {
        return (cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0xA960 && cp <= 0xA97C)
                || (cp >= 0xD7B0 && cp <= 0xD7C6) || (cp >= 0xD7CB && cp <= 0xD7FB);
    }

    private static boolean defaultIgnorable(int cp) {
        for (int i = 0; i < DEFAULT_IGNORABLE.length; i += 2) {
            if (cp >= DEFAULT_IGNORABLE[i] && cp <= DEFAULT_IGNORABLE[i + 1]) {
                return true;
            }
        }
        return false;
    }

    private static boolean nonCharacter(int cp) {
        return (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE;
    }

    private static boolean hasCompat(int cp) {
        String s = Character.toString(cp);
        return !Normalizer.normalize(s, Normalizer.Form.NFKC).equals(s);
    }

    private static boolean arabicIndicDigit(int cp) {
        return cp >= 0x0660 && cp <= 0x0669;
    }

    private static boolean extendedArabicIndicDigit(int cp) {
        return cp >= 0x06F0 && cp <= 0x06F9;
    }

    /** The rules of RFC 5892 Appendix A for the CONTEXTJ/CONTEXTO code point {@code cp} at char index i. */
    private static boolean contextSatisfied(String s, int i, int cp) {
        int before = i > 0 ? s.codePointBefore(i) : -1;
        int next = i + Character.charCount(cp);
        int after = next < s.length() ? s.codePointAt(next) : -1;
        switch (cp) {
            case ZWNJ:
                return isVirama(before) || joinsAcross(s, i, next);
            case ZWJ:
                return isVirama(before);
            case 0x00B7:
                return before == 'l' && after == 'l';
            case 0x0375:
                return after >= 0 && Character.UnicodeScript.of(after) == Character.UnicodeScript.GREEK;
            case 0x05F3, 0x05F4:
                return before >= 0 && Character.UnicodeScript.of(before) == Character.UnicodeScript.HEBREW;
            case 0x30FB:
                return s.codePoints().anyMatch(c -> c != 0x30FB && isJapaneseScript(c));
            default:
                if (arabicIndicDigit(cp)) {
                    return s.codePoints().noneMatch(FreeformClass::extendedArabicIndicDigit);
                }
                return s.codePoints().noneMatch(FreeformClass::arabicIndicDigit);
        }
    }

    private static boolean isJapaneseScript(int cp) {
        Character.UnicodeScript script = Character.UnicodeScript.of(cp);
        return script == Character.UnicodeScript.HIRAGANA || script == Character.UnicodeScript.KATAKANA
                || script == Character.UnicodeScript.HAN;
    }

    /**
     * Approximates the Joining_Type regular expression of RFC 5892 A.1: skipping transparent code points
     * (marks and format characters), the code points on both sides of the ZWNJ are letters of a joining script.
     */
    private static boolean joinsAcross(String s, int zwnjIndex, int afterIndex) {
        int left = -1;
        for (int j = zwnjIndex; j > 0; ) {
            int c = s.codePointBefore(j);
            j -= Character.charCount(c);
            if (!transparent(c)) {
                left = c;
                break;
            }
        }
        int right = -1;
        for (int j = afterIndex; j < s.length(); ) {
            int c = s.codePointAt(j);
            j += Character.charCount(c);
            if (!transparent(c)) {
                right = c;
                break;
            }
        }
        return joiningLetter(left) && joiningLetter(right);
    }

    private static boolean transparent(int cp) {
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK
                || (type == Character.FORMAT && cp != ZWNJ && cp != ZWJ);
    }

    private static boolean joiningLetter(int cp) {
        return cp >= 0 && Character.isLetter(cp) && JOINING_SCRIPTS.contains(Character.UnicodeScript.of(cp));
    }

    /**
     * Returns whether the canonical combining class of {@code cp} is 9 (Virama). The JDK exposes no combining
     * classes, so this asks canonical reordering: a mark of class 9 moves behind U+3099 (class 8) and in front
     * of U+05B0 (class 10), and no other class does both. The two probes themselves are excluded up front,
     * because a probe next to itself cannot show a move.
     */
    static boolean isVirama(int cp) {
        if (cp < 0 || cp == 0x3099 || cp == 0x05B0) {
            return false;
        }
        String c = Character.toString(cp);
        if (!Normalizer.normalize(c, Normalizer.Form.NFD).equals(c)) {
            return false;
        }
        boolean above8 = Normalizer.normalize("a" + c + "\u3099", Normalizer.Form.NFD).equals("a\u3099" + c);
        boolean below10 = Normalizer.normalize("a\u05B0" + c, Normalizer.Form.NFD).equals("a" + c + "\u05B0");
        return above8 && below10;
    }
}
