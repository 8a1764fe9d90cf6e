package io.iceflux.spring.boot.readme;

import io.iceflux.IceConfiguration;
import io.iceflux.IceEvent;
import io.iceflux.IceGatherer;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;

/** The README's Spring Boot app, word for word (README.md, "Spring Boot starter"); ReadmeAppTest runs it. */
@SpringBootApplication
@RestController
public class IceApp {
    private final IceGatherer gatherer;
    private final IceConfiguration iceflux;

    IceApp(IceGatherer gatherer, IceConfiguration iceflux) { this.gatherer = gatherer; this.iceflux = iceflux; }

    public static void main(String[] args) { SpringApplication.run(IceApp.class, args); }

    @GetMapping(value = "/candidates", produces = "text/event-stream")
    Flux<String> candidates() {
        return gatherer.gather(iceflux).ofType(IceEvent.CandidateGathered.class).map(c -> c.candidate().toSdp());
    }
}
