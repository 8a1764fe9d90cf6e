package io.iceflux.netty.soak;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UDP proxy on 127.0.0.1 that drops a fixed share of the datagrams in each direction, chosen by a seeded
 * {@link Random}: the packet loss {@code tc netem} would give, in-process. Every client address gets its own
 * upstream socket (so the server sees one 5-tuple per client, as through a NAT); an upstream socket idle for
 * {@code idleMillis} is closed, like a NAT binding that times out. Keep that longer than any STUN transaction's
 * silences: a client whose binding expired reaches the server from a new address, and a TURN server then no
 * longer knows its allocation (its delete fails with 437 and the allocation stays until its lifetime ends).
 * One thread does everything; {@link #close()} closes every socket.
 */
public final class LossyUdpProxy implements AutoCloseable {

    private static final int MAX_DATAGRAM = 65_535;
    private static final long SELECT_MILLIS = 100;

    private final InetSocketAddress target;
    private final double loss;
    private final Random random;
    private final long idleNanos;
    private final Selector selector;
    private final DatagramChannel front;
    private final Map<SocketAddress, Session> sessions = new HashMap<>();
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong sessionCount = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicInteger openSessions =
            new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean running = true;

    private LossyUdpProxy(InetSocketAddress target, double loss, long seed, long idleMillis) throws IOException {
        this.target = target;
        this.loss = loss;
        this.random = new Random(seed);
        this.idleNanos = TimeUnit.MILLISECONDS.toNanos(idleMillis);
        this.selector = Selector.open();
        this.front = DatagramChannel.open();
        front.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        front.configureBlocking(false);
        front.register(selector, SelectionKey.OP_READ);
        this.thread = new Thread(this::run, "lossy-udp-proxy-" + front.socket().getLocalPort());
        thread.setDaemon(true);
    }

    /**
     * Starts a proxy to {@code target} that drops {@code loss} (0 to 1) of the datagrams each way.
     *
     * @throws IllegalArgumentException if {@code loss} is outside 0 to 1 or {@code idleMillis} is not positive
     * @throws UncheckedIOException if a socket cannot be opened
     */
    public static LossyUdpProxy start(InetSocketAddress target, double loss, long seed, long idleMillis) {
        if (!(loss >= 0 && loss <= 1)) {
            throw new IllegalArgumentException("loss must be between 0 and 1: " + loss);
        }
        if (idleMillis <= 0) {
            throw new IllegalArgumentException("idleMillis must be positive: " + idleMillis);
        }
        try {
            LossyUdpProxy proxy = new LossyUdpProxy(target, loss, seed, idleMillis);
            proxy.thread.start();
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("could not open the proxy's socket", e);
        }
    }

    /** Returns the address clients send to. */
    public InetSocketAddress address() {
        return (InetSocketAddress) front.socket().getLocalSocketAddress();
    }

    /** Returns how many datagrams were passed on. */
    public long forwarded() {
        return forwarded.get();
    }

    /** Returns how many datagrams were dropped on purpose. */
    public long dropped() {
        return dropped.get();
    }

    /** Returns how many sockets the proxy holds open now: its own and one per live session. */
    public int openSockets() {
        return running ? 1 + openSessions.get() : 0;
    }

    /** Returns how many client sessions (upstream sockets) were opened in all. */
    public long sessionsOpened() {
        return sessionCount.get();
    }

    private void run() {
        ByteBuffer buffer = ByteBuffer.allocate(MAX_DATAGRAM);
        try {
            while (running) {
                selector.select(SELECT_MILLIS);
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.channel() == front) {
                        fromClients(buffer);
                    } else {
                        fromServer((Session) key.attachment(), buffer);
                    }
                }
                expireIdle();
            }
        } catch (IOException e) {
            if (running) {
                throw new UncheckedIOException("lossy proxy failed", e);
            }
        } finally {
            closeAll();
            stopped.countDown();
        }
    }

    private void fromClients(ByteBuffer buffer) throws IOException {
        while (true) {
            buffer.clear();
            SocketAddress client = front.receive(buffer);
            if (client == null) {
                return;
            }
            if (drop()) {
                continue;
            }
            Session session = sessions.get(client);
            if (session == null) {
                session = new Session(client);
                sessions.put(client, session);
            }
            session.touch();
            buffer.flip();
            session.upstream.write(buffer);
            forwarded.incrementAndGet();
        }
    }

    private void fromServer(Session session, ByteBuffer buffer) throws IOException {
        while (true) {
            buffer.clear();
            int n;
            try {
                n = session.upstream.read(buffer);
            } catch (IOException portUnreachable) {
                return;
            }
            if (n <= 0) {
                return;
            }
            if (drop()) {
                continue;
            }
            session.touch();
            buffer.flip();
            front.send(buffer, session.client);
            forwarded.incrementAndGet();
        }
    }

    private boolean drop() {
        if (loss > 0 && random.nextDouble() < loss) {
            dropped.incrementAndGet();
            return true;
        }
        return false;
    }

    private void expireIdle() {
        long now = System.nanoTime();
        Iterator<Session> it = sessions.values().iterator();
        while (it.hasNext()) {
            Session s = it.next();
            if (now - s.lastActive > idleNanos) {
                s.close();
                it.remove();
            }
        }
    }

    private void closeAll() {
        sessions.values().forEach(Session::close);
        sessions.clear();
        try {
            front.close();
            selector.close();
        } catch (IOException ignored) {
            // closing: nothing left to do with a socket that will not close
        }
    }

    /** Stops the thread and closes every socket; returns once they are closed. */
    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            if (!stopped.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the lossy proxy thread did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the lossy proxy", e);
        }
    }

    private final class Session {
        final SocketAddress client;
        final DatagramChannel upstream;
        long lastActive = System.nanoTime();

        Session(SocketAddress client) throws IOException {
            this.client = client;
            this.upstream = DatagramChannel.open();
            upstream.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            upstream.connect(target);
            upstream.configureBlocking(false);
            upstream.register(selector, SelectionKey.OP_READ, this);
            sessionCount.incrementAndGet();
            openSessions.incrementAndGet();
        }

        void touch() {
            lastActive = System.nanoTime();
        }

        void close() {
            openSessions.decrementAndGet();
            try {
                upstream.close();
            } catch (IOException ignored) {
                // closing: nothing left to do with a socket that will not close
            }
        }
    }
}
