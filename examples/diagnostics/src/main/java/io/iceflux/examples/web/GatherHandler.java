package io.iceflux.examples.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.iceflux.IceConfiguration;
import io.iceflux.IceGatherer;
import io.iceflux.IceLimitExceededException;
import io.iceflux.IceOperators;
import io.iceflux.InvalidIceServerException;
import io.iceflux.examples.common.ProbeJson;
import io.iceflux.examples.common.ServerChecks;
import io.iceflux.testkit.TestTurnServer;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;

/**
 * Serves {@code POST /api/gather} (one gathering streamed as Server-Sent Events, each event's data one object of the
 * probe's JSON contract, the summary last) and {@code GET /api/config} (what the page's form starts with).
 */
final class GatherHandler {

    private static final Logger log = LoggerFactory.getLogger(GatherHandler.class);
    /** The refused URLs a 403 names; the rest are counted. */
    private static final int MAX_REFUSALS_SHOWN = 5;

    private final IceGatherer gatherer;
    private final DiagnosticsProperties properties;
    private final DemoServers demo;
    private final Optional<Allowlist> allowlist;
    private final ObjectMapper mapper = new ObjectMapper();
    private final AtomicInteger running = new AtomicInteger();

    /** {@code allowlist}: the servers a request may name; empty when any may be named. */
    GatherHandler(IceGatherer gatherer, DiagnosticsProperties properties, DemoServers demo,
            Optional<Allowlist> allowlist) {
        this.gatherer = gatherer;
        this.properties = properties;
        this.demo = demo;
        this.allowlist = allowlist;
    }

    /** Gatherings holding a slot right now: from the subscription of their event stream to its end, however it ends. */
    int runningGatherings() {
        return running.get();
    }

    /**
     * Read the body (at most {@link GatherRequest#MAX_BODY_BYTES}), check it, and answer with the gathering's event
     * stream. A refusal is a {@link GatherProblem}, answered by {@link GatherErrorHandler}. Nothing is held until
     * the stream is subscribed: a client that goes away before (while the body is read, or before the answer is
     * written) leaves nothing behind.
     */
    Mono<ServerResponse> gather(ServerRequest request) {
        return DataBufferUtils.join(request.body(BodyExtractors.toDataBuffers()), GatherRequest.MAX_BODY_BYTES)
                .map(GatherHandler::utf8)
                .defaultIfEmpty("")
                .onErrorMap(DataBufferLimitException.class, e -> new GatherProblem(HttpStatus.CONTENT_TOO_LARGE,
                        GatherRequest.WHERE + ": more than " + GatherRequest.MAX_BODY_BYTES
                                + " bytes, the most this server reads", "BODY_SIZE"))
                .map(this::configuration)
                .flatMap(configuration -> ServerResponse.ok().contentType(MediaType.TEXT_EVENT_STREAM)
                        .body(BodyInserters.fromServerSentEvents(events(configuration, connectionClosed(request)))));
    }

    Mono<ServerResponse> config(ServerRequest request) {
        ObjectNode node = mapper.createObjectNode();
        node.put("demo", demo != null);
        ArrayNode servers = node.putArray("iceServers");
        if (demo != null) {
            TestTurnServer server = demo.server();
            servers.addObject().putArray("urls").add(server.stunUrl());
            ObjectNode turn = servers.addObject();
            turn.putArray("urls").add(server.turnUdpUrl());
            turn.put("username", server.username());
            turn.put("credential", server.password());
            ObjectNode wrong = servers.addObject();
            wrong.putArray("urls").add(server.turnTcpUrl());
            wrong.put("username", server.username());
            wrong.put("credential", DemoServers.WRONG_PASSWORD);
            servers.addObject().putArray("urls").add(demo.deadUrl());
        }
        node.put("iceTransportPolicy", "all");
        node.put("rtoMillis", demo != null ? 100 : GatherRequest.DEFAULT_RTO_MILLIS);
        node.put("maxRequests", demo != null ? 3 : GatherRequest.DEFAULT_MAX_REQUESTS);
        node.put("deadlineMillis", demo != null ? 3000 : GatherRequest.DEFAULT_DEADLINE_MILLIS);
        node.put("maxDeadlineMillis", properties.maxDeadline().toMillis());
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(json(node));
    }

    private IceConfiguration configuration(String body) {
        try {
            IceConfiguration configuration = GatherRequest.parse(body, mapper, properties);
            allowlist.ifPresent(rules -> checkAllowed(rules, configuration));
            return configuration;
        } catch (InvalidIceServerException e) {
            throw new GatherProblem(HttpStatus.BAD_REQUEST, e.getMessage(), e.part().name());
        } catch (IceLimitExceededException e) {
            throw new GatherProblem(HttpStatus.BAD_REQUEST, GatherRequest.WHERE + ": " + e.getMessage(),
                    e.limit().name());
        } catch (GatherRequest.InvalidRequestException e) {
            throw new GatherProblem(HttpStatus.BAD_REQUEST, e.getMessage(), null);
        }
    }

    /** Refuse, with 403 naming each refused URL and the rules that refuse it, a request the allowlist forbids. */
    private static void checkAllowed(Allowlist rules, IceConfiguration configuration) {
        List<String> refused = rules.refusals(configuration.servers());
        if (refused.isEmpty()) {
            return;
        }
        String shown = String.join("; ", refused.subList(0, Math.min(MAX_REFUSALS_SHOWN, refused.size())))
                + (refused.size() > MAX_REFUSALS_SHOWN ? "; and " + (refused.size() - MAX_REFUSALS_SHOWN)
                        + " more" : "");
        throw new GatherProblem(HttpStatus.FORBIDDEN, "this page may not probe " + shown + " (" + Allowlist.PROPERTY
                + " of whoever runs it)", "ALLOWLIST");
    }

    /**
     * The gathering's events, holding a slot from subscription to the end of the stream — completion, error, or
     * cancel, which the closing of the client's connection forces even when the server's writer has stopped
     * listening (Spring's {@code ChannelSendOperator} does not cancel a body whose write failed on a connection
     * that was already reset). No slot free, or a gathering that cannot start, is an error before the first event,
     * so the answer is not committed yet and becomes a JSON problem.
     */
    private Flux<ServerSentEvent<String>> events(IceConfiguration configuration, Mono<Boolean> connectionClosed) {
        return Flux.using(this::takeSlot, slot -> gathering(configuration), slot -> running.decrementAndGet())
                .takeUntilOther(connectionClosed);
    }

    private int takeSlot() {
        while (true) {
            int now = running.get();
            if (now >= properties.maxConcurrentGatherings()) {
                throw new GatherProblem(HttpStatus.TOO_MANY_REQUESTS, properties.maxConcurrentGatherings()
                        + " gatherings are running, the most this server allows at once; try again when one ends",
                        null);
            }
            if (running.compareAndSet(now, now + 1)) {
                return now + 1;
            }
        }
    }

    private Flux<ServerSentEvent<String>> gathering(IceConfiguration configuration) {
        ServerChecks checks = new ServerChecks(configuration);
        long start = System.nanoTime();
        return gatherer.gather(configuration)
                .onErrorMap(GatherHandler::tooManyHostAddresses,
                        e -> hostAddressesProblem((IceLimitExceededException) e))
                .transform(IceOperators.w3cErrorSemantics())
                .map(event -> {
                    long t = elapsedMillis(start);
                    checks.offer(event, t);
                    return sse(ProbeJson.event(mapper, event, t));
                })
                .concatWith(Mono.fromCallable(() -> sse(ProbeJson.summary(mapper, checks, elapsedMillis(start)))))
                // the host names and ports AllowlistResolver checks each lookup's answer with
                .contextWrite(AllowlistResolver.context(configuration));
    }

    private static boolean tooManyHostAddresses(Throwable e) {
        return e instanceof IceLimitExceededException limit
                && limit.limit() == IceLimitExceededException.Limit.HOST_ADDRESSES_PER_GATHERING;
    }

    /** The gatherer refuses to start: this server has more usable addresses than one gathering may use. */
    private GatherProblem hostAddressesProblem(IceLimitExceededException e) {
        String message = "a gathering uses at most " + e.maximum() + " host addresses"
                + " (NettyIceGatherer.MAX_HOST_ADDRESSES) and this server's interfaces have " + e.actual()
                + "; whoever runs it can narrow them with the setting iceflux.diagnostics.interface-names"
                + " (e.g. eth0) or iceflux.diagnostics.ipv4-only=true";
        log.warn("Refused a gathering: {}", message);
        return new GatherProblem(HttpStatus.BAD_REQUEST, message, e.limit().name());
    }

    /**
     * Emits when the client's connection closes (Reactor Netty, the server this application runs on); never on a
     * server that does not say.
     */
    private static Mono<Boolean> connectionClosed(ServerRequest request) {
        Object nativeRequest = ServerHttpRequestDecorator.getNativeRequest(request.exchange().getRequest());
        return nativeRequest instanceof Connection connection ? connection.onDispose().thenReturn(Boolean.TRUE)
                : Mono.never();
    }

    private static String utf8(DataBuffer buffer) {
        try {
            return buffer.toString(StandardCharsets.UTF_8);
        } finally {
            DataBufferUtils.release(buffer);
        }
    }

    private ServerSentEvent<String> sse(ObjectNode node) {
        return ServerSentEvent.builder(json(node)).event(node.get("type").asText()).build();
    }

    private String json(ObjectNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long elapsedMillis(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
    }
}
