package io.iceflux.netty.internal.gather;


import io.iceflux.HostInterfaces;
import io.iceflux.IceLimitExceededException;
import java.net.InetAddress;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/** Enumerates the local addresses that become host candidates. */
public final class HostAddresses {

    /**
     * The most local addresses one gathering opens a socket on; the API names it
     * {@code NettyIceGatherer.MAX_HOST_ADDRESSES}.
     */
    public static final int MAX_HOST_ADDRESSES = 16;

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
     * Like {@link HostInterfaces#addresses()}, but reuses a listing made for the same filter less than a second
     * ago, so thousands of gatherings a second do not each ask the operating system; an interface that comes up or
     * goes down is seen within a second.
     *
     * @throws SocketException if the operating system does not answer
     */
    static List<InetAddress> recent(HostInterfaces filter) throws SocketException {
        long now = System.nanoTime();
        Listing listing = RECENT.get(filter);
        if (listing == null || now - listing.madeAtNanos() >= REUSE_NANOS) {
            listing = new Listing(List.copyOf(filter.addresses()), now);
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
     * @throws IceLimitExceededException if {@code count} is more than {@link #MAX_HOST_ADDRESSES}
     */
    public static void checkLimit(int count) {
        if (count > MAX_HOST_ADDRESSES) {
            throw new IceLimitExceededException(IceLimitExceededException.Limit.HOST_ADDRESSES_PER_GATHERING,
                    MAX_HOST_ADDRESSES, count, "a gathering uses at most "
                    + MAX_HOST_ADDRESSES + " host addresses (NettyIceGatherer.MAX_HOST_ADDRESSES), "
                    + "and the host interfaces allowed by the configuration have " + count
                    + "; narrow them with IceConfiguration.Builder.hostInterfaces");
        }
    }
}
