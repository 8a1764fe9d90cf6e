package io.iceflux.testsupport;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;

/** The extension fails the test during which a buffer leaked, naming it, and forgets the leak afterwards. */
class LeakFailingExtensionTest {

    private final LeakFailingExtension extension = new LeakFailingExtension();

    @Test
    void aLeakFailsTheTestItHappenedIn() {
        LeakRecorder.drain();
        leak();

        assertThatThrownBy(() -> extension.afterEach(context("leaky test")))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("1 ByteBuf leak(s) reported by Netty's leak detector during leaky test:")
                .hasMessageContaining("LEAK: ByteBuf");
        // the reports are gone: the next test does not fail for this one's leak
        assertThatCode(() -> extension.afterEach(context("next test"))).doesNotThrowAnyException();
    }

    @Test
    void noLeakPasses() {
        LeakRecorder.drain();
        ByteBuf buf = UnpooledByteBufAllocator.DEFAULT.directBuffer(16);
        buf.writeInt(7);
        buf.release();

        assertThatCode(() -> extension.afterEach(context("clean test"))).doesNotThrowAnyException();
    }

    private static ExtensionContext context(String displayName) {
        ExtensionContext context = mock(ExtensionContext.class);
        when(context.getDisplayName()).thenReturn(displayName);
        return context;
    }

    private static void leak() {
        ByteBuf buf = UnpooledByteBufAllocator.DEFAULT.directBuffer(16);
        buf.writeInt(1);
    }
}
