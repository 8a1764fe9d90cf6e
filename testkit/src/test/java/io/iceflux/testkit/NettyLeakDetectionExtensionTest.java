package io.iceflux.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

/** The leak detector is armed for this module's tests: a buffer never released is reported. */
class NettyLeakDetectionExtensionTest {

    @Test
    void aBufferThatIsNeverReleasedIsReported() {
        NettyLeakDetectionExtension.drainReportedLeaks();
        leak();
        // take the report so that the extension does not fail this test for the leak it made on purpose
        assertThat(NettyLeakDetectionExtension.drainReportedLeaks())
                .anySatisfy(leak -> assertThat(leak).startsWith("LEAK: ByteBuf"));
    }

    @Test
    void aReleasedBufferIsNotReported() {
        NettyLeakDetectionExtension.drainReportedLeaks();
        ByteBuf buf = UnpooledByteBufAllocator.DEFAULT.directBuffer(16);
        buf.writeInt(42);
        buf.release();
        assertThat(NettyLeakDetectionExtension.drainReportedLeaks()).isEmpty();
    }

    private static void leak() {
        ByteBuf buf = UnpooledByteBufAllocator.DEFAULT.directBuffer(16);
        buf.writeInt(1);
    }
}
