package io.iceflux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The relay check's result and options: what they hold and what they refuse. */
class RelayCheckTest {

    @Test
    void aFailedCheckHasNoNumbers() {
        RelayCheck failed = RelayCheck.failed("turn:example.org", "TURN allocation failed: 401 Unauthorized");

        assertThat(failed).isEqualTo(new RelayCheck("turn:example.org", false, null, null, 0, 0,
                "TURN allocation failed: 401 Unauthorized"));
    }

    @Test
    void aCheckRefusesImpossibleCounts() {
        assertThatThrownBy(() -> new RelayCheck("turn:a", true, 1.0, 0, 10, 11, "d"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sent 10 and received 11 must be 0 or more, received at most sent");
        assertThatThrownBy(() -> new RelayCheck("turn:a", true, 1.0, 0, -1, 0, "d"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RelayCheck("turn:a", false, null, 101, 10, 0, "d"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("lossPercent must be 0 to 100, not 101");
        assertThatThrownBy(() -> new RelayCheck(null, false, null, null, 0, 0, "d"))
                .isInstanceOf(NullPointerException.class).hasMessage("url");
        assertThatThrownBy(() -> new RelayCheck("turn:a", false, null, null, 0, 0, null))
                .isInstanceOf(NullPointerException.class).hasMessage("detail");
    }

    @Test
    void optionsHaveDefaultsAndWithers() {
        RelayCheckOptions defaults = RelayCheckOptions.defaults();

        assertThat(defaults).isEqualTo(new RelayCheckOptions(10, Duration.ofMillis(10), Duration.ofSeconds(1),
                Duration.ofSeconds(10)));
        assertThat(defaults.withPackets(3).withInterval(Duration.ZERO).withLinger(Duration.ofMillis(200))
                .withDeadline(Duration.ofSeconds(2)))
                .isEqualTo(new RelayCheckOptions(3, Duration.ZERO, Duration.ofMillis(200), Duration.ofSeconds(2)));
    }

    @Test
    void optionsRefuseWhatCannotRun() {
        RelayCheckOptions defaults = RelayCheckOptions.defaults();
        assertThatThrownBy(() -> defaults.withPackets(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("packets must be 1 to 1000, not 0");
        assertThatThrownBy(() -> defaults.withPackets(1001)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> defaults.withInterval(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("interval must not be negative, not PT-0.001S");
        assertThatThrownBy(() -> defaults.withLinger(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("linger must be positive, not PT0S");
        assertThatThrownBy(() -> defaults.withDeadline(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("deadline must be positive, not PT0S");
        assertThatThrownBy(() -> defaults.withDeadline(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("deadline");
    }
}
