package io.iceflux.benchmarks.jmh;

import java.lang.annotation.Annotation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Comparator;
import java.util.function.Predicate;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Runs a benchmark's state outside JMH, one trial per test: its public {@code @Setup(Level.Trial)} methods before each
 * test and its {@code @TearDown(Level.Trial)} methods after it, as JMH does around a trial. Register it on an
 * instance field next to the state, and pass {@link #BH} to the benchmark methods:
 *
 * <pre>{@code
 * private final OperatorsBenchmark bench = new OperatorsBenchmark();
 * @RegisterExtension
 * final JmhTrial trial = new JmhTrial(bench);
 * }</pre>
 */
final class JmhTrial implements BeforeEachCallback, AfterEachCallback {

    /** A blackhole for calling benchmark methods outside JMH. */
    static final Blackhole BH = new Blackhole(
            "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");

    private final Object state;

    JmhTrial(Object state) {
        this.state = state;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        invoke(Setup.class, m -> m.getAnnotation(Setup.class).value() == Level.Trial);
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        invoke(TearDown.class, m -> m.getAnnotation(TearDown.class).value() == Level.Trial);
    }

    private void invoke(Class<? extends Annotation> annotation, Predicate<Method> trialLevel) throws Exception {
        Method[] methods = Arrays.stream(state.getClass().getMethods())
                .filter(m -> m.isAnnotationPresent(annotation) && trialLevel.test(m))
                .sorted(Comparator.comparing(Method::getName))
                .toArray(Method[]::new);
        if (methods.length == 0) {
            throw new IllegalStateException(state.getClass().getSimpleName() + " has no public @"
                    + annotation.getSimpleName() + "(Level.Trial) method");
        }
        for (Method method : methods) {
            try {
                method.invoke(state);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof Exception cause) {
                    throw cause;
                }
                throw e;
            }
        }
    }
}
