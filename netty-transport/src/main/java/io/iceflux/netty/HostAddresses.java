package io.iceflux.netty;

import io.iceflux.HostInterfaces;
import io.iceflux.IceLimitExceededException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/** Enumerates the local addresses that become host candidates. */
final class HostAddresses {

    /** How long a listing of the interfaces is reused: listing them costs about 0.1 ms of system calls. */
    static final long REUSE_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Listings kept at most, one per filter; beyond that they are all dropped and made again. */
    private static final int MAX_FILTERS = 64;

    private static final ConcurrentMap<HostInterfaces, Listing> RECENT = new ConcurrentHashMap<>();

    private HostAddresses() {
    }

    /** An enumeration and when it was made. */
    private record Listing(List<InetAddress> addresses, long madeAtNanos) {
    }

    /**
     * Like {@link #enumerate}, but reuses a listing made for the same filter less than a second ago, so thousands
     * of gatherings a second do not each ask the operating system; an interface that comes up or goes down is
     * seen within a second.
     *
     * @throws SocketException if the operating system does not answer
     */
    static List<InetAddress> recent(HostInterfaces filter) throws SocketException {
        long now = System.nanoTime();
        Listing listing = RECENT.get(filter);
        if (listing == null || now - listing.madeAtNanos() >= REUSE_NANOS) {
            listing = new Listing(List.copyOf(enumerate(filter)), now);
            if (RECENT.size() >= MAX_FILTERS) {
                RECENT.clear();
            }
            RECENT.put(filter, listing);
        }
        return listing.addresses();
    }

    /**
     * Check that a gathering may open sockets on {@code count} host addresses.
     *
     * @throws IceLimitExceededException if {@code count} is more than {@link NettyIceGatherer#MAX_HOST_ADDRESSES}
     */
    static void checkLimit(int count) {
        if (count > NettyIceGatherer.MAX_HOST_ADDRESSES) {
            throw new IceLimitExceededException(IceLimitExceededException.Limit.HOST_ADDRESSES_PER_GATHERING,
                    NettyIceGatherer.MAX_HOST_ADDRESSES, count, "a gathering uses at most "
                    + NettyIceGatherer.MAX_HOST_ADDRESSES + " host addresses (NettyIceGatherer.MAX_HOST_ADDRESSES), "
                    + "and the host interfaces allowed by the configuration have " + count
                    + "; narrow them with IceConfiguration.Builder.hostInterfaces");
        }
    }

    /**
     * The addresses of the interfaces that are up and that {@code filter} accepts, IPv4 first, in the order the
     * operating system lists the interfaces. Each address appears once.
     *
     * @throws SocketException if the operating system does not answer
     */
    static List<InetAddress> enumerate(HostInterfaces filter) throws SocketException {
        return filter.addresses();
    }

    /**
     * The textual form used in candidates and errors: IPv4 dotted, IPv6 in the RFC 5952 form browsers write
     * (lower case, the longest run of two or more zero groups as {@code ::}, no zone id).
     */
    static String text(InetAddress address) {
        return io.iceflux.IpAddresses.format(address);
    }
}
