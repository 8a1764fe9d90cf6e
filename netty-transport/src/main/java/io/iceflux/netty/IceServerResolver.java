package io.iceflux.netty;

import java.net.InetAddress;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * Resolves the host name of an ICE server URL without blocking. The gatherer resolves each URL's host once per
 * gathering; IP literals never reach a resolver. Replace it to use your own DNS, or in tests.
 */
@FunctionalInterface
public interface IceServerResolver {

    /**
     * Resolve {@code host} (a DNS name, lower case) to its addresses, IPv4 and IPv6, in the order they should be
     * tried. An empty list or an error means the lookup failed; the gatherer then reports a 701
     * ({@code STUN host lookup received error.} / {@code TURN host lookup received error.}).
     *
     * @param host the DNS name
     * @return the addresses
     */
    Mono<List<InetAddress>> resolve(String host);
}
