package io.iceflux;

import java.util.Objects;

/**
 * A configuration or a gathering goes past one of the limits that bound the memory a gathering may use; the
 * message names the limit, its maximum and the count that exceeded it. An {@link IllegalArgumentException}, so
 * code that catches that keeps working.
 *
 * <p>The limits: {@link IceConfiguration#MAX_SERVERS} servers and {@link IceConfiguration#MAX_URLS} URLs per
 * configuration (checked by {@link IceConfiguration.Builder#build()}); host addresses per gathering (checked by
 * the gatherer when a gathering starts, see {@link Limit#HOST_ADDRESSES_PER_GATHERING}).
 */
public final class IceLimitExceededException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** Which limit was exceeded. */
    public enum Limit {
        /** ICE servers in one {@link IceConfiguration}: {@link IceConfiguration#MAX_SERVERS}. */
        SERVERS_PER_CONFIGURATION,
        /** URLs of all the servers of one {@link IceConfiguration}: {@link IceConfiguration#MAX_URLS}. */
        URLS_PER_CONFIGURATION,
        /** Local addresses one gathering opens a socket on, after {@link HostInterfaces} filtered them. */
        HOST_ADDRESSES_PER_GATHERING
    }

    private final Limit limit;
    private final int maximum;
    private final int actual;

    /**
     * Create the exception for {@code actual} items where {@code maximum} are allowed.
     *
     * @throws NullPointerException if {@code limit} or {@code message} is null
     * @throws IllegalArgumentException if {@code actual} is not more than {@code maximum}
     */
    public IceLimitExceededException(Limit limit, int maximum, int actual, String message) {
        super(Objects.requireNonNull(message, "message"));
        this.limit = Objects.requireNonNull(limit, "limit");
        if (actual <= maximum) {
            throw new IllegalArgumentException("actual " + actual + " does not exceed the maximum " + maximum);
        }
        this.maximum = maximum;
        this.actual = actual;
    }

    /** Return which limit was exceeded. */
    public Limit limit() {
        return limit;
    }

    /** Return the largest count allowed. */
    public int maximum() {
        return maximum;
    }

    /** Return the count that exceeded it. */
    public int actual() {
        return actual;
    }
}
