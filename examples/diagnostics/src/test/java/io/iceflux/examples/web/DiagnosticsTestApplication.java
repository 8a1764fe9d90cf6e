package io.iceflux.examples.web;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The application, started once for every test class that asks for it: on a random port in demo mode (its
 * embedded STUN/TURN server is the tests' server), gathering on 127.0.0.1 only, at most two gatherings at once,
 * Spring quiet. Spring's shutdown hook stops it (and the demo server) when the test JVM exits.
 */
final class DiagnosticsTestApplication {

    private static DiagnosticsTestApplication instance;

    private final ConfigurableApplicationContext context;
    private final int port;

    private DiagnosticsTestApplication(ConfigurableApplicationContext context) {
        this.context = context;
        Integer localPort = context.getEnvironment().getProperty("local.server.port", Integer.class);
        if (localPort == null) {
            throw new IllegalStateException("the application started without a web server port");
        }
        this.port = localPort;
    }

    static synchronized DiagnosticsTestApplication get() {
        if (instance == null) {
            instance = new DiagnosticsTestApplication(new SpringApplicationBuilder(DiagnosticsApplication.class)
                    .run("--server.port=0",
                            "--server.address=127.0.0.1",
                            "--iceflux.diagnostics.demo=true",
                            "--iceflux.diagnostics.host-interfaces=loopback-only",
                            "--iceflux.diagnostics.ipv4-only=true",
                            "--iceflux.diagnostics.max-concurrent-gatherings=2",
                            "--logging.level.root=WARN",
                            "--logging.level.io.iceflux=WARN",
                            "--logging.level.org.springframework.boot.reactor.netty=WARN"));
        }
        return instance;
    }

    int port() {
        return port;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    DemoServers demo() {
        return context.getBean(DemoServers.class);
    }

    GatherHandler handler() {
        return context.getBean(GatherHandler.class);
    }
}
