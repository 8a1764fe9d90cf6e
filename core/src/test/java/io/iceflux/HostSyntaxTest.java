package io.iceflux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.iceflux.HostSyntax.Dialect;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The host forms shared by server URLs and SDP addresses. Each row gives the text, the dialect and the reason it is
 * rejected, or {@code ok} (reasons quote with plain double quotes here).
 */
class HostSyntaxTest {

    @ParameterizedTest(name = "{1} IPv4 {0} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            0.0.0.0              | SERVER_URL | ok
            255.255.255.255      | SERVER_URL | ok
            192.0.2.1            | SDP        | ok
            01.2.3.4             | SERVER_URL | "01" has a leading zero (ambiguous: octal or decimal?)
            01.2.3.4             | SDP        | ok
            1.2.3.00             | SERVER_URL | "00" has a leading zero (ambiguous: octal or decimal?)
            001.002.003.004      | SDP        | ok
            0001.2.3.4           | SDP        | "0001" is out of range 0-255
            256.1.1.1            | SERVER_URL | "256" is out of range 0-255
            256.1.1.1            | SDP        | "256" is out of range 0-255
            1.2.3.1000           | SERVER_URL | "1000" is out of range 0-255
            1.2.3                | SERVER_URL | it has 3 numbers instead of four
            1.2.3                | SDP        | it has 3 numbers instead of four
            123                  | SDP        | it has 1 numbers instead of four
            1.2.3.4.5            | SERVER_URL | it has more than four numbers
            1.2.3.4.             | SERVER_URL | an IPv4 address cannot end with '.'
            1.2.3.4.             | SDP        | an IPv4 address cannot end with '.'
            1..3.4               | SERVER_URL | "" is not a decimal number 0-255
            .1.2.3               | SDP        | "" is not a decimal number 0-255
            ``                   | SDP        | "" is not a decimal number 0-255
            example.42           | SERVER_URL | "example" is not a decimal number 0-255
            1.2.3.+4             | SDP        | "+4" is not a decimal number 0-255
            """)
    void ipv4(String text, Dialect dialect, String expected) throws Exception {
        assertThat(outcome(() -> HostSyntax.ipv4(text, dialect))).isEqualTo(expected);
        if (expected.equals("ok")) {
            assertThat(HostSyntax.ipv4(text, dialect)).isEqualTo(javaBytes(text));
        }
    }

    @ParameterizedTest(name = "{1} IPv6 {0} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            ::                        | SERVER_URL | ok
            ::1                       | SDP        | ok
            1::                       | SDP        | ok
            2001:DB8:0:0:0:0:0:1      | SERVER_URL | ok
            2001:0db8::0001           | SDP        | ok
            1:2:3:4:5:6:7::           | SERVER_URL | ok
            ::2:3:4:5:6:7:8           | SDP        | ok
            ::FFFF:192.0.2.1          | SERVER_URL | ok
            1:2:3:4:5:6:1.2.3.4       | SDP        | ok
            2001:db8::1.2.3.4         | SERVER_URL | ok
            ::1.2.3.04                | SDP        | ok
            ::1.2.3.04                | SERVER_URL | its IPv4 part: "04" has a leading zero (ambiguous: octal or decimal?)
            ::1.2.3                   | SERVER_URL | its IPv4 part: it has 3 numbers instead of four
            ::1.2.3.256               | SDP        | its IPv4 part: "256" is out of range 0-255
            ::1.2.3.4.                | SDP        | its IPv4 part: it has more than four numbers
            1.2.3.4                   | SERVER_URL | it has 2 groups of 16 bits instead of 8
            1.2.3.4::                 | SERVER_URL | a dotted IPv4 part may only end the address
            ::1.2.3.4:1               | SDP        | a dotted IPv4 part may only end the address
            1:2:3:4:5:6:7             | SDP        | it has 7 groups of 16 bits instead of 8
            1:2:3:4:5:6:7:8:9         | SERVER_URL | it has 9 groups of 16 bits instead of 8
            1:2:3:4:5:6:1.2.3.4:8     | SDP        | a dotted IPv4 part may only end the address
            1:2:3:4::5:6:7:8          | SERVER_URL | '::' stands for no group, there are already 8 groups
            1:2:3:4:5:6::1.2.3.4      | SDP        | '::' stands for no group, there are already 8 groups
            1::2::3                   | SDP        | '::' may appear only once
            :::                       | SERVER_URL | '::' may appear only once
            :1::                      | SERVER_URL | it has an empty group (a lone ':' at the start or end, or ':::')
            1:2:3:4:5:6:7:            | SDP        | it has an empty group (a lone ':' at the start or end, or ':::')
            :1:2:3:4:5:6:7            | SDP        | it has an empty group (a lone ':' at the start or end, or ':::')
            12345::                   | SERVER_URL | group "12345" has more than 4 hex digits
            ::g                       | SERVER_URL | 'g' is not a hex digit, ':' or '.'
            fe80::1%eth0              | SDP        | '%' is not a hex digit, ':' or '.'
            [::1]                     | SDP        | '[' is not a hex digit, ':' or '.'
            """)
    void ipv6(String text, Dialect dialect, String expected) throws Exception {
        assertThat(outcome(() -> HostSyntax.ipv6(text, dialect))).isEqualTo(expected);
        if (expected.equals("ok")) {
            assertThat(HostSyntax.ipv6(text, dialect)).isEqualTo(javaBytes("[" + text + "]"));
        }
    }

    @ParameterizedTest(name = "{1} name {0} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            localhost                          | SERVER_URL | ok
            Example.ORG                        | SDP        | ok
            a-b.1x                             | SDP        | ok
            xn--bcher-kva.example              | SERVER_URL | ok
            4a7b5c61-6b3b-4f77-9c3f.local      | SDP        | ok
            a.123                              | SDP        | ok
            _stun._udp.example.org             | SERVER_URL | ok
            _stun._udp.example.org             | SDP        | contains '_', which is not allowed in a DNS name (letters, digits, '-', and '.')
            example.org.                       | SERVER_URL | ok
            example.org.                       | SDP        | has an empty label (two dots in a row, or a leading dot)
            .                                  | SERVER_URL | has no label
            example..org                       | SERVER_URL | has an empty label (two dots in a row, or a leading dot)
            .example.org                       | SDP        | has an empty label (two dots in a row, or a leading dot)
            example.org..                      | SERVER_URL | has an empty label (two dots in a row, or a leading dot)
            -a.org                             | SERVER_URL | has the label "-a", which starts or ends with '-'
            a-.org                             | SDP        | has the label "a-", which starts or ends with '-'
            exa%6Dple.org                      | SERVER_URL | contains '%', which is not allowed in a DNS name (letters, digits, '-', '_' and '.')
            a b                                | SDP        | contains ' ', which is not allowed in a DNS name (letters, digits, '-', and '.')
            a[b                                | SERVER_URL | contains '['; brackets may only enclose a whole IPv6 address, e.g. [2001:db8::1]
            b\u00FCcher.example                | SERVER_URL | contains the non-ASCII character '\u00FC'; write an internationalized domain name in its ASCII (xn--) form
            """)
    void dnsName(String text, Dialect dialect, String expected) {
        assertThat(outcome(() -> HostSyntax.dnsName(text, dialect))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{1} name of {0} characters -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            63,               | SDP        | ok
            64,               | SERVER_URL | has a label of 64 characters; a DNS label is at most 63
            64,               | SDP        | has a label of 64 characters; a DNS label is at most 63
            63, 63, 63, 61    | SERVER_URL | ok
            63, 63, 63, 61    | SDP        | ok
            63, 63, 63, 61, . | SERVER_URL | ok
            63, 63, 63, 62    | SERVER_URL | is longer than 253 characters
            63, 63, 63, 62    | SDP        | is longer than 253 characters
            """)
    void nameLengths(String labelLengths, Dialect dialect, String expected) {
        StringBuilder name = new StringBuilder();
        for (String length : labelLengths.split(",")) {
            if (length.isBlank()) {
                continue;
            }
            if (name.length() > 0) {
                name.append('.');
            }
            name.append(length.trim().equals(".") ? "" : "a".repeat(Integer.parseInt(length.trim())));
        }
        assertThat(outcome(() -> HostSyntax.dnsName(name.toString(), dialect))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}: all digits {1}, digits and dots {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            ``       | false | true
            0        | true  | true
            1.2      | false | true
            12a      | false | false
            \u0663   | false | false
            """)
    void characterClasses(String text, boolean allDigits, boolean digitsAndDots) {
        assertThat(HostSyntax.allDigits(text)).isEqualTo(allDigits);
        assertThat(HostSyntax.digitsAndDots(text)).isEqualTo(digitsAndDots);
    }

    private interface Check {
        void run() throws HostSyntax.Malformed;
    }

    /** "ok", or the reason with quoted pieces in plain double quotes. */
    private static String outcome(Check check) {
        HostSyntax.Malformed e = catchThrowableOfType(HostSyntax.Malformed.class, check::run);
        return e == null ? "ok" : e.reason(text -> "\"" + text + "\"");
    }

    /**
     * The bytes Java's literal parser gives, without a lookup: leading zeros of decimal numbers dropped first, and
     * an IPv4-mapped address (which Java turns into the IPv4 address) given back its {@code ::ffff:} prefix.
     */
    private static byte[] javaBytes(String literal) throws UnknownHostException {
        byte[] bytes = InetAddress.getByName(literal.replaceAll("\\b0+(\\d)", "$1")).getAddress();
        if (bytes.length == 16 || !literal.startsWith("[")) {
            return bytes;
        }
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(bytes, 0, mapped, 12, 4);
        return mapped;
    }
}
