package io.iceflux.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.iceflux.HostInterfaces;
import io.iceflux.IceConfiguration;
import io.iceflux.IceEvent;
import io.iceflux.IceServer;
import io.iceflux.netty.NettyIceGatherer;
import io.iceflux.testkit.TestTurnServer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;
import reactor.netty.resources.LoopResources;

/** {@code iceflux.event-loops}: the gatherer on the application's reactor-netty client loops, or on its own. */
class SharedEventLoopsTest {

    /**
     * The kind of loops reactor-netty gives its clients in these tests, as its thread names say: epoll on Linux (the
     * native transport a Boot application has through reactor-netty's dependencies), NIO where epoll is not available.
     * The gatherer runs on them, whichever they are.
     */
    static final String LOOP_KIND = io.netty.channel.epoll.Epoll.isAvailable() ? "epoll" : "nio";

    static TestTurnServer server;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(IceFluxAutoConfiguration.class))
            .withUserConfiguration(ApplicationLoops.class);

    @BeforeAll
    static void startServer() {
        server = TestTurnServer.builder().tls(false).start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void sharedByDefault() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(gatheringThreads(context.getBean(NettyIceGatherer.class), server))
                    .anyMatch(name -> name.startsWith("app-loops-" + LOOP_KIND + "-"))
                    .noneMatch(name -> name.startsWith("iceflux-io"));
        });
    }

    @Test
    void ownLoopsWhenAskedFor() {
        runner.withPropertyValues("iceflux.event-loops=own", "iceflux.threads=1").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(gatheringThreads(context.getBean(NettyIceGatherer.class), server))
                    .anyMatch(name -> name.startsWith("iceflux-io"))
                    .noneMatch(name -> name.startsWith("app-loops-"));
        });
    }

    @Test
    void ownLoopsWithoutReactorResourceFactory() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(IceFluxAutoConfiguration.class))
                .withPropertyValues("iceflux.threads=1").run(context -> assertThat(
                        gatheringThreads(context.getBean(NettyIceGatherer.class), server))
                        .anyMatch(name -> name.startsWith("iceflux-io")));
    }

    /** The threads a STUN gathering against {@code server} emits its events on; its srflx candidate arrives. */
    static Set<String> gatheringThreads(NettyIceGatherer gatherer, TestTurnServer server) {
        IceConfiguration config = IceConfiguration.builder().server(IceServer.of(server.stunUrl()))
                .hostInterfaces(HostInterfaces.loopbackOnly().ipv4Only()).build();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        List<IceEvent> events = gatherer.gather(config)
                .doOnNext(e -> threads.add(Thread.currentThread().getName()))
                .collectList().block(Duration.ofSeconds(20));
        assertThat(events).anyMatch(e -> e instanceof IceEvent.CandidateGathered c
                && server.stunUrl().equals(c.candidate().url()));
        return threads;
    }

    /** The application's reactor-netty resources, as Boot's ReactorResourceFactory holds them. */
    @Configuration(proxyBeanMethods = false)
    static class ApplicationLoops {
        @Bean
        ReactorResourceFactory reactorResourceFactory() {
            ReactorResourceFactory factory = new ReactorResourceFactory();
            factory.setUseGlobalResources(false);
            factory.setLoopResources(LoopResources.create("app-loops", 1, true));
            return factory;
        }
    }
}
