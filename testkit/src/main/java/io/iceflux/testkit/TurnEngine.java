package io.iceflux.testkit;

import io.iceflux.netty.stun.ChannelData;
import io.iceflux.netty.stun.PasswordAlgorithm;
import io.iceflux.netty.stun.StunAttribute;
import io.iceflux.netty.stun.StunAttribute.AlternateServer;
import io.iceflux.netty.stun.StunAttribute.ChannelNumber;
import io.iceflux.netty.stun.StunAttribute.Data;
import io.iceflux.netty.stun.StunAttribute.ErrorCode;
import io.iceflux.netty.stun.StunAttribute.Lifetime;
import io.iceflux.netty.stun.StunAttribute.MessageIntegrity;
import io.iceflux.netty.stun.StunAttribute.Nonce;
import io.iceflux.netty.stun.StunAttribute.Realm;
import io.iceflux.netty.stun.StunAttribute.RequestedTransport;
import io.iceflux.netty.stun.StunAttribute.Software;
import io.iceflux.netty.stun.StunAttribute.UnknownAttributes;
import io.iceflux.netty.stun.StunAttribute.Username;
import io.iceflux.netty.stun.StunAttribute.XorMappedAddress;
import io.iceflux.netty.stun.StunAttribute.XorPeerAddress;
import io.iceflux.netty.stun.StunAttribute.XorRelayedAddress;
import io.iceflux.netty.stun.StunClass;
import io.iceflux.netty.stun.StunCodec;
import io.iceflux.netty.stun.StunCredentials;
import io.iceflux.netty.stun.StunEncodeOptions;
import io.iceflux.netty.stun.StunMessage;
import io.iceflux.netty.stun.StunPacketKind;
import io.iceflux.netty.stun.TransactionId;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.ssl.SslHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The STUN/TURN logic of {@link TestTurnServer}: authentication, allocations, relaying and fault injection. Every
 * method except {@link #faults} runs on the server's single event loop, so the state needs no locks.
 */
final class TurnEngine {

    /** REQUESTED-TRANSPORT UDP. */
    private static final int UDP_PROTOCOL = 17;

    private final TestTurnServer.Settings settings;
    private final EventLoop loop;
    private final Counters counters;
    private final Random random;
    private final SecureRandom nonceRandom = new SecureRandom();
    final Map<TurnMethod, Fault> faults = new ConcurrentHashMap<>();
    private final Map<String, Long> nonces = new HashMap<>();
    private final Map<ClientLink.FiveTuple, Allocation> allocations = new HashMap<>();

    /** The outcome of checking a request's long-term credentials: a key, or the error to answer with. */
    private record Auth(String username, byte[] key, String nonce, StunMessage challenge) {
    }

    TurnEngine(TestTurnServer.Settings settings, EventLoop loop, Counters counters) {
        this.settings = settings;
        this.loop = loop;
        this.counters = counters;
        this.random = new Random(settings.randomSeed());
    }

    /** Handle one packet from a client; the caller keeps ownership of {@code packet}. */
    void onPacket(ClientLink link, ByteBuf packet) {
        switch (StunPacketKind.classify(packet)) {
            case STUN -> onStun(link, ByteBufUtil.getBytes(packet));
            case CHANNEL_DATA -> onChannelData(link, packet);
            default -> counters.dropped();
        }
    }

    /** Delete the allocation of a TCP/TLS connection that closed. */
    void connectionClosed(ClientLink link) {
        Allocation allocation = allocations.get(link.fiveTuple());
        if (allocation != null) {
            delete(allocation);
        }
    }

    /** Delete every allocation (the server is closing). */
    void deleteAll() {
        for (Allocation allocation : new ArrayList<>(allocations.values())) {
            delete(allocation);
        }
    }

    private void onStun(ClientLink link, byte[] raw) {
        StunMessage message;
        ByteBuf buf = Unpooled.wrappedBuffer(raw);
        try {
            message = StunCodec.decode(buf);
        } catch (RuntimeException malformed) {
            counters.dropped();
            return;
        } finally {
            buf.release();
        }
        StunClass cls = message.messageClass();
        Optional<TurnMethod> known = TurnMethod.of(message.method());
        if (known.isEmpty()) {
            counters.dropped();
            if (cls == StunClass.REQUEST) {
                sendUncounted(link, error(message, 400, "Bad Request: unknown method").build(), null);
            }
            return;
        }
        TurnMethod method = known.get();
        counters.received(method, cls);
        if (cls == StunClass.SUCCESS_RESPONSE || cls == StunClass.ERROR_RESPONSE) {
            counters.dropped();
            return;
        }
        Fault fault = faults.get(method);
        if (fault instanceof Fault.Silent) {
            counters.dropped();
        } else if (fault instanceof Fault.Drop drop) {
            if (random.nextInt(100) < drop.percent()) {
                counters.dropped();
            } else {
                handle(link, method, message, raw, null);
            }
        } else if (fault instanceof Fault.Delay delay) {
            loop.schedule(() -> handle(link, method, message, raw, null), delay.delay().toNanos(),
                    TimeUnit.NANOSECONDS);
        } else if (fault instanceof Fault.CloseConnection && link.stream()) {
            link.channel().close();
        } else if (fault instanceof Fault.ResetConnection && link.stream()) {
            reset(link.channel());
        } else {
            handle(link, method, message, raw, fault);
        }
    }

    private static void reset(Channel channel) {
        SslHandler ssl = channel.pipeline().get(SslHandler.class);
        if (ssl != null) {
            channel.pipeline().remove(ssl);
        }
        channel.config().setOption(ChannelOption.SO_LINGER, 0);
        channel.close();
    }

    private void handle(ClientLink link, TurnMethod method, StunMessage message, byte[] raw, Fault fault) {
        if (!link.channel().isActive()) {
            return;
        }
        if (message.messageClass() == StunClass.INDICATION) {
            if (method == TurnMethod.SEND) {
                onSend(link, message);
            } else {
                counters.dropped();
            }
            return;
        }
        if (method == TurnMethod.BINDING) {
            if (!answerFault(link, method, message, fault, null)) {
                reply(link, method, success(message).add(new XorMappedAddress(link.remote())).build(), null);
            }
            return;
        }
        Auth auth = authenticate(message, raw);
        if (answerFault(link, method, message, fault, auth.key())) {
            return;
        }
        if (auth.challenge() != null) {
            reply(link, method, auth.challenge(), null);
            return;
        }
        if (fault instanceof Fault.StaleNonce && consumeStaleNonce(method)) {
            nonces.remove(auth.nonce());
            reply(link, method, error(message, 438, "Stale Nonce").add(new Realm(settings.realm()))
                    .add(new Nonce(newNonce())).build(), null);
            return;
        }
        List<Integer> unknown = message.attributes(StunAttribute.Unknown.class).stream()
                .map(StunAttribute.Unknown::type).filter(type -> type < 0x8000).toList();
        if (!unknown.isEmpty()) {
            reply(link, method, error(message, 420, "Unknown Attribute").add(new UnknownAttributes(unknown)).build(),
                    auth.key());
            return;
        }
        switch (method) {
            case ALLOCATE -> onAllocate(link, message, auth);
            case REFRESH -> onRefresh(link, message, auth);
            case CREATE_PERMISSION -> onCreatePermission(link, message, auth);
            case CHANNEL_BIND -> onChannelBind(link, message, auth);
            default -> reply(link, method, error(message, 400, "Bad Request: " + method + " is not a request")
                    .build(), auth.key());
        }
    }

    /** Answer with the error or redirect fault, if that is the fault; return whether it answered. */
    private boolean answerFault(ClientLink link, TurnMethod method, StunMessage message, Fault fault, byte[] key) {
        if (fault instanceof Fault.ErrorResponse e) {
            reply(link, method, error(message, e.code(), e.reason()).build(), key);
            return true;
        }
        if (fault instanceof Fault.Redirect r) {
            reply(link, method, error(message, 300, "Try Alternate").add(new AlternateServer(r.alternate())).build(),
                    key);
            return true;
        }
        return false;
    }

    private boolean consumeStaleNonce(TurnMethod method) {
        boolean[] consumed = new boolean[1];
        faults.computeIfPresent(method, (m, f) -> {
            if (f instanceof Fault.StaleNonce stale) {
                consumed[0] = true;
                return stale.times() > 1 ? new Fault.StaleNonce(stale.times() - 1) : null;
            }
            return f;
        });
        return consumed[0];
    }

    private Auth authenticate(StunMessage message, byte[] raw) {
        if (message.attribute(MessageIntegrity.class).isEmpty()) {
            return challenge(message, 401, "Unauthorized");
        }
        Optional<Username> username = message.attribute(Username.class);
        Optional<Realm> realm = message.attribute(Realm.class);
        Optional<Nonce> nonce = message.attribute(Nonce.class);
        if (username.isEmpty() || realm.isEmpty() || nonce.isEmpty()) {
            return new Auth(null, null, null,
                    error(message, 400, "Bad Request: USERNAME, REALM and NONCE are required").build());
        }
        if (!validNonce(nonce.get().value())) {
            return challenge(message, 438, "Stale Nonce");
        }
        String password = settings.users().get(username.get().value());
        if (password == null || !realm.get().value().equals(settings.realm())) {
            return challenge(message, 401, "Unauthorized");
        }
        byte[] key = StunCredentials.longTermKey(username.get().value(), settings.realm(), password,
                PasswordAlgorithm.MD5);
        boolean valid;
        ByteBuf buf = Unpooled.wrappedBuffer(raw);
        try {
            valid = StunCodec.verifyIntegrity(buf, message, key).isValid();
        } catch (IllegalArgumentException e) {
            valid = false;
        } finally {
            buf.release();
        }
        if (!valid) {
            return challenge(message, 401, "Unauthorized");
        }
        return new Auth(username.get().value(), key, nonce.get().value(), null);
    }

    private Auth challenge(StunMessage message, int code, String reason) {
        return new Auth(null, null, null, error(message, code, reason).add(new Realm(settings.realm()))
                .add(new Nonce(newNonce())).build());
    }

    private String newNonce() {
        long now = System.nanoTime();
        nonces.values().removeIf(expiresAt -> expiresAt - now <= 0);
        byte[] bytes = new byte[12];
        nonceRandom.nextBytes(bytes);
        String nonce = HexFormat.of().formatHex(bytes);
        nonces.put(nonce, now + settings.nonceLifetime().toNanos());
        return nonce;
    }

    private boolean validNonce(String nonce) {
        Long expiresAt = nonces.get(nonce);
        return expiresAt != null && expiresAt - System.nanoTime() > 0;
    }

    private void onAllocate(ClientLink link, StunMessage message, Auth auth) {
        ClientLink.FiveTuple tuple = link.fiveTuple();
        Allocation existing = allocations.get(tuple);
        if (existing != null) {
            if (existing.allocateTransaction.equals(message.transactionId())) {
                if (existing.success != null) {
                    reply(link, TurnMethod.ALLOCATE, existing.success, existing.key);
                }
                return;
            }
            reply(link, TurnMethod.ALLOCATE, error(message, 437, "Allocation Mismatch").build(), auth.key());
            return;
        }
        Optional<RequestedTransport> transport = message.attribute(RequestedTransport.class);
        if (transport.isEmpty()) {
            reply(link, TurnMethod.ALLOCATE, error(message, 400, "Bad Request: REQUESTED-TRANSPORT is missing")
                    .build(), auth.key());
            return;
        }
        if (transport.get().protocol() != UDP_PROTOCOL) {
            reply(link, TurnMethod.ALLOCATE, error(message, 442, "Unsupported Transport Protocol").build(),
                    auth.key());
            return;
        }
        long lifetime = lifetime(message);
        Allocation allocation = new Allocation(link, auth.username(), auth.key(), message.transactionId());
        allocations.put(tuple, allocation);
        counters.allocationCreated();
        ChannelFuture bound = new Bootstrap().group(loop).channel(NioDatagramChannel.class)
                .handler(new RelayHandler(allocation))
                .bind(new InetSocketAddress(settings.bindAddress(), 0));
        bound.addListener(f -> {
            if (allocations.get(tuple) != allocation) {
                bound.channel().close();
                return;
            }
            if (!f.isSuccess()) {
                delete(allocation);
                reply(link, TurnMethod.ALLOCATE, error(message, 508, "Insufficient Capacity").build(), auth.key());
                return;
            }
            allocation.relay = bound.channel();
            schedule(allocation, lifetime);
            allocation.success = success(message)
                    .add(new XorRelayedAddress((InetSocketAddress) bound.channel().localAddress()))
                    .add(new XorMappedAddress(link.remote()))
                    .add(new Lifetime(lifetime))
                    .build();
            reply(link, TurnMethod.ALLOCATE, allocation.success, allocation.key);
        });
    }

    private long lifetime(StunMessage message) {
        long max = settings.maxLifetime().getSeconds();
        return message.attribute(Lifetime.class).map(Lifetime::seconds).filter(s -> s > 0)
                .map(s -> Math.min(s, max)).orElse(Math.min(settings.defaultLifetime().getSeconds(), max));
    }

    private void schedule(Allocation allocation, long seconds) {
        if (allocation.expiry != null) {
            allocation.expiry.cancel(false);
        }
        allocation.expiry = loop.schedule(() -> delete(allocation), seconds, TimeUnit.SECONDS);
    }

    private void delete(Allocation allocation) {
        if (!allocations.remove(allocation.link.fiveTuple(), allocation)) {
            return;
        }
        if (allocation.expiry != null) {
            allocation.expiry.cancel(false);
        }
        if (allocation.relay != null) {
            allocation.relay.close();
        }
        counters.allocationDeleted();
    }

    /** Return the live allocation of this link for a request by {@code auth}, or answer 437/441 and return null. */
    private Allocation allocationFor(ClientLink link, TurnMethod method, StunMessage message, Auth auth) {
        Allocation allocation = allocations.get(link.fiveTuple());
        if (allocation == null || allocation.relay == null) {
            reply(link, method, error(message, 437, "Allocation Mismatch").build(), auth.key());
            return null;
        }
        if (!allocation.username.equals(auth.username())) {
            reply(link, method, error(message, 441, "Wrong Credentials").build(), auth.key());
            return null;
        }
        return allocation;
    }

    private void onRefresh(ClientLink link, StunMessage message, Auth auth) {
        Allocation allocation = allocationFor(link, TurnMethod.REFRESH, message, auth);
        if (allocation == null) {
            return;
        }
        boolean delete = message.attribute(Lifetime.class).map(l -> l.seconds() == 0).orElse(false);
        long lifetime = delete ? 0 : lifetime(message);
        if (delete) {
            delete(allocation);
        } else {
            schedule(allocation, lifetime);
        }
        reply(link, TurnMethod.REFRESH, success(message).add(new Lifetime(lifetime)).build(), auth.key());
    }

    private void onCreatePermission(ClientLink link, StunMessage message, Auth auth) {
        Allocation allocation = allocationFor(link, TurnMethod.CREATE_PERMISSION, message, auth);
        if (allocation == null) {
            return;
        }
        List<XorPeerAddress> peers = message.attributes(XorPeerAddress.class);
        if (peers.isEmpty()) {
            reply(link, TurnMethod.CREATE_PERMISSION, error(message, 400, "Bad Request: XOR-PEER-ADDRESS is missing")
                    .build(), auth.key());
            return;
        }
        if (peers.stream().anyMatch(p -> !sameFamily(p.address().getAddress()))) {
            reply(link, TurnMethod.CREATE_PERMISSION, error(message, 443, "Peer Address Family Mismatch").build(),
                    auth.key());
            return;
        }
        peers.forEach(peer -> allocation.permit(peer.address().getAddress()));
        reply(link, TurnMethod.CREATE_PERMISSION, success(message).build(), auth.key());
    }

    private void onChannelBind(ClientLink link, StunMessage message, Auth auth) {
        Allocation allocation = allocationFor(link, TurnMethod.CHANNEL_BIND, message, auth);
        if (allocation == null) {
            return;
        }
        Optional<ChannelNumber> number = message.attribute(ChannelNumber.class);
        Optional<XorPeerAddress> peer = message.attribute(XorPeerAddress.class);
        String problem = null;
        if (number.isEmpty() || peer.isEmpty()) {
            problem = "Bad Request: CHANNEL-NUMBER and XOR-PEER-ADDRESS are required";
        } else if (number.get().number() < ChannelData.MIN_CHANNEL_NUMBER
                || number.get().number() > ChannelData.MAX_CHANNEL_NUMBER) {
            problem = "Bad Request: channel number " + number.get() + " is outside 0x4000-0x4FFF";
        } else if (!sameFamily(peer.get().address().getAddress())) {
            reply(link, TurnMethod.CHANNEL_BIND, error(message, 443, "Peer Address Family Mismatch").build(),
                    auth.key());
            return;
        } else if (!allocation.bind(number.get().number(), peer.get().address())) {
            problem = "Bad Request: the channel or the peer is already bound differently";
        }
        if (problem != null) {
            reply(link, TurnMethod.CHANNEL_BIND, error(message, 400, problem).build(), auth.key());
            return;
        }
        reply(link, TurnMethod.CHANNEL_BIND, success(message).build(), auth.key());
    }

    private boolean sameFamily(InetAddress peer) {
        return peer.getClass() == settings.bindAddress().getClass();
    }

    private void onSend(ClientLink link, StunMessage message) {
        Allocation allocation = allocations.get(link.fiveTuple());
        Optional<XorPeerAddress> peer = message.attribute(XorPeerAddress.class);
        Optional<Data> data = message.attribute(Data.class);
        if (allocation == null || allocation.relay == null || peer.isEmpty() || data.isEmpty()
                || !allocation.permitted(peer.get().address().getAddress())) {
            counters.dropped();
            return;
        }
        allocation.relay.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(data.get().value()),
                peer.get().address()), allocation.relay.voidPromise());
    }

    private void onChannelData(ClientLink link, ByteBuf packet) {
        ChannelData channelData;
        try {
            channelData = ChannelData.decode(packet);
        } catch (RuntimeException malformed) {
            counters.dropped();
            return;
        }
        try {
            counters.channelDataReceived();
            Allocation allocation = allocations.get(link.fiveTuple());
            InetSocketAddress peer = allocation == null || allocation.relay == null ? null
                    : allocation.peerOf(channelData.channelNumber());
            if (peer == null) {
                counters.dropped();
                return;
            }
            allocation.relay.writeAndFlush(new DatagramPacket(channelData.content().retain(), peer),
                    allocation.relay.voidPromise());
        } finally {
            channelData.release();
        }
    }

    /** Relays what peers send to the allocation's relay address back to the client. */
    private final class RelayHandler extends SimpleChannelInboundHandler<DatagramPacket> {
        private final Allocation allocation;

        RelayHandler(Allocation allocation) {
            this.allocation = allocation;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            InetSocketAddress peer = packet.sender();
            if (allocations.get(allocation.link.fiveTuple()) != allocation
                    || !allocation.permitted(peer.getAddress())) {
                counters.dropped();
                return;
            }
            Integer channel = allocation.channelOf(peer);
            if (channel != null) {
                counters.channelDataSent();
                ChannelData channelData = new ChannelData(channel, packet.content().retain());
                try {
                    allocation.link.send(channelData.encode(allocation.link.channel().alloc(),
                            allocation.link.stream()));
                } finally {
                    channelData.release();
                }
                return;
            }
            StunMessage indication = StunMessage.builder(StunClass.INDICATION, TurnMethod.DATA.code())
                    .transactionId(TransactionId.random())
                    .add(new XorPeerAddress(peer))
                    .add(new Data(ByteBufUtil.getBytes(packet.content())))
                    .build();
            counters.sent(TurnMethod.DATA, StunClass.INDICATION);
            allocation.link.send(StunCodec.encode(indication, allocation.link.channel().alloc(),
                    StunEncodeOptions.defaults().fingerprint(true)));
        }
    }

    private StunMessage.Builder success(StunMessage request) {
        return StunMessage.builder(StunClass.SUCCESS_RESPONSE, request.method())
                .transactionId(request.transactionId());
    }

    private static StunMessage.Builder error(StunMessage request, int code, String reason) {
        return StunMessage.builder(StunClass.ERROR_RESPONSE, request.method())
                .transactionId(request.transactionId())
                .add(new ErrorCode(code, reason));
    }

    /** Send a response with SOFTWARE and FINGERPRINT, signed with {@code key} when it is not null, and count it. */
    private void reply(ClientLink link, TurnMethod method, StunMessage response, byte[] key) {
        counters.sent(method, response.messageClass());
        sendUncounted(link, response, key);
    }

    private void sendUncounted(ClientLink link, StunMessage response, byte[] key) {
        if (!link.channel().isActive()) {
            return;
        }
        StunMessage withSoftware = settings.software() == null ? response
                : response.toBuilder().add(new Software(settings.software())).build();
        StunEncodeOptions options = StunEncodeOptions.defaults().fingerprint(true);
        if (key != null) {
            options = options.messageIntegrity(key);
        }
        link.send(StunCodec.encode(withSoftware, link.channel().alloc(), options));
    }
}
