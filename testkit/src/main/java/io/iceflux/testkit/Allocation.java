package io.iceflux.testkit;

import io.iceflux.netty.stun.StunMessage;
import io.iceflux.netty.stun.TransactionId;
import io.netty.channel.Channel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** One TURN allocation; confined to the server's event loop. */
final class Allocation {

    static final long PERMISSION_NANOS = TimeUnit.MINUTES.toNanos(5);
    static final long CHANNEL_NANOS = TimeUnit.MINUTES.toNanos(10);

    final ClientLink link;
    final String username;
    final byte[] key;
    final TransactionId allocateTransaction;
    Channel relay;
    StunMessage success;
    ScheduledFuture<?> expiry;
    private final Map<InetAddress, Long> permissions = new HashMap<>();
    private final Map<Integer, Binding> channels = new HashMap<>();
    private final Map<InetSocketAddress, Binding> channelsByPeer = new HashMap<>();

    private record Binding(int number, InetSocketAddress peer, long expiresAt) {
    }

    Allocation(ClientLink link, String username, byte[] key, TransactionId allocateTransaction) {
        this.link = link;
        this.username = username;
        this.key = key;
        this.allocateTransaction = allocateTransaction;
    }

    /** Install or refresh a permission for the peer's IP address. */
    void permit(InetAddress peer) {
        permissions.put(peer, System.nanoTime() + PERMISSION_NANOS);
    }

    /** Return whether a live permission covers the peer's IP address. */
    boolean permitted(InetAddress peer) {
        Long expiresAt = permissions.get(peer);
        return expiresAt != null && expiresAt - System.nanoTime() > 0;
    }

    /**
     * Bind or refresh a channel and the peer's permission.
     *
     * @return false when the number is bound to another peer or the peer to another number
     */
    boolean bind(int number, InetSocketAddress peer) {
        Binding byNumber = live(channels.get(number));
        Binding byPeer = live(channelsByPeer.get(peer));
        if ((byNumber != null && !byNumber.peer().equals(peer)) || (byPeer != null && byPeer.number() != number)) {
            return false;
        }
        Binding binding = new Binding(number, peer, System.nanoTime() + CHANNEL_NANOS);
        channels.put(number, binding);
        channelsByPeer.put(peer, binding);
        permit(peer.getAddress());
        return true;
    }

    /** Return the peer bound to a channel number, or null. */
    InetSocketAddress peerOf(int number) {
        Binding binding = live(channels.get(number));
        return binding == null ? null : binding.peer();
    }

    /** Return the channel number bound to a peer, or null. */
    Integer channelOf(InetSocketAddress peer) {
        Binding binding = live(channelsByPeer.get(peer));
        return binding == null ? null : binding.number();
    }

    private static Binding live(Binding binding) {
        return binding != null && binding.expiresAt() - System.nanoTime() > 0 ? binding : null;
    }
}
