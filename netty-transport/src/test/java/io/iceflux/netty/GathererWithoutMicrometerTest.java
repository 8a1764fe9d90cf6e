package io.iceflux.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iceflux.netty.internal.gather.GathererAccounting;
import io.iceflux.netty.internal.transport.StunTransactions;
import io.iceflux.netty.micrometer.MicrometerGathererMetrics;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * Micrometer is an optional dependency: a gatherer with the default metrics must work when no Micrometer class can be
 * loaded. The gatherer's classes are loaded again, child-first, by a class loader that refuses {@code io.micrometer.*}
 * and records every attempt.
 */
class GathererWithoutMicrometerTest {

    @Test
    void aDefaultGathererRunsAndNeverAsksForAMicrometerClass() throws Exception {
        try (NoMicrometerClassLoader loader = new NoMicrometerClassLoader()) {
            Class<?> probe = loader.loadClass(NoMicrometerProbe.class.getName());
            assertThat(probe.getClassLoader()).isSameAs(loader);

            @SuppressWarnings("unchecked")
            List<String> seen = (List<String>) probe.getMethod("gather").invoke(null);

            assertThat(seen).containsExactly("gathering", "host", "srflx", "end", "complete", "dropped=0");
            assertThat(loader.reloaded).as("the gatherer ran on the reloaded classes")
                    .contains(NettyIceGatherer.class.getName(), GathererAccounting.class.getName(),
                            StunTransactions.class.getName(), NoMetrics.class.getName());
            assertThat(loader.refused).as("Micrometer classes asked for").isEmpty();
        }
    }

    @Test
    void theLoaderReallyRefusesMicrometer() throws Exception {
        try (NoMicrometerClassLoader loader = new NoMicrometerClassLoader()) {
            assertThatThrownBy(() -> loader.loadClass("io.micrometer.core.instrument.MeterRegistry"))
                    .isInstanceOf(ClassNotFoundException.class);
            Class<?> metrics = Class.forName(MicrometerGathererMetrics.class.getName(), false, loader);
            assertThatThrownBy(metrics::getConstructors).isInstanceOf(NoClassDefFoundError.class);
            assertThat(loader.refused).contains("io.micrometer.core.instrument.MeterRegistry");
        }
    }

    /**
     * Loads {@code io.iceflux.netty.*} itself from this module's main and test classes, refuses
     * {@code io.micrometer.*}, and leaves everything else (core, Reactor, Netty, the JDK) to the test's loader.
     */
    static final class NoMicrometerClassLoader extends URLClassLoader {
        final Set<String> refused = ConcurrentHashMap.newKeySet();
        final Set<String> reloaded = ConcurrentHashMap.newKeySet();

        NoMicrometerClassLoader() {
            super(new URL[] {location(NettyIceGatherer.class), location(NoMicrometerProbe.class)},
                    GathererWithoutMicrometerTest.class.getClassLoader());
        }

        private static URL location(Class<?> type) {
            return type.getProtectionDomain().getCodeSource().getLocation();
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.startsWith("io.micrometer.")) {
                refused.add(name);
                throw new ClassNotFoundException(name + " is refused: Micrometer is not on this class path");
            }
            if (!name.startsWith("io.iceflux.netty.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded == null) {
                    loaded = findClass(name);
                    reloaded.add(name);
                }
                if (resolve) {
                    resolveClass(loaded);
                }
                return loaded;
            }
        }
    }
}
