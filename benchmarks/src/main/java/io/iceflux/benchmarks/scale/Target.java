package io.iceflux.benchmarks.scale;

import java.util.Objects;

/**
 * The server every gathering talks to and how the host candidates are chosen.
 *
 * @param host     the server's IP address (text)
 * @param port     its UDP port (STUN and TURN on the same port)
 * @param username the TURN long-term user
 * @param password the TURN long-term password
 * @param loopback gather from loopback addresses only (tests without a network namespace); IceFlux only
 */
record Target(String host, int port, String username, String password, boolean loopback) {

    Target {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("server port must be 1..65535, not " + port);
        }
    }
}
