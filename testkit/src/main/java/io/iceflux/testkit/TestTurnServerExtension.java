package io.iceflux.testkit;

import java.util.Objects;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that starts a {@link TestTurnServer} and closes it: once per test class (register it on a
 * static field) or once per test ({@link #perTest(TestTurnServer.Builder)}). With a per-class server, the faults are
 * cleared and the counters reset after each test, so that tests do not see each other's faults.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final TestTurnServerExtension TURN = TestTurnServerExtension.perClass(TestTurnServer.builder());
 *
 * @Test
 * void quota() {
 *     TURN.server().respondWithError(TurnMethod.ALLOCATE, 486, "Allocation Quota Reached");
 * }
 * }</pre>
 *
 * A test or lifecycle method may also take a {@link TestTurnServer} parameter, resolved to the running server.
 * This is a test helper, not a production TURN server (see {@link TestTurnServer}).
 */
public final class TestTurnServerExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback, ParameterResolver {

    private final TestTurnServer.Builder builder;
    private final boolean perTest;
    private volatile TestTurnServer server;

    /**
     * Create an extension starting servers from {@code builder}.
     *
     * @param perTest true for a new server around each test, false for one server per test class
     * @throws NullPointerException if {@code builder} is null
     */
    public TestTurnServerExtension(TestTurnServer.Builder builder, boolean perTest) {
        this.builder = Objects.requireNonNull(builder, "builder");
        this.perTest = perTest;
    }

    /** Return an extension with one server per test class, started from {@code builder}. */
    public static TestTurnServerExtension perClass(TestTurnServer.Builder builder) {
        return new TestTurnServerExtension(builder, false);
    }

    /** Return an extension with a new server around each test, started from {@code builder}. */
    public static TestTurnServerExtension perTest(TestTurnServer.Builder builder) {
        return new TestTurnServerExtension(builder, true);
    }

    /**
     * Return the running server.
     *
     * @throws IllegalStateException if no server is running (outside the extension's scope)
     */
    public TestTurnServer server() {
        TestTurnServer running = server;
        if (running == null) {
            throw new IllegalStateException("no TestTurnServer is running: the extension starts it "
                    + (perTest ? "before each test" : "before all tests of the class"));
        }
        return running;
    }

    /** Start the per-class server. */
    @Override
    public void beforeAll(ExtensionContext context) {
        if (!perTest) {
            server = builder.start();
        }
    }

    /** Close the per-class server. */
    @Override
    public void afterAll(ExtensionContext context) {
        if (!perTest) {
            closeServer();
        }
    }

    /**
     * Start the per-test server.
     *
     * @throws IllegalStateException for a per-class extension registered on an instance field
     */
    @Override
    public void beforeEach(ExtensionContext context) {
        if (perTest) {
            server = builder.start();
        } else if (server == null) {
            throw new IllegalStateException("a per-class TestTurnServerExtension must be registered on a static "
                    + "field (its beforeAll did not run)");
        }
    }

    /** Close the per-test server, or clear the per-class server's faults and counters. */
    @Override
    public void afterEach(ExtensionContext context) {
        if (perTest) {
            closeServer();
        } else if (server != null) {
            server.clearFaults();
            server.resetCounters();
        }
    }

    private void closeServer() {
        TestTurnServer running = server;
        server = null;
        if (running != null) {
            running.close();
        }
    }

    /** Return whether the parameter is a {@link TestTurnServer}. */
    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == TestTurnServer.class;
    }

    /**
     * Return the running server.
     *
     * @throws IllegalStateException if no server is running
     */
    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return server();
    }
}
