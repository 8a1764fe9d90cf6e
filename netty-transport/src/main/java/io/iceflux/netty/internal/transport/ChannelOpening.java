package io.iceflux.netty.internal.transport;

import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/** Turns the opening and closing of a Netty channel into {@code Mono}s that never leave a channel behind. */
public final class ChannelOpening {

    private static final int PENDING = 0;
    private static final int DONE = 1;
    private static final int CANCELLED = 2;

    private ChannelOpening() {
    }

    /**
     * Return a {@code Mono} of the transport {@code onSuccess} builds once {@code ready} succeeds, or of the error
     * {@code onFailure} makes of its cause. The channel is closed when opening fails, when the subscriber cancels
     * before the transport was handed over, and when building the transport throws.
     *
     * <p>A cancel that races the hand-over: {@code MonoSink} runs its {@code onCancel} callback only when the cancel
     * won, i.e. when the value was not and will never be delivered ({@code success} then drops it), even if the
     * transport was already built and {@code success} is being called on the event loop at that moment. So the
     * callback always closes the channel: whoever does not receive the transport cannot close it.
     */
    static <T> Mono<T> open(Channel channel, Future<?> ready, Supplier<T> onSuccess,
            Function<Throwable, ? extends Throwable> onFailure) {
        return Mono.create(sink -> {
            AtomicInteger state = new AtomicInteger(PENDING);
            sink.onCancel(() -> {
                state.set(CANCELLED);
                channel.close();
            });
            ready.addListener(f -> {
                if (!f.isSuccess()) {
                    channel.close();
                    if (state.compareAndSet(PENDING, DONE)) {
                        sink.error(onFailure.apply(f.cause()));
                    }
                    return;
                }
                T transport;
                try {
                    transport = onSuccess.get();
                } catch (RuntimeException e) {
                    channel.close();
                    if (state.compareAndSet(PENDING, DONE)) {
                        sink.error(e);
                    }
                    return;
                }
                if (state.compareAndSet(PENDING, DONE)) {
                    sink.success(transport);
                } else {
                    channel.close();
                }
            });
        });
    }

    /** Start closing {@code channel} now and return a {@code Mono} that completes once it is closed. */
    static Mono<Void> close(Channel channel) {
        channel.close();
        return Mono.create(sink -> channel.closeFuture().addListener(f -> sink.success()));
    }
}
