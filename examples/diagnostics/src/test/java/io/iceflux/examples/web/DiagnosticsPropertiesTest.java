package io.iceflux.examples.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iceflux.HostInterfaces;
import io.iceflux.examples.web.DiagnosticsProperties.Interfaces;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code iceflux.diagnostics.interface-names}: the setting that narrows a host with too many addresses. */
class DiagnosticsPropertiesTest {

    private static DiagnosticsProperties properties(boolean demo, Interfaces interfaces, List<String> names) {
        return new DiagnosticsProperties(demo, 4, interfaces, names, false, Duration.ofSeconds(60), List.of(), null);
    }

    @Test
    void namedInterfacesAreTheOnlyOnesUsedPlusLoopbackWhereTheModeAddsIt() {
        assertThat(properties(false, Interfaces.AUTO, List.of("eth0")).resolvedHostInterfaces())
                .isEqualTo(HostInterfaces.only("eth0"));
        assertThat(properties(false, Interfaces.DEFAULT, List.of("eth0", "wg0")).resolvedHostInterfaces())
                .isEqualTo(HostInterfaces.only("eth0", "wg0"));
        assertThat(properties(true, Interfaces.AUTO, List.of("eth0")).resolvedHostInterfaces())
                .isEqualTo(HostInterfaces.only("eth0").withLoopbackInterfaces());
        assertThat(properties(false, Interfaces.WITH_LOOPBACK, List.of("eth0")).resolvedHostInterfaces())
                .isEqualTo(HostInterfaces.only("eth0").withLoopbackInterfaces());
    }

    @Test
    void withoutNamesEveryInterfaceIsUsedAsBefore() {
        assertThat(properties(false, Interfaces.AUTO, List.of()).resolvedHostInterfaces())
                .isEqualTo(HostInterfaces.defaults());
        assertThat(properties(true, Interfaces.AUTO, null).resolvedHostInterfaces())
                .isEqualTo(HostInterfaces.defaults().withLoopback());
        assertThat(properties(false, Interfaces.LOOPBACK_ONLY, List.of()).resolvedHostInterfaces())
                .isEqualTo(HostInterfaces.loopbackOnly());
    }

    @Test
    void namesWithLoopbackOnlyStopTheStartNamingBothSettings() {
        assertThatThrownBy(() -> properties(false, Interfaces.LOOPBACK_ONLY, List.of("eth0")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("iceflux.diagnostics.interface-names [eth0] cannot be combined with "
                        + "iceflux.diagnostics.host-interfaces=loopback-only");
    }
}
