package io.iceflux.examples.web;

import org.springframework.http.HttpStatus;

/**
 * A request the application refuses, answered with {@code status} and the JSON object
 * {@code {"status":…,"error":…,"part":…}} by {@link GatherErrorHandler}: a client's mistake or a limit, never a
 * failure of the application, so it carries no stack trace and is never logged as an error.
 */
final class GatherProblem extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final HttpStatus status;
    private final String part;

    /**
     * @param status  the HTTP status of the answer
     * @param message what is wrong, for people; never a credential
     * @param part    which part of the request or which limit, e.g. {@code PORT} or
     *                {@code SERVERS_PER_CONFIGURATION}; {@code null} when none applies
     */
    GatherProblem(HttpStatus status, String message, String part) {
        super(message, null, false, false);
        this.status = status;
        this.part = part;
    }

    HttpStatus status() {
        return status;
    }

    String part() {
        return part;
    }
}
