package io.iceflux.netty.leak;

import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails the test during which Netty's leak detector reports a leaked buffer. Registered for every test of the
 * module through {@code META-INF/services} (JUnit extension auto-detection, switched on in the parent POM); the
 * detector runs at {@code paranoid} (set by the parent POM for every test).
 */
public final class LeakFailingExtension implements AfterEachCallback {

    static {
        LeakRecorder.install();
    }

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
