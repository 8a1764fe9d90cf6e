package io.iceflux.netty.internal.turn;

import io.iceflux.ServerTransport;
import io.iceflux.StunTimers;
import io.iceflux.netty.internal.transport.StunTransport;
import io.iceflux.netty.internal.transport.StunTransportFactory;
import io.iceflux.netty.stun.StunCredentials;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import reactor.core.scheduler.Scheduler;

/**
 * What a {@link TurnClient} needs to allocate a UDP relay on one TURN server.
 *
 * @param transport         the transport the first Allocate leaves on: the host UDP socket shared with Binding
 *                          requests, or a TCP/TLS connection to {@code serverAddress}
 * @param ownsTransport     whether the client takes {@code transport} over and closes it when it is no longer needed
 *                          (false for a shared UDP host socket, true for a stream opened only for this allocation)
 * @param serverAddress     the server's resolved address
 * @param serverHostName    the server's host name as configured (an IP literal when it was one): the TLS name to
 *                          verify when a 300 without ALTERNATE-DOMAIN makes the client connect elsewhere
 * @param protocol          how the client talks to the server
 * @param credentials       the username and password
 * @param requestedLifetime the LIFETIME to ask for in Allocate, or {@code null} to let the server choose
 * @param software          the SOFTWARE text of every request, or {@code null} for none
 * @param timers            the STUN transaction timers
 * @param factory           opens fresh transports after a 437 (Allocation Mismatch) and after a 300 over TCP/TLS
 * @param scheduler         the scheduler of the allocation's refresh timers
 * @param families          which relayed address families to ask for ({@link RelayFamilies})
 */
public record TurnRequest(StunTransport transport, boolean ownsTransport, InetSocketAddress serverAddress,
        String serverHostName, ServerTransport protocol, StunCredentials credentials, Duration requestedLifetime,
        String software, StunTimers timers, StunTransportFactory factory, Scheduler scheduler,
        RelayFamilies families) {

    /** The largest LIFETIME the attribute can carry, in seconds. */
    static final long MAX_LIFETIME_SECONDS = 0xFFFF_FFFFL;

    /**
     * Check every component.
     *
     * @throws NullPointerException if a component other than {@code requestedLifetime} or {@code software} is null
     * @throws IllegalArgumentException if the server address is unresolved, the host name is empty, the transport is
     *         not of {@code protocol}, or {@code requestedLifetime} is not 1 s to 2^32-1 s
     */
    public TurnRequest {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(serverAddress, "serverAddress");
        Objects.requireNonNull(serverHostName, "serverHostName");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(timers, "timers");
        Objects.requireNonNull(factory, "factory");
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(families, "families");
        if (serverAddress.isUnresolved()) {
            throw new IllegalArgumentException("serverAddress must be a resolved address, got " + serverAddress);
        }
        if (serverHostName.isEmpty()) {
            throw new IllegalArgumentException("serverHostName must not be empty");
        }
        if (transport.transport() != protocol) {
            throw new IllegalArgumentException("transport must be " + protocol + ", got " + transport.transport());
        }
        if (requestedLifetime != null && (requestedLifetime.getSeconds() < 1
                || requestedLifetime.getSeconds() > MAX_LIFETIME_SECONDS)) {
            throw new IllegalArgumentException(
                    "requestedLifetime must be 1 s to " + MAX_LIFETIME_SECONDS + " s, got " + requestedLifetime);
        }
    }

    /** A request that asks for no address family: the server's default, IPv4 ({@link RelayFamilies#IPV4}). */
    public TurnRequest(StunTransport transport, boolean ownsTransport, InetSocketAddress serverAddress,
            String serverHostName, ServerTransport protocol, StunCredentials credentials, Duration requestedLifetime,
            String software, StunTimers timers, StunTransportFactory factory, Scheduler scheduler) {
        this(transport, ownsTransport, serverAddress, serverHostName, protocol, credentials, requestedLifetime,
                software, timers, factory, scheduler, RelayFamilies.IPV4);
    }
}
