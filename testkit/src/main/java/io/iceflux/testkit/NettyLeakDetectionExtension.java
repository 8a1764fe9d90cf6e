package io.iceflux.testkit;

import io.iceflux.testsupport.LeakFailingExtension;
import io.iceflux.testsupport.LeakRecorder;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails the test during which Netty's leak detector reports a leaked {@code ByteBuf}. Loading this class switches
 * the detector to {@code paranoid} and installs a recording detector factory; do it before the first buffer class
 * is initialised, best by registering the extension for every test through
 * {@code META-INF/services/org.junit.jupiter.api.extension.Extension} with
 * {@code junit.jupiter.extensions.autodetection.enabled = true} (or {@code @ExtendWith} on every class).
 *
 * <p>After each test it provokes pending reports (garbage collection, then allocating and releasing buffers,
 * because the detector reports only when it tracks a new object) and throws an {@link AssertionError} listing
 * every leak reported since the previous test.
 *
 * <p>The testkit's name for {@link LeakFailingExtension} of {@code iceflux-test-support} (a dependency of the
 * testkit), which it delegates to: both share the one {@link LeakRecorder} of the JVM, so registering either or both
 * reports each leak once.
 */
public final class NettyLeakDetectionExtension implements AfterEachCallback {

    static {
        LeakRecorder.install();
    }

    private final LeakFailingExtension delegate = new LeakFailingExtension();

    /** Create the extension; the recording detector is installed once per JVM when the class loads. */
    public NettyLeakDetectionExtension() {
        // state lives in LeakRecorder
    }

    /**
     * Fail the finished test if Netty reported a leak while it ran.
     *
     * @throws AssertionError naming the test and listing every leak report with its access records
     */
    @Override
    public void afterEach(ExtensionContext context) {
        delegate.afterEach(context);
    }

    /**
     * Return the leaks reported since the last call and forget them (for a test that leaks on purpose).
     *
     * @return the leak reports, oldest first; empty when there were none
     */
    public static List<String> drainReportedLeaks() {
        LeakRecorder.provokeReports();
        return LeakRecorder.drain();
    }
}
