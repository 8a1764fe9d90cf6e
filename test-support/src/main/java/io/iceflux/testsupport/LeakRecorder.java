package io.iceflux.testsupport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Records every leak Netty's {@link ResourceLeakDetector} reports, so that a test can fail on it instead of the
 * leak being only a log line. {@link #install()} switches the detector to {@code paranoid} and installs a recording
 * detector factory, once per JVM; it must run before the first buffer class is initialised (the buffer classes
 * create their detector in a static initialiser), which {@link LeakFailingExtension} does when it is registered for
 * every test through {@code META-INF/services}.
 */
public final class LeakRecorder {

    private static final List<String> LEAKS = new ArrayList<>();
    private static boolean installed;

    private LeakRecorder() {
    }

    /** Install the recording detector factory at {@code paranoid} level; idempotent. */
    public static synchronized void install() {
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

    /**
     * Make pending leaks visible: collect garbage, then allocate and release buffers of every kind, because the
     * detector reports leaked objects only when it tracks a new one.
     */
    @SuppressWarnings("removal")
    public static void provokeReports() {
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

    /**
     * Return the leaks reported since the last call and forget them.
     *
     * @return the leak reports ({@code "LEAK: "}, the resource type and its access records), oldest first
     */
    public static synchronized List<String> drain() {
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
