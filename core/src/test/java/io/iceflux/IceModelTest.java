package io.iceflux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IceModelTest {

    @Test
    void candidateErrorKeepsEveryField() {
        IceCandidateError e = new IceCandidateError("stun:Stun.Example.org", 701,
                "STUN binding request timed out.", "192.168.1.10", 50000);
        assertThat(e.url()).isEqualTo("stun:Stun.Example.org");
        assertThat(e.errorCode()).isEqualTo(701);
        assertThat(e.errorText()).isEqualTo("STUN binding request timed out.");
        assertThat(e.address()).isEqualTo("192.168.1.10");
        assertThat(e.port()).isEqualTo(50000);
        assertThat(e.isServerNotReachable()).isTrue();
    }

    @Test
    void candidateErrorWithoutAddressHasNullPortToo() {
        IceCandidateError e = IceCandidateError.withoutAddress("turn:t.example.org?transport=tcp", 401, "Unauthorized");
        assertThat(e.address()).isNull();
        assertThat(e.port()).isNull();
        assertThat(e.isServerNotReachable()).isFalse();
    }

    @Test
    void addressAndPortAreNullTogether() {
        assertThatThrownBy(() -> new IceCandidateError("stun:a", 701, "x", "10.0.0.1", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("address and port must both be null or both be set");
        assertThatThrownBy(() -> new IceCandidateError("stun:a", 701, "x", null, 3478))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("address and port");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 299, 700, 702, 799, 1000, -1})
    void errorCodesOutsideStunRangeOr701AreRejected(int code) {
        assertThatThrownBy(() -> IceCandidateError.withoutAddress("stun:a", code, "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("errorCode must be a STUN error code (300-699) or 701, not " + code);
    }

    @ParameterizedTest
    @ValueSource(ints = {300, 401, 438, 500, 699, 701})
    void stunCodesAnd701AreAccepted(int code) {
        assertThat(IceCandidateError.withoutAddress("stun:a", code, "").errorCode()).isEqualTo(code);
    }

    @Test
    void candidateErrorRejectsBadPortAndNulls() {
        assertThatThrownBy(() -> new IceCandidateError("stun:a", 701, "x", "::1", 70000))
                .hasMessageContaining("port must be 0-65535");
        assertThatThrownBy(() -> IceCandidateError.withoutAddress(null, 701, "x")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> IceCandidateError.withoutAddress("stun:a", 701, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void eventsCarryTheirGenerationAndRejectNegativeOnes() {
        assertThat(new IceEvent.EndOfCandidates(3).generation()).isEqualTo(3);
        assertThat(new IceEvent.GatheringStateChanged(1, IceGatheringState.GATHERING).state())
                .isEqualTo(IceGatheringState.GATHERING);
        assertThatThrownBy(() -> new IceEvent.EndOfCandidates(-1)).hasMessageContaining("generation must be >= 0");
        assertThatThrownBy(() -> new IceEvent.GatheringStateChanged(0, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void w3cNames() {
        assertThat(IceGatheringState.NEW.w3cName()).isEqualTo("new");
        assertThat(IceGatheringState.GATHERING.w3cName()).isEqualTo("gathering");
        assertThat(IceGatheringState.COMPLETE.w3cName()).isEqualTo("complete");
        assertThat(IceTransportPolicy.RELAY.w3cName()).isEqualTo("relay");
        assertThat(IceTransportPolicy.fromW3cName("ALL")).isEqualTo(IceTransportPolicy.ALL);
        assertThatThrownBy(() -> IceTransportPolicy.fromW3cName("public"))
                .hasMessage("iceTransportPolicy must be \"all\" or \"relay\", not \"public\"");
        assertThat(IceProtocol.TCP.w3cName()).isEqualTo("tcp");
    }

    @Test
    void rfc8489TimersGiveTheSendScheduleAnd39_5Seconds() {
        StunTimers t = StunTimers.rfc8489();
        assertThat(t.initialRto()).isEqualTo(Duration.ofMillis(500));
        assertThat(t.maxRequests()).isEqualTo(7);
        assertThat(t.lastWaitMultiplier()).isEqualTo(16);
        assertThat(t.reliableTimeout()).isEqualTo(Duration.ofMillis(39_500));
        // requests leave at 0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s
        long at = 0;
        long[] expected = {0, 500, 1500, 3500, 7500, 15500, 31500};
        for (int n = 0; n < 7; n++) {
            at += t.retransmissionDelay(n).toMillis();
            assertThat(at).as("send %d", n).isEqualTo(expected[n]);
        }
        assertThat(t.lastWait()).isEqualTo(Duration.ofSeconds(8));
        assertThat(t.udpTimeout()).isEqualTo(Duration.ofMillis(39_500));
    }

    @Test
    void customTimers() {
        StunTimers fast = StunTimers.rfc8489().withInitialRto(Duration.ofMillis(100)).withMaxRequests(3)
                .withLastWaitMultiplier(4).withReliableTimeout(Duration.ofSeconds(2));
        // 0, 100, 300 then 400 ms wait -> 700 ms
        assertThat(fast.udpTimeout()).isEqualTo(Duration.ofMillis(700));
        assertThat(fast.reliableTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(new StunTimers(Duration.ofMillis(250), 1, 1, Duration.ofSeconds(1)).udpTimeout())
                .isEqualTo(Duration.ofMillis(250));
        assertThatThrownBy(() -> fast.retransmissionDelay(3)).hasMessageContaining("n must be in [0, 3)");
    }

    @Test
    void timersRejectNonsense() {
        assertThatThrownBy(() -> StunTimers.rfc8489().withInitialRto(Duration.ZERO)).hasMessageContaining("initialRto must be positive");
        assertThatThrownBy(() -> StunTimers.rfc8489().withMaxRequests(0)).hasMessageContaining("maxRequests (Rc) must be at least 1");
        assertThatThrownBy(() -> StunTimers.rfc8489().withLastWaitMultiplier(0)).hasMessageContaining("lastWaitMultiplier (Rm)");
        assertThatThrownBy(() -> StunTimers.rfc8489().withReliableTimeout(Duration.ofSeconds(-1))).hasMessageContaining("reliableTimeout must be positive");
    }

    @Test
    void configurationDefaultsAndLimits() {
        IceConfiguration c = IceConfiguration.builder().build();
        assertThat(c.servers()).isEmpty();
        assertThat(c.transportPolicy()).isEqualTo(IceTransportPolicy.ALL);
        assertThat(c.stunTimers()).isEqualTo(StunTimers.rfc8489());
        assertThat(c.gatheringDeadline()).isEmpty();
        assertThatThrownBy(() -> IceConfiguration.builder().gatheringDeadline(Duration.ZERO))
                .hasMessageContaining("gatheringDeadline must be positive");
        IceConfiguration withDeadline = c.toBuilder().gatheringDeadline(Duration.ofSeconds(4))
                .transportPolicy(IceTransportPolicy.RELAY).build();
        assertThat(withDeadline.gatheringDeadline()).contains(Duration.ofSeconds(4));
        assertThat(withDeadline.transportPolicy()).isEqualTo(IceTransportPolicy.RELAY);
        assertThat(withDeadline).isNotEqualTo(c);
        assertThat(withDeadline.toBuilder().build()).isEqualTo(withDeadline).hasSameHashCodeAs(withDeadline);
    }
}
