package io.iceflux.testsupport;

import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails the test during which Netty's leak detector reports a leaked {@code ByteBuf}. Loading this class installs
 * {@link LeakRecorder} (paranoid detector, recording factory); do it before the first buffer class is initialised,
 * best by registering the extension for every test of a module through
 * {@code META-INF/services/org.junit.jupiter.api.extension.Extension} with
 * {@code junit.jupiter.extensions.autodetection.enabled = true} (the parent POM switches it on for every module).
 *
 * <p>After each test it provokes pending reports (garbage collection, then allocating and releasing buffers) and
 * throws an {@link AssertionError} listing every leak reported since the previous test.
 */
public final class LeakFailingExtension implements AfterEachCallback {

    static {
        LeakRecorder.install();
    }

    /** Create the extension; the recording detector is installed once per JVM when the class loads. */
    public LeakFailingExtension() {
        // state lives in LeakRecorder
    }

    /**
     * Fail the finished test if Netty reported a leak while it ran.
     *
     * @throws AssertionError naming the test and listing every leak report with its access records
     */
    @Override
    public void afterEach(ExtensionContext context) {
        LeakRecorder.provokeReports();
        List<String> leaks = LeakRecorder.drain();
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " ByteBuf leak(s) reported by Netty's leak detector during "
                    + context.getDisplayName() + ":\n" + String.join("\n", leaks));
        }
    }
}
