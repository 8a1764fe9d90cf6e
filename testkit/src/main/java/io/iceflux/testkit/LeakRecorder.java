package io.iceflux.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Records every leak Netty's {@link ResourceLeakDetector} reports, so that {@link NettyLeakDetectionExtension} can
 * fail a test on it instead of the leak being only a log line. Installed once per JVM.
 */
final class LeakRecorder {

    private static final List<String> LEAKS = new ArrayList<>();
    private static boolean installed;

    private LeakRecorder() {
    }

    /** Install the recording detector factory at paranoid level; idempotent. */
    static synchronized void install() {
        if (installed) {
            return;
        }
        installed = true;
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
            @Override
            @SuppressWarnings("deprecation")
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                    long maxActive) {
                return new RecordingDetector<>(resource, samplingInterval);
            }

            @Override
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval) {
                return new RecordingDetector<>(resource, samplingInterval);
            }
        });
    }

    /** Make pending leaks visible: collect garbage, then allocate and release buffers of every kind. */
    @SuppressWarnings("removal")
    static void provokeReports() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            System.runFinalization();
            for (int j = 0; j < 16; j++) {
                ByteBuf a = UnpooledByteBufAllocator.DEFAULT.buffer(8);
                a.release();
                ByteBuf b = UnpooledByteBufAllocator.DEFAULT.directBuffer(8);
                b.release();
                ByteBuf c = PooledByteBufAllocator.DEFAULT.buffer(8);
                c.release();
                ByteBuf d = PooledByteBufAllocator.DEFAULT.heapBuffer(8);
                d.release();
            }
        }
    }

    /** Return the leaks reported since the last call and forget them. */
    static synchronized List<String> drain() {
        List<String> copy = List.copyOf(LEAKS);
        LEAKS.clear();
        return copy;
    }

    private static synchronized void record(String leak) {
        LEAKS.add(leak);
    }

    private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
        @SuppressWarnings("deprecation")
        RecordingDetector(Class<T> resource, int samplingInterval) {
            super(resource, samplingInterval);
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            record("LEAK: " + resourceType + records);
            super.reportTracedLeak(resourceType, records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            record("LEAK: " + resourceType + " (untraced)");
            super.reportUntracedLeak(resourceType);
        }
    }
}
