package io.iceflux.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.Version;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootVersion;

/** These tests run on the Spring Boot and the Netty their module says (boot3-tests: 3.5.7, boot4-tests: 4.0.7). */
class BootVersionTest {

    @Test
    void runsOnTheBootAndNettyOfItsModule() {
        assertThat(SpringBootVersion.getVersion()).isEqualTo(System.getProperty("iceflux.test.bootVersion"));
        assertThat(Version.identify().get("netty-common").artifactVersion())
                .isEqualTo(System.getProperty("iceflux.test.nettyVersion"));
    }
}
