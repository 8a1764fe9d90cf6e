package io.iceflux.netty.internal.transport;

import io.iceflux.ServerTransport;
import io.iceflux.netty.DropReason;
import io.iceflux.netty.TransactionOutcome;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link TransportListener} that counts the packets the transports report as dropped. */
final class DropCounter implements TransportListener {

    private final AtomicLong dropped = new AtomicLong();

    /** A factory on {@code group} and {@code scheduler} that reports here, trusting the JDK's trust store. */
    NettyStunTransportFactory factory(io.netty.channel.EventLoopGroup group,
            reactor.core.scheduler.Scheduler scheduler) {
        return new NettyStunTransportFactory(group, scheduler, NettyStunTransportFactory.TlsSettings.systemDefault(),
                NettyStunTransportFactory.DEFAULT_CONNECT_TIMEOUT, this);
    }

    @Override
    public void packetDropped(DropReason reason) {
        dropped.incrementAndGet();
    }

    @Override
    public void transactionEnded(int method, ServerTransport transport, TransactionOutcome outcome, long nanos) {
    }

    /** How many packets were dropped so far. */
    long total() {
        return dropped.get();
    }
}
