package io.iceflux.netty.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iceflux.testsupport.LeakRecorder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

/** The fuzz targets' own checks catch what they are meant to catch. */
class FuzzBuffersTest {

    private static final byte[] INPUT = {1, 2, 3, 4};

    @Test
    void wrapPutsTheInputBetweenJunkWithTheIndexesAroundIt() {
        ByteBuf buf = FuzzBuffers.wrap(INPUT);
        try {
            assertThat(buf.readerIndex()).isEqualTo(FuzzBuffers.LEAD);
            assertThat(ByteBufUtil.getBytes(buf)).isEqualTo(INPUT);
            assertThat(buf.capacity()).isEqualTo(FuzzBuffers.LEAD + INPUT.length + FuzzBuffers.TAIL);
            assertThat(buf.getByte(0)).isNotZero();
            assertThat(buf.getByte(buf.writerIndex())).isNotZero();
            FuzzBuffers.assertUntouched(buf, INPUT, 1);
        } finally {
            FuzzBuffers.release(buf);
        }
    }

    @Test
    void assertUntouchedCatchesAMovedIndexAChangedByteAndARetain() {
        ByteBuf buf = FuzzBuffers.wrap(INPUT);
        try {
            buf.skipBytes(1);
            assertThatThrownBy(() -> FuzzBuffers.assertUntouched(buf, INPUT, 1)).hasMessageContaining("reader index");
            buf.readerIndex(FuzzBuffers.LEAD);
            buf.setByte(FuzzBuffers.LEAD + 2, 9);
            assertThatThrownBy(() -> FuzzBuffers.assertUntouched(buf, INPUT, 1)).hasMessageContaining("bytes");
            buf.setByte(FuzzBuffers.LEAD + 2, 3);
            buf.retain();
            assertThatThrownBy(() -> FuzzBuffers.assertUntouched(buf, INPUT, 1)).hasMessageContaining("refCnt");
            buf.release();
            FuzzBuffers.assertUntouched(buf, INPUT, 1);
        } finally {
            FuzzBuffers.release(buf);
        }
    }

    @Test
    void aLeakedBufferFailsTheNextLeakCheck() {
        LeakRecorder.drain();
        leakOne();
        LeakRecorder.provokeReports();
        assertThatThrownBy(FuzzBuffers::assertNoLeakReported).hasMessageContaining("LEAK");
        FuzzBuffers.assertNoLeakReported();
    }

    private static void leakOne() {
        UnpooledByteBufAllocator.DEFAULT.directBuffer(16).writeLong(42);
    }
}
