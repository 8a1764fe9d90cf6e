package io.iceflux.netty.coturn;

import java.util.Objects;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts one {@link Coturn} before the tests of a class and closes it after them. Register it as a static field:
 * <pre>{@code
 * @RegisterExtension
 * static final CoturnExtension COTURN = new CoturnExtension(Coturn.builder().userQuota(1));
 * ...
 * COTURN.coturn().turnUdpUrl()
 * }</pre>
 * Nested test classes share the instance of the class that registered the extension.
 */
public final class CoturnExtension implements BeforeAllCallback, AfterAllCallback {

    private final Coturn.Builder builder;
    private Coturn coturn;
    private String owner;

    /** Creates an extension that starts coturn with the defaults of {@link Coturn#builder()}. */
    public CoturnExtension() {
        this(Coturn.builder());
    }

    /**
     * Creates an extension that starts coturn with {@code builder}.
     *
     * @throws NullPointerException if {@code builder} is null
     */
    public CoturnExtension(Coturn.Builder builder) {
        this.builder = Objects.requireNonNull(builder, "builder");
    }

    /**
     * Returns the running coturn.
     *
     * @throws IllegalStateException if called outside the test class's lifetime (before all or after all)
     */
    public synchronized Coturn coturn() {
        if (coturn == null) {
            throw new IllegalStateException("coturn is not running: coturn() is only usable between @BeforeAll "
                    + "and @AfterAll of the class that registers the extension");
        }
        return coturn;
    }

    /**
     * Starts coturn unless an enclosing class already did.
     *
     * @throws CoturnException if coturn does not start
     */
    @Override
    public synchronized void beforeAll(ExtensionContext context) {
        if (coturn == null) {
            coturn = builder.start();
            owner = context.getUniqueId();
        }
    }

    /**
     * Closes coturn when the class that started it is done.
     *
     * @throws CoturnException if coturn cannot be stopped
     */
    @Override
    public synchronized void afterAll(ExtensionContext context) {
        if (coturn != null && context.getUniqueId().equals(owner)) {
            try {
                coturn.close();
            } finally {
                coturn = null;
                owner = null;
            }
        }
    }
}
