package io.iceflux.examples.web;

import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RequestPredicates.POST;
import static org.springframework.web.reactive.function.server.RequestPredicates.accept;

import io.iceflux.IceGatherer;
import io.iceflux.netty.NettyIceGatherer;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The IceFlux diagnostics web application: a page at {@code /} that gathers candidates for the ICE servers you
 * enter from this server's network (IceFlux, streamed by {@code POST /api/gather}) and from your browser's own
 * {@code RTCPeerConnection}, side by side.
 *
 * <p>Run it with {@code java -jar examples/diagnostics/target/iceflux-diagnostics.jar} and open
 * {@code http://localhost:8080/}. Started by {@link #main} it is in demo mode unless
 * {@code --iceflux.diagnostics.demo=false} is given: it starts an embedded STUN/TURN server on loopback and prefills
 * the form with a working STUN URL, a working TURN URL, a TURN URL with a wrong password and a URL where nothing
 * answers.
 */
@SpringBootApplication(proxyBeanMethods = false)
@EnableConfigurationProperties(DiagnosticsProperties.class)
public class DiagnosticsApplication {

    /** Create the application; Spring calls it. */
    public DiagnosticsApplication() {
    }

    /**
     * Start the application; with no {@code iceflux.diagnostics.demo} setting it runs in demo mode.
     *
     * @param args Spring Boot arguments such as {@code --server.port=8081} or {@code --iceflux.diagnostics.demo=false};
     *             an unusable setting stops the start with a message naming it
     */
    public static void main(String[] args) {
        SpringApplication application = new SpringApplication(DiagnosticsApplication.class);
        application.setDefaultProperties(Map.of("iceflux.diagnostics.demo", "true"));
        ConfigurableApplicationContext context = application.run(args);
        String port = context.getEnvironment().getProperty("local.server.port");
        System.out.println("IceFlux diagnostics: open http://localhost:" + port + "/"
                + (context.containsBean("demoServers") ? " (demo mode: an embedded STUN/TURN server on loopback)" : ""));
    }

    /** The one gatherer the application shares; closed when the application stops. */
    @Bean(destroyMethod = "close")
    NettyIceGatherer iceGatherer() {
        return NettyIceGatherer.create();
    }

    /** The embedded STUN/TURN server of demo mode; stopped when the application stops. */
    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(prefix = "iceflux.diagnostics", name = "demo", havingValue = "true")
    DemoServers demoServers() {
        return DemoServers.start();
    }

    @Bean
    GatherHandler gatherHandler(IceGatherer gatherer, DiagnosticsProperties properties,
            ObjectProvider<DemoServers> demo) {
        return new GatherHandler(gatherer, properties, demo.getIfAvailable());
    }

    /**
     * Answers the requests {@link GatherHandler} refuses with their status and a JSON problem, and keeps clients that
     * went away out of the ERROR log.
     */
    @Bean
    GatherErrorHandler gatherErrorHandler() {
        GatherErrorHandler.quietDisconnectedClientsInDroppedErrors();
        return new GatherErrorHandler();
    }

    @Bean
    RouterFunction<ServerResponse> diagnosticsRoutes(GatherHandler handler) {
        return RouterFunctions.route(POST("/api/gather"), handler::gather)
                .andRoute(GET("/api/config").and(accept(MediaType.APPLICATION_JSON, MediaType.ALL)), handler::config);
    }
}
