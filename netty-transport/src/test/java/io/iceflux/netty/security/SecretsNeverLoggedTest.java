package io.iceflux.netty.security;

import static io.iceflux.netty.fixtures.GatheringEvents.errors;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iceflux.HostInterfaces;
import io.iceflux.IceCandidate;
import io.iceflux.IceConfiguration;
import io.iceflux.IceEvent;
import io.iceflux.IceServer;
import io.iceflux.IceServerCredentialsException;
import io.iceflux.IceTransportPolicy;
import io.iceflux.StunTimers;
import io.iceflux.netty.NettyIceGatherer;
import io.iceflux.netty.coturn.Coturn;
import io.iceflux.netty.coturn.CoturnExtension;
import io.iceflux.netty.stun.PasswordAlgorithm;
import io.iceflux.netty.stun.StunCredentials;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Hooks;
import reactor.util.Loggers;

/**
 * Credentials never leak: TURN gatherings with a distinctive username and password (a wrong password: the 401
 * path; the right one: the relay path; over UDP, TCP and TLS) run with every log at its finest level, twice
 * (Reactor logging through {@code java.util.logging}, then Reactor's verbose console loggers), with every signal
 * logged by {@code Flux.log} at TRACE and every operator error recorded by a hook. Everything captured
 * (System.out and System.err, every JUL record with its stack trace, event and error {@code toString}s,
 * exception messages and stack traces, {@link IceServer}/{@link IceConfiguration}/{@link StunCredentials}
 * {@code toString}) is scanned for the passwords and their long-term keys (MD5 of
 * {@code username:realm:password}, in hex and base64).
 *
 * <p>The username is not a secret (it travels in clear in USERNAME and identifies the account when debugging):
 * {@link IceServer#toString()} and {@link StunCredentials#toString()} show it. It must still not appear in
 * what the library writes on its own: logs, events and exception messages. Micrometer is not on the classpath
 * of this module, so there are no metrics tags to scan.
 */
class SecretsNeverLoggedTest {

    static final String USERNAME = "soakuser-Quokka8";
    static final String PASSWORD = "Sekret-Pangolin-7419";
    static final String WRONG_PASSWORD = "Wrong-Okapi-3381";

    @RegisterExtension
    static final CoturnExtension COTURN = new CoturnExtension(Coturn.builder().user(USERNAME, PASSWORD));

    static final StunTimers FAST = StunTimers.rfc8489().withInitialRto(Duration.ofMillis(50)).withMaxRequests(4)
            .withLastWaitMultiplier(2).withReliableTimeout(Duration.ofSeconds(3));

    private final Capture capture = new Capture();

    @BeforeEach
    void startCapture() {
        capture.start();
    }

    @AfterEach
    void stopCapture() {
        capture.stop();
        COTURN.coturn().awaitAllocationCount(0, Duration.ofSeconds(10));
    }

    @Test
    void wrongAndRightPasswordsOverUdpTcpAndTlsAtTraceLeaveNoSecretAnywhere() {
        Coturn coturn = COTURN.coturn();
        List<String> urls = List.of(coturn.turnUdpUrl(), coturn.turnTcpUrl(), coturn.turnsUrl());
        assertThat(InternalLoggerFactory.getDefaultFactory()).as("Netty logs through java.util.logging")
                .isSameAs(JdkLoggerFactory.INSTANCE);

        for (boolean console : new boolean[] {false, true}) {
            if (console) {
                Loggers.useVerboseConsoleLoggers();
            } else {
                Loggers.useJdkLoggers();
            }
            try (NettyIceGatherer gatherer = NettyIceGatherer.builder().trustManager(coturn.trustManager())
                    .build()) {
                for (String url : urls) {
                    List<IceEvent> wrong = gather(gatherer, IceServer.of(List.of(url), USERNAME, WRONG_PASSWORD));
                    assertThat(errors(wrong)).as("wrong password over " + url).singleElement()
                            .satisfies(e -> {
                                assertThat(e.url()).isEqualTo(url);
                                assertThat(e.errorCode()).isEqualTo(401);
                                assertThat(e.errorText()).isEqualTo("Unauthorized");
                            });
                    assertThat(relays(wrong)).isEmpty();

                    List<IceEvent> right = gather(gatherer, IceServer.of(List.of(url), USERNAME, PASSWORD));
                    assertThat(errors(right)).as("right password over " + url).isEmpty();
                    assertThat(relays(right)).singleElement().satisfies(c -> assertThat(c.url()).isEqualTo(url));
                }
            } finally {
                Loggers.resetLoggerFactory();
            }
        }
        shownValues();
        badCredentialMessages();

        capture.stop();
        assertThat(capture.julRecords).as("JUL records at FINEST from Flux.log").isPositive();
        assertThat(capture.all()).as("the console loggers wrote the signals").contains("onNext(CandidateGathered");
        assertThat(capture.julText()).as("JUL got the signals").contains("onNext(CandidateGathered");

        Map<String, String> secrets = secrets(coturn.realm());
        scan("library output (logs, stdout/stderr, events, errors)", capture.all(), secrets);
        scan("library output", capture.all(), Map.of("username", USERNAME));
        scan("toString of the configuration and credentials", capture.shown.toString(), secrets);
    }

    private List<IceEvent> gather(NettyIceGatherer gatherer, IceServer server) {
        return gatherLogged(gatherer, relayConfig(server).build(), capture);
    }

    /** A relay-only configuration on IPv4 loopback with {@link #FAST} timers. */
    static IceConfiguration.Builder relayConfig(IceServer server) {
        return IceConfiguration.builder().server(server).stunTimers(FAST).transportPolicy(IceTransportPolicy.RELAY)
                .hostInterfaces(HostInterfaces.loopbackOnly().ipv4Only());
    }

    /** Gather with every signal logged at FINEST, and record the configuration, the events and the errors. */
    static List<IceEvent> gatherLogged(NettyIceGatherer gatherer, IceConfiguration config, Capture capture) {
        capture.shown.append(config.servers()).append('\n').append(config).append('\n')
                .append(config.withFreshCredentials()).append('\n');
        List<IceEvent> events = gatherer.gather(config)
                .log("iceflux.secrets.signals", Level.FINEST)
                .collectList().block(Duration.ofSeconds(30));
        for (IceEvent e : events) {
            capture.library.append(e).append('\n');
            if (e instanceof IceEvent.CandidateError err) {
                capture.library.append(err.error()).append(' ').append(err.error().errorText()).append('\n');
            }
        }
        return events;
    }

    private void shownValues() {
        capture.shown.append(StunCredentials.of(USERNAME, PASSWORD)).append('\n');
        capture.shown.append(StunCredentials.of(USERNAME, WRONG_PASSWORD)).append('\n');
    }

    /** Credentials that are rejected: the messages name the problem, never the credential. */
    private void badCredentialMessages() {
        String url = COTURN.coturn().turnUdpUrl();
        for (String bad : List.of(PASSWORD + "\u0007", PASSWORD.repeat(40), PASSWORD + "\ud800")) {
            assertThatThrownBy(() -> IceServer.of(List.of(url), USERNAME, bad))
                    .isInstanceOf(IceServerCredentialsException.class)
                    .satisfies(e -> capture.library.append(stackTrace(e)));
        }
    }

    private static Map<String, String> secrets(String realm) {
        Map<String, String> secrets = new LinkedHashMap<>();
        for (String password : List.of(PASSWORD, WRONG_PASSWORD)) {
            byte[] key = StunCredentials.longTermKey(USERNAME, realm, password, PasswordAlgorithm.MD5);
            secrets.put("password " + password, password);
            secrets.put("key hex of " + password, HexFormat.of().formatHex(key));
            secrets.put("key HEX of " + password, HexFormat.of().withUpperCase().formatHex(key));
            secrets.put("key base64 of " + password, Base64.getEncoder().encodeToString(key));
            secrets.put("key base64url of " + password, Base64.getUrlEncoder().withoutPadding().encodeToString(key));
        }
        return secrets;
    }

    static void scan(String where, String text, Map<String, String> secrets) {
        assertThat(text).as(where + " was captured").isNotEmpty();
        String lower = text.toLowerCase(Locale.ROOT);
        secrets.forEach((what, secret) -> {
            int at = lower.indexOf(secret.toLowerCase(Locale.ROOT));
            if (at >= 0) {
                throw new AssertionError(what + " found in " + where + ": ..."
                        + text.substring(Math.max(0, at - 300), Math.min(text.length(), at + 100)) + "...");
            }
        });
    }

    static List<IceCandidate> relays(List<IceEvent> events) {
        return events.stream().filter(IceEvent.CandidateGathered.class::isInstance)
                .map(e -> ((IceEvent.CandidateGathered) e).candidate())
                .filter(c -> c.type() == IceCandidate.Type.RELAY).toList();
    }

    static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return t + "\n" + t.getMessage() + "\n" + w;
    }

    /**
     * Everything the library writes while it runs: System.out/err (teed), every JUL record at any level (root
     * and every configured logger set to ALL), and every error any Reactor operator sees, with its data.
     */
    static final class Capture {
        private static final String HOOK = "iceflux-secrets";

        final StringBuilder library = new StringBuilder();
        final StringBuilder shown = new StringBuilder();
        private final ByteArrayOutputStream console = new ByteArrayOutputStream();
        private final StringBuffer jul = new StringBuffer();
        private final Map<Logger, Level> savedLevels = new LinkedHashMap<>();
        private final SimpleFormatter formatter = new SimpleFormatter();
        private PrintStream savedOut;
        private PrintStream savedErr;
        private Handler handler;
        int julRecords;
        private boolean running;

        void start() {
            savedOut = System.out;
            savedErr = System.err;
            System.setOut(new PrintStream(new Tee(savedOut, console), true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(new Tee(savedErr, console), true, StandardCharsets.UTF_8));
            LogManager manager = LogManager.getLogManager();
            for (String name : java.util.Collections.list(manager.getLoggerNames())) {
                Logger logger = manager.getLogger(name);
                if (logger != null) {
                    savedLevels.put(logger, logger.getLevel());
                    logger.setLevel(name.isEmpty() ? Level.ALL : null);
                }
            }
            Logger root = Logger.getLogger("");
            savedLevels.putIfAbsent(root, root.getLevel());
            root.setLevel(Level.ALL);
            handler = new Handler() {
                @Override
                public void publish(LogRecord record) {
                    synchronized (Capture.this) {
                        julRecords++;
                    }
                    jul.append(record.getLoggerName()).append(' ').append(formatter.format(record)).append('\n');
                }

                @Override
                public void flush() {
                }

                @Override
                public void close() {
                }
            };
            handler.setLevel(Level.ALL);
            root.addHandler(handler);
            Hooks.onOperatorError(HOOK, (error, data) -> {
                synchronized (library) {
                    library.append("operator error: ").append(stackTrace(error)).append(" data: ")
                            .append(data).append('\n');
                }
                return error;
            });
            running = true;
        }

        void stop() {
            if (!running) {
                return;
            }
            running = false;
            Hooks.resetOnOperatorError(HOOK);
            Logger.getLogger("").removeHandler(handler);
            savedLevels.forEach(Logger::setLevel);
            savedLevels.clear();
            System.setOut(savedOut);
            System.setErr(savedErr);
        }

        String julText() {
            return jul.toString();
        }

        String all() {
            synchronized (library) {
                return console.toString(StandardCharsets.UTF_8) + "\n" + jul + "\n" + library;
            }
        }
    }

    /** Writes to the real stream and to the capture. */
    private static final class Tee extends OutputStream {
        private final OutputStream real;
        private final ByteArrayOutputStream copy;

        Tee(OutputStream real, ByteArrayOutputStream copy) {
            this.real = real;
            this.copy = copy;
        }

        @Override
        public void write(int b) {
            synchronized (copy) {
                copy.write(b);
            }
            try {
                real.write(b);
            } catch (java.io.IOException ignored) {
                // the real console is gone: the copy is what the test needs
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            synchronized (copy) {
                copy.write(b, off, len);
            }
            try {
                real.write(b, off, len);
            } catch (java.io.IOException ignored) {
                // the real console is gone: the copy is what the test needs
            }
        }
    }
}
