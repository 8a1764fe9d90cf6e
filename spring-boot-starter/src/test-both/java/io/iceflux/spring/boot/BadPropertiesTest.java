package io.iceflux.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * A bad {@code iceflux.*} value stops the start with a failure that names the property and what is wrong, and never
 * holds the secret of the configuration, anywhere in the whole failure (every cause's message and stack trace).
 */
class BadPropertiesTest {

    static final String SECRET = "S3cr3t-never-shown";

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of("iceflux.servers[0].urls is not usable", "port 99999 is out of range",
                        List.of("iceflux.servers[0].urls=stun:127.0.0.1:99999")),
                Arguments.of("iceflux.servers[0].urls is not usable", "user info",
                        List.of("iceflux.servers[0].urls=turn:alice:" + SECRET + "@127.0.0.1",
                                "iceflux.servers[0].username=alice", "iceflux.servers[0].credential=" + SECRET)),
                Arguments.of("iceflux.servers[0].ttl must be positive", "PT-1H",
                        List.of("iceflux.servers[0].urls=turn:127.0.0.1", "iceflux.servers[0].auth-secret=" + SECRET,
                                "iceflux.servers[0].ttl=-1h")),
                Arguments.of("iceflux.servers[0].auth-secret-file cannot be read", "no such file",
                        List.of("iceflux.servers[0].urls=turn:127.0.0.1",
                                "iceflux.servers[0].auth-secret-file=/nonexistent/iceflux/turn-secret")),
                Arguments.of("iceflux.servers[0].username is not usable", "the username is missing",
                        List.of("iceflux.servers[0].urls=turn:127.0.0.1", "iceflux.servers[0].credential=" + SECRET)),
                Arguments.of("iceflux.servers[0].credential is not usable", "the credential is missing",
                        List.of("iceflux.servers[0].urls=turn:127.0.0.1", "iceflux.servers[0].username=alice")),
                Arguments.of("iceflux.servers[0].credential is not usable", "control character",
                        List.of("iceflux.servers[0].urls=turn:127.0.0.1", "iceflux.servers[0].username=alice",
                                "iceflux.servers[0].credential=" + SECRET + "\u0007" + SECRET)),
                Arguments.of("iceflux.servers[0].auth-secret-file and iceflux.servers[0].auth-secret are both set",
                        "set one of them",
                        List.of("iceflux.servers[0].urls=turn:127.0.0.1", "iceflux.servers[0].auth-secret=" + SECRET,
                                "iceflux.servers[0].auth-secret-file=/etc/hostname")),
                Arguments.of("iceflux.servers[0].username and iceflux.servers[0].credential cannot be set with a TURN "
                                + "REST auth-secret", "minted from the secret",
                        List.of("iceflux.servers[0].urls=turn:127.0.0.1", "iceflux.servers[0].auth-secret=" + SECRET,
                                "iceflux.servers[0].credential=" + SECRET)),
                Arguments.of("iceflux.servers[1].urls is missing", "give one ICE server URL",
                        List.of("iceflux.servers[0].urls=stun:127.0.0.1", "iceflux.servers[1].username=alice")),
                Arguments.of("iceflux.timers.rto must be positive", "PT0S", List.of("iceflux.timers.rto=0ms")),
                Arguments.of("iceflux.timers.max-requests must be at least 1", "not 0",
                        List.of("iceflux.timers.max-requests=0")),
                Arguments.of("iceflux.gathering-deadline must be positive", "PT-5S",
                        List.of("iceflux.gathering-deadline=-5s")),
                Arguments.of("iceflux.health.interval must be positive", "PT0S", List.of("iceflux.health.interval=0s")),
                Arguments.of("iceflux.interfaces.ipv6-only and iceflux.interfaces.ipv4-only are both true",
                        "set at most one", List.of("iceflux.interfaces.ipv4-only=true", "iceflux.interfaces.ipv6-only=true")));
    }

    @ParameterizedTest
    @MethodSource("badValues")
    void refusedNamingThePropertyWithoutTheSecret(String property, String what, List<String> values) {
        List<String> all = new ArrayList<>(values);
        all.add("iceflux.threads=1");
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(IceFluxAutoConfiguration.class,
                        IceFluxHealthAutoConfiguration.class))
                .withPropertyValues(all.toArray(String[]::new))
                .run(context -> {
                    assertThat(context).hasFailed();
                    String failure = wholeFailure(context.getStartupFailure());
                    assertThat(failure).contains(property).contains(what).doesNotContain(SECRET);
                });
    }

    /** Every message and stack trace of the failure and its causes, as a log would show them. */
    static String wholeFailure(Throwable failure) {
        StringWriter text = new StringWriter();
        failure.printStackTrace(new PrintWriter(text));
        return text + Arrays.toString(failure.getSuppressed());
    }
}
