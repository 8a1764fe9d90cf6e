package io.iceflux.netty.internal.transport;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import reactor.core.publisher.Mono;

/** Opens {@link StunTransport}s: UDP sockets on a host address, TCP and TLS connections to a server. */
public interface StunTransportFactory {

    /**
     * Open a UDP socket bound to {@code localAddress} on an ephemeral port. It throws nothing: failures (e.g. the
     * address is gone) arrive as an error of the {@code Mono}.
     */
    Mono<StunTransport> openUdp(InetAddress localAddress);

    /**
     * Connect to {@code server} over TCP, or TLS when {@code tlsHostName} is not {@code null}, from
     * {@code localAddress} (ephemeral port). TLS verifies the server's certificate and host name against
     * {@code tlsHostName} (also sent as SNI when it is a DNS name) unless the factory was configured to trust
     * everything. A refused, reset or timed-out connection or a failed handshake fails the {@code Mono} with
     * {@link StunTransportException.Unreachable}, whose text says which.
     */
    Mono<StunTransport> openStream(InetAddress localAddress, InetSocketAddress server, String tlsHostName);
}
