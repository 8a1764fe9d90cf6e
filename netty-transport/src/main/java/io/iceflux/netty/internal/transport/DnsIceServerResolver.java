package io.iceflux.netty.internal.transport;

import io.iceflux.netty.IceServerResolver;
import io.netty.channel.EventLoop;
import io.netty.resolver.ResolvedAddressTypes;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.SingletonDnsServerAddressStreamProvider;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import reactor.core.publisher.Mono;

/**
 * The default {@link IceServerResolver}: Netty's non-blocking DNS resolver (the system's name servers and
 * {@code /etc/hosts}). Two names never leave the machine (RFC 6761): {@code localhost} is the loopback
 * addresses, and a name under {@code .invalid} fails at once. Optionally it asks one given name server only,
 * with a given query timeout, and no search domains. Its UDP and TCP channels are of the event loop's transport
 * ({@link ChannelTypes#of}); it starts no thread.
 */
public final class DnsIceServerResolver implements IceServerResolver, AutoCloseable {

    private final DnsNameResolver resolver;

    /**
     * A resolver on {@code eventLoop} asking the system's name servers.
     *
     * @param eventLoop where its channels are registered and its futures complete
     * @throws IllegalArgumentException if the event loop is of no supported transport
     */
    public DnsIceServerResolver(EventLoop eventLoop) {
        this(eventLoop, null, null);
    }

    /**
     * A resolver on {@code eventLoop}.
     *
     * @param eventLoop    where its channels are registered and its futures complete
     * @param nameServer   the only name server to ask (no search domains), or {@code null} for the system's
     * @param queryTimeout how long one DNS query may take, or {@code null} for Netty's default (5 s)
     * @throws IllegalArgumentException if the event loop is of no supported transport
     */
    public DnsIceServerResolver(EventLoop eventLoop, InetSocketAddress nameServer, Duration queryTimeout) {
        ChannelTypes channelTypes = ChannelTypes.of(eventLoop);
        DnsNameResolverBuilder builder = new DnsNameResolverBuilder(eventLoop)
                .datagramChannelType(channelTypes.datagram())
                .socketChannelType(channelTypes.socket())
                .resolvedAddressTypes(ResolvedAddressTypes.IPV4_PREFERRED);
        if (nameServer != null) {
            builder.nameServerProvider(new SingletonDnsServerAddressStreamProvider(nameServer))
                    .searchDomains(List.of());
        }
        if (queryTimeout != null) {
            builder.queryTimeoutMillis(Math.max(1, queryTimeout.toMillis()));
        }
        this.resolver = builder.build();
    }

    @Override
    public Mono<List<InetAddress>> resolve(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.equals("invalid") || name.endsWith(".invalid")) {
            return Mono.error(new UnknownHostException(host + ": names under .invalid never resolve (RFC 6761)"));
        }
        if (name.equals("localhost") || name.endsWith(".localhost")) {
            return Mono.just(List.of(InetAddress.getLoopbackAddress()));
        }
        String query = name;
        return Mono.create(sink -> resolver.resolveAll(query).addListener(future -> {
            if (future.isSuccess()) {
                @SuppressWarnings("unchecked")
                List<InetAddress> addresses = (List<InetAddress>) future.getNow();
                sink.success(addresses);
            } else {
                sink.error(future.cause());
            }
        }));
    }

    @Override
    public void close() {
        resolver.close();
    }
}
