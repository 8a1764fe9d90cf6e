package io.iceflux.netty.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.iceflux.testsupport.LeakRecorder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.List;

/**
 * Input buffers for the fuzz targets and the checks that a decoder left them alone. Each input is placed after a
 * few junk bytes and followed by more, with the reader and writer index around it, so that a decoder that reads
 * from absolute index 0, past the writer index, or moves an index, is caught.
 */
final class FuzzBuffers {

    static final int LEAD = 5;
    static final int TAIL = 3;
    private static final byte JUNK = (byte) 0xA5;

    static {
        LeakRecorder.install();
    }

    private FuzzBuffers() {
    }

    /** Return a heap buffer holding {@code input} as its readable bytes, with junk before and after. */
    static ByteBuf wrap(byte[] input) {
        ByteBuf buf = Unpooled.buffer(LEAD + input.length + TAIL);
        for (int i = 0; i < LEAD; i++) {
            buf.writeByte(JUNK);
        }
        buf.writeBytes(input);
        for (int i = 0; i < TAIL; i++) {
            buf.writeByte(JUNK);
        }
        buf.readerIndex(LEAD).writerIndex(LEAD + input.length);
        return buf;
    }

    /** Assert that {@code buf} is still {@link #wrap(byte[])} of {@code input}: indexes, bytes and reference count. */
    static void assertUntouched(ByteBuf buf, byte[] input, int refCnt) {
        assertThat(buf.refCnt()).as("refCnt of the input").isEqualTo(refCnt);
        assertThat(buf.readerIndex()).as("reader index of the input").isEqualTo(LEAD);
        assertThat(buf.writerIndex()).as("writer index of the input").isEqualTo(LEAD + input.length);
        assertThat(ByteBufUtil.getBytes(buf, LEAD, input.length)).as("bytes of the input").isEqualTo(input);
    }

    /** Release the input and check it is gone. */
    static void release(ByteBuf buf) {
        assertThat(buf.release()).as("last release of the input frees it").isTrue();
    }

    /**
     * Fail on leaks Netty's detector has reported so far (cheap: no garbage collection here; the JUnit extension
     * collects garbage after each test, and the reports of a fuzzing run land on a later input).
     */
    static void assertNoLeakReported() {
        List<String> leaks = LeakRecorder.drain();
        assertThat(leaks).as("ByteBuf leaks reported by Netty's leak detector").isEmpty();
    }
}
