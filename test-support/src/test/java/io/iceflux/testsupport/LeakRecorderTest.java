package io.iceflux.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

/** The leak detector really is armed: a buffer that is never released is reported. */
class LeakRecorderTest {

    @Test
    void aBufferThatIsNeverReleasedIsReported() {
        LeakRecorder.drain();
        leak();
        LeakRecorder.provokeReports();
        // Take the report so that the extension does not fail this test for the leak it made on purpose.
        assertThat(LeakRecorder.drain()).anySatisfy(leak -> assertThat(leak).startsWith("LEAK: ByteBuf"));
    }

    @Test
    void aReleasedBufferIsNotReported() {
        LeakRecorder.drain();
        ByteBuf buf = UnpooledByteBufAllocator.DEFAULT.directBuffer(16);
        buf.writeInt(42);
        buf.release();
        LeakRecorder.provokeReports();
        assertThat(LeakRecorder.drain()).isEmpty();
    }

    private static void leak() {
        ByteBuf buf = UnpooledByteBufAllocator.DEFAULT.directBuffer(16);
        buf.writeInt(1);
    }
}
