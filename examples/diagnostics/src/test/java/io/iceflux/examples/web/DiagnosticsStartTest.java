package io.iceflux.examples.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The application's start: on 127.0.0.1 unless told otherwise, and a start that would expose the page with no rule,
 * or with a bad rule, stops before the web server listens, with a message naming the setting.
 */
class DiagnosticsStartTest {

    private static ConfigurableApplicationContext run(String... settings) {
        List<String> arguments = new ArrayList<>(List.of("--server.port=0", "--iceflux.diagnostics.demo=false",
                "--iceflux.diagnostics.host-interfaces=loopback-only", "--logging.level.root=OFF"));
        arguments.addAll(List.of(settings));
        return new SpringApplicationBuilder(DiagnosticsApplication.class)
                .initializers(DiagnosticsTestApplication::ownNettyResources)
                .run(arguments.toArray(String[]::new));
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    @Test
    void withoutServerAddressThePageListensOnLoopbackAndProbesAnything() {
        try (ConfigurableApplicationContext context = run()) {
            PageAccess access = context.getBean(PageAccess.class);

            assertThat(access.listensOn()).isEqualTo("127.0.0.1");
            assertThat(access.exposed()).isFalse();
            assertThat(access.allowlist()).isEmpty();
        }
    }

    @Test
    void exposedWithoutAnAllowlistDoesNotStart() {
        assertThatThrownBy(() -> run("--server.address=0.0.0.0"))
                .satisfies(e -> assertThat(rootCause(e))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageStartingWith("The page would listen on 0.0.0.0 (server.address), not on loopback,"
                                + " and iceflux.diagnostics.allow is empty"));
    }

    @Test
    void aBadRuleDoesNotStartNamingThePropertyAndTheRule() {
        assertThatThrownBy(() -> run("--iceflux.diagnostics.allow=turn.example.org:3478,10.1.0.0/33:3478"))
                .satisfies(e -> assertThat(rootCause(e))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageStartingWith("iceflux.diagnostics.allow[1] \"10.1.0.0/33:3478\": the prefix length"
                                + " /33 is not a number 0-32"));
    }
}
