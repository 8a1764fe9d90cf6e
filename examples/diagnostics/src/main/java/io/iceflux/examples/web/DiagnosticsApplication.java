package io.iceflux.examples.web;

import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RequestPredicates.POST;
import static org.springframework.web.reactive.function.server.RequestPredicates.accept;

import io.iceflux.IceGatherer;
import io.iceflux.netty.IceServerResolver;
import io.iceflux.netty.NettyIceGatherer;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.WebFilter;

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
 *
 * <p>It listens on 127.0.0.1 unless {@code server.address} says otherwise. Listening anywhere else needs
 * {@code iceflux.diagnostics.allow}, the servers it may probe, and should have a password
 * ({@code iceflux.diagnostics.password-file} or {@code ICEFLUX_DIAGNOSTICS_PASSWORD}): see {@link PageAccess}.
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
        PageAccess access = context.getBean(PageAccess.class);
        String host = access.exposed() ? "<this host>" : "localhost";
        System.out.println("IceFlux diagnostics: open http://" + host + ":" + port + "/"
                + (context.containsBean("demoServers") ? " (demo mode: an embedded STUN/TURN server on loopback)" : ""));
    }

    /**
     * Where the page listens, what it may probe and whether it asks for a password; stops the start when the page
     * would be exposed with no allowlist, or for an unusable password setting.
     */
    @Bean
    PageAccess pageAccess(DiagnosticsProperties properties, Environment environment,
            ObjectProvider<DemoServers> demo) {
        return PageAccess.decide(properties, environment.getProperty(PageAccess.ADDRESS_PROPERTY),
                demo.getIfAvailable(), environment.getProperty(PagePassword.ENVIRONMENT));
    }

    /**
     * The one gatherer the application shares; closed when the application stops. With an allowlist in force it
     * resolves host names with the {@link IceServerResolver} bean if there is one (else the JVM's resolver) and
     * checks every answer before anything is sent ({@link AllowlistResolver}).
     */
    @Bean(destroyMethod = "close")
    NettyIceGatherer iceGatherer(PageAccess access, ObjectProvider<IceServerResolver> resolver) {
        return access.allowlist()
                .map(allowlist -> NettyIceGatherer.builder()
                        .resolver(new AllowlistResolver(allowlist, resolver.getIfAvailable(SystemResolver::new)))
                        .build())
                .orElseGet(NettyIceGatherer::create);
    }

    /** Asks for the password on every request when one is set; otherwise lets every request through. */
    @Bean
    WebFilter passwordFilter(PageAccess access) {
        return access.password().<WebFilter>map(PasswordFilter::new).orElse((exchange, chain) -> chain.filter(exchange));
    }

    /** The embedded STUN/TURN server of demo mode; stopped when the application stops. */
    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(prefix = "iceflux.diagnostics", name = "demo", havingValue = "true")
    DemoServers demoServers() {
        return DemoServers.start();
    }

    @Bean
    GatherHandler gatherHandler(IceGatherer gatherer, DiagnosticsProperties properties,
            ObjectProvider<DemoServers> demo, PageAccess access) {
        return new GatherHandler(gatherer, properties, demo.getIfAvailable(), access.allowlist());
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
