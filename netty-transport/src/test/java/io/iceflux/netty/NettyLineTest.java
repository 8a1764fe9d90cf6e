package io.iceflux.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.Version;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which Netty the tests run on: the version each surefire execution is meant to test, given as the system property
 * {@code iceflux.netty.expected} ({@code netty-bom.version} in the default execution, {@code netty41.version} in the
 * {@code netty41} one, where the same classes run with Netty 4.1's jars instead of 4.2's).
 */
class NettyLineTest {

    @Test
    void everyNettyJarIsOfTheExpectedVersion() {
        String expected = System.getProperty("iceflux.netty.expected");
        assertThat(expected).as("the surefire execution names the Netty version it tests").isNotBlank();
        Map<String, Version> versions = Version.identify();
        assertThat(versions).containsKeys("netty-common", "netty-buffer", "netty-transport", "netty-handler",
                "netty-resolver-dns");
        versions.forEach((artifact, version) -> {
            // the test certificates' generator is the 4.2 jar on both lines (it uses only netty-common classes 4.1 has)
            if (!artifact.equals("netty-pkitesting")) {
                assertThat(version.artifactVersion()).as(artifact).isEqualTo(expected);
            }
        });
        assertThat(present("io.netty.channel.IoEventLoop")).as("Netty 4.2's IoEventLoop on the class path")
                .isEqualTo(expected.startsWith("4.2."));
    }

    private static boolean present(String name) {
        try {
            Class.forName(name, false, NettyLineTest.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
