package io.iceflux.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iceflux.HostInterfaces;
import io.iceflux.IceConfiguration;
import io.iceflux.IceEvent;
import io.iceflux.IceGatherer;
import io.iceflux.IceServer;
import io.iceflux.IceTransportPolicy;
import io.iceflux.StunTimers;
import io.iceflux.netty.NettyIceGatherer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Flux;

/** The auto-configuration in an {@link ApplicationContextRunner}: the beans, backing off, the bound properties. */
class AutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(IceFluxAutoConfiguration.class,
                    IceFluxHealthAutoConfiguration.class))
            .withPropertyValues("iceflux.threads=1");

    @Test
    void oneGathererAndTheConfigurationClosedWithTheContext() {
        AtomicReference<NettyIceGatherer> gatherer = new AtomicReference<>();
        runner.run(context -> {
            assertThat(context).hasNotFailed()
                    .hasSingleBean(NettyIceGatherer.class)
                    .hasSingleBean(IceConfiguration.class)
                    .hasBean("iceGatherer")
                    .hasBean("icefluxHealthIndicator")
                    .hasSingleBean(IceFluxMeterBinder.class);
            assertThat(context.getBean(IceConfiguration.class).servers()).isEmpty();
            gatherer.set(context.getBean(NettyIceGatherer.class));
        });
        Flux<IceEvent> afterClose = gatherer.get().gather(IceConfiguration.builder().build());
        assertThatThrownBy(() -> afterClose.blockLast(Duration.ofSeconds(5)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void customizersAdjustTheSharedGatherersBuilder() {
        runner.withUserConfiguration(RecordingResolverCustomizer.class).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(NettyIceGatherer.class);
            IceConfiguration config = IceConfiguration.builder().server(IceServer.of("stun:customized.example"))
                    .hostInterfaces(HostInterfaces.loopbackOnly().ipv4Only()).build();
            List<IceEvent> events = context.getBean(NettyIceGatherer.class).gather(config).collectList()
                    .block(Duration.ofSeconds(10));
            // the customizer's resolver was asked, and its failure is the URL's host-lookup 701
            assertThat(RecordingResolverCustomizer.asked).containsExactly("customized.example");
            assertThat(events).filteredOn(e -> e instanceof IceEvent.CandidateError).singleElement()
                    .satisfies(e -> {
                        assertThat(((IceEvent.CandidateError) e).error().errorCode()).isEqualTo(701);
                        assertThat(((IceEvent.CandidateError) e).error().errorText())
                                .isEqualTo("STUN host lookup received error.");
                    });
        });
    }

    @Test
    void backsOffWhenTheApplicationHasAGatherer() {
        runner.withUserConfiguration(OwnGatherer.class).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(IceGatherer.class).doesNotHaveBean("iceGatherer");
            assertThat(context.getBean(IceGatherer.class)).isSameAs(context.getBean("myGatherer"));
        });
    }

    @Test
    void backsOffWhenTheApplicationHasAConfiguration() {
        runner.withUserConfiguration(OwnConfiguration.class).withPropertyValues("iceflux.servers[0].urls=stun:a.invalid")
                .run(context -> assertThat(context.getBean(IceConfiguration.class).servers())
                        .containsExactly(IceServer.of("stun:mine.invalid")));
    }

    @Test
    void healthIndicatorOffByProperty() {
        runner.withPropertyValues("management.health.iceflux.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("icefluxHealthIndicator")
                        .doesNotHaveBean(IceServersProbe.class));
    }

    @Test
    void propertiesBecomeTheConfiguration(@TempDir Path dir) throws IOException {
        Path secretFile = Files.writeString(dir.resolve("turn-secret"), "file-secret-value\n");
        runner.withPropertyValues(
                "management.health.iceflux.enabled=false",
                "iceflux.servers[0].urls=stun:127.0.0.1:3478,stun:[::1]:3478",
                "iceflux.servers[1].urls[0]=turn:127.0.0.1:3478?transport=tcp",
                "iceflux.servers[1].urls[1]=turns:localhost",
                "iceflux.servers[1].username=alice",
                "iceflux.servers[1].credential=wonderland",
                "iceflux.servers[2].urls=turn:127.0.0.1",
                "iceflux.servers[2].auth-secret-file=" + secretFile,
                "iceflux.servers[2].user=svc",
                "iceflux.servers[2].ttl=2h",
                "iceflux.servers[3].urls=turn:127.0.0.2",
                "iceflux.servers[3].auth-secret=inline-secret",
                "iceflux.transport-policy=relay",
                "iceflux.gathering-deadline=5s",
                "iceflux.timers.rto=100ms",
                "iceflux.timers.max-requests=3",
                "iceflux.timers.last-wait-multiplier=4",
                "iceflux.timers.reliable-timeout=2s",
                "iceflux.interfaces.loopback-only=true",
                "iceflux.interfaces.ipv4-only=true").run(context -> {
                    assertThat(context).hasNotFailed();
                    IceConfiguration config = context.getBean(IceConfiguration.class);
                    assertThat(config.servers()).hasSize(4);
                    assertThat(config.servers().get(0)).isEqualTo(IceServer.of("stun:127.0.0.1:3478", "stun:[::1]:3478"));
                    assertThat(config.servers().get(1)).isEqualTo(IceServer.of(
                            List.of("turn:127.0.0.1:3478?transport=tcp", "turns:localhost"), "alice", "wonderland"));
                    assertThat(config.servers().get(2)).isEqualTo(IceServer.withSharedSecret(List.of("turn:127.0.0.1"),
                            "file-secret-value", "svc", Duration.ofHours(2)));
                    assertThat(config.servers().get(3)).isEqualTo(IceServer.withSharedSecret(List.of("turn:127.0.0.2"),
                            "inline-secret", "", Duration.ofDays(1)));
                    assertThat(config.transportPolicy()).isEqualTo(IceTransportPolicy.RELAY);
                    assertThat(config.gatheringDeadline()).contains(Duration.ofSeconds(5));
                    assertThat(config.stunTimers()).isEqualTo(new StunTimers(Duration.ofMillis(100), 3, 4,
                            Duration.ofSeconds(2)));
                    assertThat(config.hostInterfaces()).isEqualTo(HostInterfaces.loopbackOnly().ipv4Only());
                });
    }

    @Test
    void defaultsAreTheLibrarysDefaults() {
        runner.run(context -> {
            IceConfiguration config = context.getBean(IceConfiguration.class);
            assertThat(config.stunTimers()).isEqualTo(StunTimers.rfc8489());
            assertThat(config.hostInterfaces()).isEqualTo(HostInterfaces.defaults());
            assertThat(config.transportPolicy()).isEqualTo(IceTransportPolicy.ALL);
            assertThat(config.gatheringDeadline()).isEmpty();
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class RecordingResolverCustomizer {
        static final List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Bean
        IceGathererBuilderCustomizer recordingResolver() {
            return builder -> builder.resolver(host -> {
                asked.add(host);
                return reactor.core.publisher.Mono.error(new java.net.UnknownHostException(host));
            });
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnGatherer {
        @Bean(destroyMethod = "close")
        NettyIceGatherer myGatherer() {
            return NettyIceGatherer.builder().threads(1).build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnConfiguration {
        @Bean
        IceConfiguration myConfiguration() {
            return IceConfiguration.builder().server(IceServer.of("stun:mine.invalid")).build();
        }
    }
}
