package io.iceflux.examples.web;

import io.iceflux.IceGatherer;
import io.iceflux.netty.IceServerResolver;
import io.iceflux.netty.NettyIceGatherer;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.http.client.ReactorResourceFactory;

/**
 * The application, started once for every test class that asks for it, on a random port of 127.0.0.1, gathering on
 * 127.0.0.1 only, at most two gatherings at once, Spring quiet. {@link #get()} is in demo mode (its embedded
 * STUN/TURN server is the tests' server); {@link #withoutDemo()} is not (the tests name their own servers) and
 * gathers through a {@link SimulatedHostAddresses}. Spring's shutdown hook stops them (and the demo server) when the
 * test JVM exits.
 */
final class DiagnosticsTestApplication {

    private static DiagnosticsTestApplication demo;
    private static DiagnosticsTestApplication withoutDemo;

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

    /** The application in demo mode. */
    static synchronized DiagnosticsTestApplication get() {
        if (demo == null) {
            demo = new DiagnosticsTestApplication(new SpringApplicationBuilder(DiagnosticsApplication.class)
                    .run(arguments(true)));
        }
        return demo;
    }

    /**
     * The application with demo mode off, whose gatherer is a {@link SimulatedHostAddresses} (registered as the
     * primary {@link IceGatherer}) around the application's own {@link NettyIceGatherer}.
     */
    static synchronized DiagnosticsTestApplication withoutDemo() {
        if (withoutDemo == null) {
            withoutDemo = new DiagnosticsTestApplication(new SpringApplicationBuilder(DiagnosticsApplication.class)
                    .initializers(context -> ((GenericApplicationContext) context).registerBean(
                            SimulatedHostAddresses.class,
                            () -> new SimulatedHostAddresses(context.getBean(NettyIceGatherer.class)),
                            definition -> definition.setPrimary(true)))
                    .run(arguments(false)));
        }
        return withoutDemo;
    }

    /**
     * An application of its own, demo mode off, with these {@code settings} (e.g. {@code
     * --iceflux.diagnostics.allow=…}) beside the tests' own, whose host names {@code resolver} resolves. Close it.
     */
    static DiagnosticsTestApplication start(IceServerResolver resolver, String... settings) {
        List<String> arguments = new ArrayList<>(List.of(arguments(false)));
        arguments.addAll(List.of(settings));
        return new DiagnosticsTestApplication(new SpringApplicationBuilder(DiagnosticsApplication.class)
                .initializers(context -> ((GenericApplicationContext) context).registerBean(IceServerResolver.class,
                        () -> resolver), DiagnosticsTestApplication::ownNettyResources)
                .run(arguments.toArray(String[]::new)));
    }

    /**
     * Give an application that a test closes (or whose start fails) Reactor Netty resources of its own: with the
     * global ones, which Spring Boot uses by default, closing it would stop the event loops of every other
     * application in the test JVM.
     */
    static void ownNettyResources(ConfigurableApplicationContext context) {
        ((GenericApplicationContext) context).registerBean(ReactorResourceFactory.class, () -> {
            ReactorResourceFactory factory = new ReactorResourceFactory();
            factory.setUseGlobalResources(false);
            return factory;
        });
    }

    /** Stop an application {@link #start started} for one test class. */
    void close() {
        context.close();
    }

    private static String[] arguments(boolean demoMode) {
        return new String[] {"--server.port=0",
                "--server.address=127.0.0.1",
                "--iceflux.diagnostics.demo=" + demoMode,
                "--iceflux.diagnostics.host-interfaces=loopback-only",
                "--iceflux.diagnostics.ipv4-only=true",
                "--iceflux.diagnostics.max-concurrent-gatherings=2",
                "--logging.level.root=WARN",
                "--logging.level.io.iceflux=WARN",
                "--logging.level.org.springframework.boot.reactor.netty=WARN"};
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

    /** The gatherer of {@link #withoutDemo()}. */
    SimulatedHostAddresses simulatedHostAddresses() {
        return context.getBean(SimulatedHostAddresses.class);
    }
}
