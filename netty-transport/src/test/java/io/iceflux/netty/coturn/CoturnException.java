package io.iceflux.netty.coturn;

/**
 * Reports that the coturn fixture could not do what it was asked: coturn did not start or become ready, its CLI
 * did not answer as expected, it could not be stopped, or an awaited allocation count was not reached. The
 * message says which step failed and, where coturn was involved, ends with the tail of coturn's log.
 */
public final class CoturnException extends RuntimeException {

    /**
     * Creates an exception with {@code message}.
     *
     * @param message what failed and why
     */
    public CoturnException(String message) {
        super(message);
    }

    /**
     * Creates an exception with {@code message} caused by {@code cause}.
     *
     * @param message what failed and why
     * @param cause the failure underneath
     */
    public CoturnException(String message, Throwable cause) {
        super(message, cause);
    }
}
