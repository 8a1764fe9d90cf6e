package io.iceflux.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.iceflux.IceCandidate;
import io.iceflux.IceProtocol;
import java.nio.charset.StandardCharsets;

/**
 * Coverage-guided fuzzing of the SDP candidate parser {@link IceCandidate#parse(String)} with Jazzer. The input
 * bytes are read as UTF-8, so the seeds under {@code IceCandidateFuzzTestInputs/parse} are plain candidate lines
 * (Chrome, Firefox and Safari spellings, TCP, IPv6, mDNS, relay, edge cases).
 *
 * <p>Invariants: only {@link IllegalArgumentException} (with a message) escapes; a candidate that parses has its
 * fields in their documented ranges, and {@link IceCandidate#toSdp()} parses back to an equal candidate whose own
 * {@code toSdp()} is the same line.
 */
class IceCandidateFuzzTest {

    @FuzzTest
    void parse(byte[] input) {
        String line = new String(input, StandardCharsets.UTF_8);
        IceCandidate candidate;
        try {
            candidate = IceCandidate.parse(line);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).as("message of %s", e).isNotBlank();
            return;
        }
        assertThat(candidate.foundation()).hasSizeBetween(1, 32).matches("[A-Za-z0-9+/]+");
        assertThat(candidate.component()).isBetween(1, 256);
        assertThat(candidate.priority()).isBetween(1L, (1L << 31) - 1);
        assertThat(candidate.port()).isBetween(0, 65535);
        assertThat(candidate.address()).isNotEmpty();
        assertThat(candidate.type()).isNotNull();
        assertThat(candidate.url()).isNull();
        assertThat(candidate.relatedAddress() == null).isEqualTo(candidate.relatedPort() == null);
        if (candidate.relatedPort() != null) {
            assertThat(candidate.relatedPort()).isBetween(0, 65535);
        }
        if (candidate.tcpType() != null) {
            assertThat(candidate.protocol()).isEqualTo(IceProtocol.TCP);
        }
        assertThat(candidate.extensions()).isNotNull();
        assertThat(candidate.toString()).isNotEmpty();

        String sdp = candidate.toSdp();
        assertThat(sdp).startsWith("candidate:").doesNotContain("\r", "\n");
        IceCandidate again = IceCandidate.parse(sdp);
        assertThat(again).isEqualTo(candidate).hasSameHashCodeAs(candidate);
        assertThat(again.toSdp()).isEqualTo(sdp);
        assertThat(IceCandidate.parse("a=" + sdp + "\r\n")).isEqualTo(candidate);
        assertThat(candidate.toBuilder().build()).isEqualTo(candidate);
    }
}
