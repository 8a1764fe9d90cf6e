package io.iceflux.spring.boot;

import io.iceflux.netty.NettyIceGatherer;
import io.netty.channel.EventLoopGroup;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.client.ReactorResourceFactory;
import reactor.netty.resources.LoopResources;

/**
 * The application's reactor-netty event loops, when it has them: the client loops of Boot's
 * {@link ReactorResourceFactory} (those its {@code WebClient} uses), native (epoll, io_uring) or NIO as reactor-netty
 * chooses for its own clients ({@link LoopResources#DEFAULT_NATIVE}, the {@code reactor.netty.native} system property).
 * Loaded only when reactor-netty and Spring's {@code ReactorResourceFactory} are on the class path.
 *
 * <p>Also closes the gatherer built on these loops when the context stops: the factory (a {@code SmartLifecycle} of
 * phase 0) shuts the loops down when it stops, and this stops before it ({@link #getPhase()}), so the gatherer's
 * releases (TURN allocations deleted, sockets closed) still have their loops. Gatherings still running then are the
 * application's to cancel.
 */
final class SharedEventLoops implements SmartLifecycle {

    /** After the web server stopped taking requests (Boot's web server lifecycles are above this), before phase 0. */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private final ObjectProvider<ReactorResourceFactory> factory;
    private final AtomicReference<NettyIceGatherer> gatherer = new AtomicReference<>();
    private volatile boolean running;

    SharedEventLoops(ObjectProvider<ReactorResourceFactory> factory) {
        this.factory = factory;
    }

    /** The application's client loops, or {@code null} when the application has no {@code ReactorResourceFactory}. */
    EventLoopGroup clientLoops() {
        ReactorResourceFactory resources = factory.getIfUnique();
        return resources == null ? null : resources.getLoopResources().onClient(LoopResources.DEFAULT_NATIVE);
    }

    /** Close {@code built}, which runs on {@link #clientLoops()}, when the context stops. */
    void closeOnStop(NettyIceGatherer built) {
        gatherer.set(built);
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        NettyIceGatherer g = gatherer.get();
        if (g != null) {
            g.disposeLater().block();
        }
        running = false;
    }

    @Override
    public void stop(Runnable callback) {
        NettyIceGatherer g = gatherer.get();
        running = false;
        if (g == null) {
            callback.run();
        } else {
            g.disposeLater().subscribe(null, e -> callback.run(), callback);
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
