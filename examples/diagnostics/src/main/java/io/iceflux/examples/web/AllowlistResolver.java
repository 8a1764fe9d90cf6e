package io.iceflux.examples.web;

import io.iceflux.IceConfiguration;
import io.iceflux.IceServer;
import io.iceflux.IceServerUrl;
import io.iceflux.IpAddresses;
import io.iceflux.netty.IceServerResolver;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * Checks every address a server's host name resolves to against the {@link Allowlist} before the gatherer may send to
 * it — a name the rules allow can resolve, or be rebound between the page's check and the lookup, to an address they
 * do not. An answer with any such address fails the lookup, which the gatherer reports as the URL's 701 ({@code STUN
 * host lookup received error.} / {@code TURN host lookup received error.}), and nothing is sent to it.
 *
 * <p>The ports come from the gathering's Reactor context ({@link #context}): a lookup outside a gathering the page
 * checked, or for a host that gathering does not name, fails.
 */
final class AllowlistResolver implements IceServerResolver {

    private static final Logger log = LoggerFactory.getLogger(AllowlistResolver.class);

    /** The context key of the ports each host name of the gathering is used with. */
    private static final Object PORTS = new Object();

    private final Allowlist allowlist;
    private final IceServerResolver upstream;

    AllowlistResolver(Allowlist allowlist, IceServerResolver upstream) {
        this.allowlist = allowlist;
        this.upstream = upstream;
    }

    /** What a gathering of {@code configuration} must carry in its context: the ports of each host name it uses. */
    static Context context(IceConfiguration configuration) {
        Map<String, Set<Integer>> ports = new HashMap<>();
        for (IceServer server : configuration.servers()) {
            for (IceServerUrl url : server.parsedUrls()) {
                if (url.hostType() == IceServerUrl.HostType.DNS_NAME) {
                    ports.computeIfAbsent(url.host(), host -> new TreeSet<>()).add(url.port());
                }
            }
        }
        return Context.of(PORTS, Map.copyOf(ports));
    }

    @Override
    public Mono<List<InetAddress>> resolve(String host) {
        return Mono.deferContextual(context -> {
            Set<Integer> ports = context.<Map<String, Set<Integer>>>getOrDefault(PORTS, Map.of()).get(host);
            if (ports == null) {
                log.warn("Refused to resolve {}: not a host name of a gathering the allowlist checked", host);
                return Mono.error(new UnknownHostException(host + ": not checked against " + Allowlist.PROPERTY));
            }
            return upstream.resolve(host).flatMap(addresses -> checked(host, ports, addresses));
        });
    }

    private Mono<List<InetAddress>> checked(String host, Set<Integer> ports, List<InetAddress> addresses) {
        for (InetAddress address : addresses) {
            for (int port : ports) {
                if (!allowlist.permitsResolved(address, port)) {
                    String shown = IpAddresses.format(address);
                    log.warn("Refused {} port {}: it resolved to {}, which is not public and which no address rule of"
                            + " {} allows on port {} (add {}:{} to allow it)", host, port, shown,
                            Allowlist.PROPERTY, port, address.getAddress().length == 16 ? "[" + shown + "]" : shown,
                            port);
                    return Mono.error(new UnknownHostException(host + " resolved to " + shown + ", which "
                            + Allowlist.PROPERTY + " does not allow on port " + port));
                }
            }
        }
        return Mono.just(addresses);
    }
}
