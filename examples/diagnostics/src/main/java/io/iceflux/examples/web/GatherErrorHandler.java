package io.iceflux.examples.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import org.springframework.web.util.DisconnectedClientHelper;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;

/**
 * What becomes of an error before the answer is committed, ahead of Spring Boot's error handler (which answers 500
 * and logs an ERROR with the stack trace):
 * <ul>
 * <li>a {@link GatherProblem} — signalled while the request is handled, or by the event stream before its first
 * event (no slot free, a gathering that cannot start) — is answered with its status and
 * {@code {"status":…,"error":…,"part":…}}, logged at DEBUG;</li>
 * <li>a client that went away (a connection reset while the body was read) gets no answer, logged at DEBUG: it is
 * not the server's failure;</li>
 * <li>anything else goes on to the next handler.</li>
 * </ul>
 *
 * <p>{@link #quietDisconnectedClientsInDroppedErrors()} does the same for errors Reactor drops: Reactor Netty hands
 * the reset of a connection whose body was being read to the body's subscriber a second time after the exchange
 * ended, which Reactor would log at ERROR with a stack trace for every client that goes away mid-body.
 */
final class GatherErrorHandler implements WebExceptionHandler, Ordered {

    /** Before Spring Boot's {@code ErrorWebExceptionHandler}, which is at -1. */
    static final int ORDER = -2;

    private static final Logger log = LoggerFactory.getLogger(GatherErrorHandler.class);

    private static final AtomicBoolean DROPPED_ERROR_HOOK = new AtomicBoolean();

    private final ObjectMapper mapper = new ObjectMapper();

    /**
     * Install, once per JVM, Reactor's hook for dropped errors: a client that went away is logged at DEBUG, anything
     * else at ERROR with its stack trace, as Reactor does without a hook.
     */
    static void quietDisconnectedClientsInDroppedErrors() {
        if (DROPPED_ERROR_HOOK.compareAndSet(false, true)) {
            Hooks.onErrorDropped(e -> {
                if (DisconnectedClientHelper.isClientDisconnectedException(e)) {
                    log.debug("dropped after the exchange ended, the client went away: {}", e.toString());
                } else {
                    log.error("Operator called default onErrorDropped", e);
                }
            });
        }
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.error(ex);
        }
        if (DisconnectedClientHelper.isClientDisconnectedException(ex)) {
            log.debug("{}the client went away: {}", exchange.getLogPrefix(), ex.toString());
            return Mono.empty();
        }
        if (!(ex instanceof GatherProblem problem)) {
            return Mono.error(ex);
        }
        log.debug("{}answered {}: {}", exchange.getLogPrefix(), problem.status().value(), problem.getMessage());
        response.setStatusCode(problem.status());
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        return response.writeWith(Mono.fromCallable(() -> response.bufferFactory().wrap(json(problem))));
    }

    private byte[] json(GatherProblem problem) {
        ObjectNode node = mapper.createObjectNode();
        node.put("status", problem.status().value());
        node.put("error", problem.getMessage());
        node.put("part", problem.part());
        try {
            return mapper.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
