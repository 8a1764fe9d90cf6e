package io.iceflux.netty.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.DefaultPromise;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Mono;

/**
 * Whoever does not receive an opened transport cannot close it: {@link ChannelOpening#open} closes the channel unless
 * the transport reached its subscriber, whatever the order of the opening, the hand-over and the cancel.
 */
class ChannelOpeningTest {

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final Promise<Void> ready = new DefaultPromise<>(ImmediateEventExecutor.INSTANCE);
    private final Mono<String> opening = ChannelOpening.open(channel, ready, () -> "transport",
            cause -> new IllegalStateException("not opened", cause));

    /** Records what it receives; requests only when told to. */
    private static final class Recorder extends BaseSubscriber<String> {
        final List<String> received = new ArrayList<>();
        final List<Throwable> errors = new ArrayList<>();
        private final long initialDemand;

        Recorder(long initialDemand) {
            this.initialDemand = initialDemand;
        }

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            if (initialDemand > 0) {
                request(initialDemand);
            }
        }

        @Override
        protected void hookOnNext(String value) {
            received.add(value);
        }

        @Override
        protected void hookOnError(Throwable throwable) {
            errors.add(throwable);
        }
    }

    @Test
    void aCancelBeforeTheChannelIsReadyClosesIt() {
        Recorder recorder = opening.subscribeWith(new Recorder(1));

        recorder.dispose();

        assertThat(channel.isOpen()).isFalse();
        ready.setSuccess(null);
        assertThat(recorder.received).isEmpty();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aTransportHandedOverIsTheSubscribersAndACancelAfterwardsLeavesItOpen() {
        Recorder recorder = opening.subscribeWith(new Recorder(1));

        ready.setSuccess(null);
        recorder.dispose();

        assertThat(recorder.received).containsExactly("transport");
        assertThat(channel.isOpen()).as("the subscriber owns it now").isTrue();
        channel.close();
    }

    /**
     * The transport is built and passed to the sink, but the subscriber has not asked for it yet (the state a cancel
     * racing {@code success} on another thread also leaves): the sink keeps it, and the cancel that follows makes the
     * sink drop it. Nobody else can close it then.
     */
    @Test
    void aTransportBuiltButNeverDeliveredIsClosedByTheCancel() {
        Recorder recorder = opening.subscribeWith(new Recorder(0));
        ready.setSuccess(null);
        assertThat(recorder.received).isEmpty();

        recorder.dispose();

        assertThat(recorder.received).isEmpty();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aFailedOpeningClosesTheChannelAndSaysWhy() {
        Recorder recorder = opening.subscribeWith(new Recorder(1));

        ready.setFailure(new IOException("refused"));

        assertThat(recorder.errors).singleElement()
                .satisfies(e -> assertThat(e).hasMessage("not opened").hasCauseInstanceOf(IOException.class));
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aTransportThatCannotBeBuiltClosesTheChannel() {
        Recorder recorder = ChannelOpening.<String>open(channel, ready, () -> {
            throw new IllegalStateException("cannot build");
        }, cause -> cause).subscribeWith(new Recorder(1));

        ready.setSuccess(null);

        assertThat(recorder.errors).singleElement().satisfies(e -> assertThat(e).hasMessage("cannot build"));
        assertThat(channel.isOpen()).isFalse();
    }
}
