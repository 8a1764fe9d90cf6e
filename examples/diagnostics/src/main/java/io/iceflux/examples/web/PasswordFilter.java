package io.iceflux.examples.web;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Asks for the {@link PagePassword} with HTTP Basic authentication on every request — the page, its scripts and the
 * API — ahead of everything else. Any user name is accepted; the password must match. Basic works for the page's
 * event stream too: a browser that signed in sends the header with its {@code fetch} of the stream by itself, which
 * a header the page's script would have to add (an {@code EventSource} cannot add any) would not.
 *
 * <p>A request without the password gets 401 with {@code WWW-Authenticate: Basic} (the browser's sign-in prompt)
 * and the JSON problem {@code {"status":401,"error":…,"part":"PASSWORD"}}. The header's value is never logged.
 */
final class PasswordFilter implements WebFilter, Ordered {

    private static final String CHALLENGE = "Basic realm=\"IceFlux diagnostics\", charset=\"UTF-8\"";

    private final PagePassword password;

    PasswordFilter(PagePassword password) {
        this.password = password;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (authorized(exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION))) {
            return chain.filter(exchange);
        }
        exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE);
        GatherProblem problem = new GatherProblem(HttpStatus.UNAUTHORIZED, "this page asks for a password: sign in"
                + " with any user name and the password whoever runs it set", "PASSWORD");
        return discardBody(exchange).then(Mono.error(problem));
    }

    /**
     * Read and release the body of a refused request (unread, its buffers would leak), up to
     * {@link GatherRequest#MAX_BODY_BYTES}; past that stop reading and close the connection after the answer.
     */
    private static Mono<Void> discardBody(ServerWebExchange exchange) {
        return Mono.defer(() -> {
            long[] read = {0};
            return exchange.getRequest().getBody()
                    .map(buffer -> {
                        read[0] += buffer.readableByteCount();
                        DataBufferUtils.release(buffer);
                        return read[0];
                    })
                    .takeUntil(total -> total > GatherRequest.MAX_BODY_BYTES)
                    .filter(total -> total > GatherRequest.MAX_BODY_BYTES)
                    .doOnNext(total -> exchange.getResponse().getHeaders().setConnection("close"))
                    .then();
        });
    }

    private boolean authorized(String header) {
        if (header == null || header.length() < 6 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        String userAndPassword;
        try {
            userAndPassword = new String(Base64.getDecoder().decode(header.substring(6).trim()),
                    StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = userAndPassword.indexOf(':');
        return colon >= 0 && password.matches(userAndPassword.substring(colon + 1));
    }
}
