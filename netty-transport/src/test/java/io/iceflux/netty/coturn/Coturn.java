package io.iceflux.netty.coturn;

import io.iceflux.testsupport.NetworkNamespace;
import io.iceflux.testsupport.TestCertificate;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import javax.net.ssl.X509TrustManager;

/**
 * A real coturn ({@code /usr/bin/turnserver}, 4.6.1) started for a test on 127.0.0.1 only (or on the address of a
 * network namespace the test made, {@link Builder#inNamespace}), with long-term
 * credentials, FINGERPRINT, loopback peers allowed, a private relay port range and, by default, a TLS listener
 * with a freshly generated self-signed certificate for {@code localhost} and {@code 127.0.0.1}.
 *
 * <p>{@link Builder#start()} picks free loopback ports, writes a config file into a fresh temporary directory,
 * launches {@code turnserver -c <file>} and returns once coturn answers a STUN Binding request over UDP and
 * accepts TCP connections on every listener (bounded by {@link Builder#startupTimeout(Duration)}).
 * {@link #close()} stops it (SIGTERM, then SIGKILL), waits for it to exit and deletes the directory; a JVM
 * shutdown hook does the same for a test run that never reaches {@code close()}.
 *
 * <p>Share one instance per test class, either with {@link CoturnExtension} or by hand:
 * <pre>{@code
 * private static Coturn coturn;
 * @BeforeAll static void startCoturn() { coturn = Coturn.builder().userQuota(2).start(); }
 * @AfterAll static void stopCoturn() { coturn.close(); }
 * }</pre>
 *
 * <p>Thread-safe. The accessors keep answering after {@code close()}, except the ones that ask the process.
 */
public final class Coturn implements AutoCloseable {

    /** The realm when {@link Builder#realm(String)} is not called. */
    public static final String DEFAULT_REALM = "iceflux.test";
    /** The username of the only user when no user is configured. */
    public static final String DEFAULT_USERNAME = "alice";
    /** The password of the only user when no user is configured. */
    public static final String DEFAULT_PASSWORD = "wonderland";

    /** The coturn executable the fixture runs. */
    public static final Path TURNSERVER = Path.of("/usr/bin/turnserver");

    private static final String LOOPBACK_IP = "127.0.0.1";
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    private static final Duration POLL_PAUSE = Duration.ofMillis(20);
    private static final Duration PROBE_TIMEOUT = Duration.ofMillis(100);
    private static final Duration CLI_TIMEOUT = Duration.ofSeconds(3);
    private static final int CACHED_LOG_LINES = 500;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String ip;
    private final NetworkNamespace namespace;
    private final String realm;
    private final Map<String, String> users;
    private final int port;
    private final int tlsPort;
    private final int cliPort;
    private final FreePorts.Range relayRange;
    private final TestCertificate certificate;
    private final Path certificatePem;
    private final Path privateKeyPem;
    private final Path directory;
    private final Path logFile;
    private final Path consoleFile;
    private final Process process;
    private final Thread shutdownHook;
    private final CoturnCli cli;

    private boolean closed;
    private List<String> logAtClose = List.of();

    private Coturn(Builder builder, Path directory) {
        this.namespace = builder.namespace;
        this.ip = namespace == null ? LOOPBACK_IP : namespace.nsAddress().getHostAddress();
        this.realm = builder.realm;
        this.users = Collections.unmodifiableMap(new LinkedHashMap<>(builder.users));
        this.directory = directory;
        this.logFile = directory.resolve("turnserver.log");
        this.consoleFile = directory.resolve("console.log");
        this.port = FreePorts.udpAndTcp();
        this.tlsPort = builder.tls ? FreePorts.udpAndTcp() : -1;
        this.cliPort = FreePorts.udpAndTcp();
        this.relayRange = FreePorts.relayRange(builder.relayPorts);
        this.certificate = builder.tls ? TestCertificate.selfSigned("localhost",
                new InetSocketAddress(ip, 0).getAddress()) : null;
        this.certificatePem = directory.resolve("cert.pem");
        this.privateKeyPem = directory.resolve("key.pem");
        if (certificate != null) {
            certificate.writePem(certificatePem, privateKeyPem);
        }
        String cliPassword = HexFormat.of().formatHex(randomBytes(16));
        this.cli = new CoturnCli(new InetSocketAddress(ip, cliPort), cliPassword, CLI_TIMEOUT);
        Path config = directory.resolve("turnserver.conf");
        write(config, String.join("\n", configLines(builder, cliPassword)) + "\n");
        try {
            List<String> command = new ArrayList<>();
            if (namespace != null) {
                command.addAll(List.of("ip", "netns", "exec", namespace.name()));
            }
            command.addAll(List.of(builder.executable.toString(), "-c", config.toString()));
            this.process = new ProcessBuilder(command)
                    .directory(directory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(consoleFile.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new CoturnException("could not launch " + builder.executable
                    + " (is the coturn package installed?)", e);
        }
        Process started = process;
        this.shutdownHook = new Thread(() -> killAtExit(started, directory), "coturn-" + started.pid());
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Returns a builder with the defaults: realm {@value #DEFAULT_REALM}, user alice/wonderland, TLS on. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts a coturn with the defaults of {@link #builder()}.
     *
     * @throws CoturnException if coturn does not start or become ready; the message ends with its log
     */
    public static Coturn start() {
        return builder().start();
    }

    /** Returns the address of the UDP and TCP listener: 127.0.0.1 and {@link #port()}. */
    public InetSocketAddress address() {
        return new InetSocketAddress(ip, port);
    }

    /** Returns the port of the plain listener, the same for UDP and TCP. */
    public int port() {
        return port;
    }

    /** Returns whether coturn has a TLS listener. */
    public boolean tlsEnabled() {
        return certificate != null;
    }

    /**
     * Returns the port of the TLS listener (TCP only; DTLS is off).
     *
     * @throws IllegalStateException if TLS was switched off with {@link Builder#tls(boolean)}
     */
    public int tlsPort() {
        requireTls("tlsPort");
        return tlsPort;
    }

    /**
     * Returns the address of the TLS listener: 127.0.0.1 and {@link #tlsPort()}.
     *
     * @throws IllegalStateException if TLS was switched off
     */
    public InetSocketAddress tlsAddress() {
        return new InetSocketAddress(ip, tlsPort());
    }

    /** Returns the port of coturn's telnet CLI on 127.0.0.1. */
    public int cliPort() {
        return cliPort;
    }

    /** Returns the lowest relay port coturn may allocate. */
    public int minRelayPort() {
        return relayRange.min();
    }

    /** Returns the highest relay port coturn may allocate. */
    public int maxRelayPort() {
        return relayRange.max();
    }

    /** Returns {@code stun:127.0.0.1:<port>}. */
    public String stunUrl() {
        return "stun:" + ip + ":" + port;
    }

    /** Returns {@code turn:127.0.0.1:<port>?transport=udp}. */
    public String turnUdpUrl() {
        return "turn:" + ip + ":" + port + "?transport=udp";
    }

    /** Returns {@code turn:127.0.0.1:<port>?transport=tcp}. */
    public String turnTcpUrl() {
        return "turn:" + ip + ":" + port + "?transport=tcp";
    }

    /**
     * Returns {@code turns:localhost:<tlsPort>?transport=tcp}: the certificate names {@code localhost}, which must
     * resolve to 127.0.0.1 (coturn listens on IPv4 loopback only, never on ::1).
     *
     * @throws IllegalStateException if TLS was switched off
     */
    public String turnsUrl() {
        return "turns:localhost:" + tlsPort() + "?transport=tcp";
    }

    /**
     * Returns {@code turns:127.0.0.1:<tlsPort>?transport=tcp}; the certificate also names IP 127.0.0.1.
     *
     * @throws IllegalStateException if TLS was switched off
     */
    public String turnsIpUrl() {
        return "turns:" + ip + ":" + tlsPort() + "?transport=tcp";
    }

    /** Returns the realm coturn puts into its 401 answers. */
    public String realm() {
        return realm;
    }

    /** Returns the username of the first configured user ({@value #DEFAULT_USERNAME} by default). */
    public String username() {
        return users.keySet().iterator().next();
    }

    /** Returns the password of {@link #username()}. */
    public String password() {
        return users.get(username());
    }

    /** Returns every configured user, name to password, in the order they were configured. */
    public Map<String, String> users() {
        return users;
    }

    /**
     * Returns the self-signed certificate the TLS listener presents.
     *
     * @throws IllegalStateException if TLS was switched off
     */
    public X509Certificate certificate() {
        requireTls("certificate");
        return certificate.certificate();
    }

    /**
     * Returns the PEM file of {@link #certificate()}; it is deleted by {@link #close()}.
     *
     * @throws IllegalStateException if TLS was switched off
     */
    public Path certificatePem() {
        requireTls("certificatePem");
        return certificatePem;
    }

    /**
     * Returns a trust manager that trusts exactly {@link #certificate()} and nothing else.
     *
     * @throws IllegalStateException if TLS was switched off
     */
    public X509TrustManager trustManager() {
        requireTls("certificate");
        return certificate.trustManager();
    }

    /** Returns the temporary directory with the config, log, certificate and database; gone after close. */
    Path directory() {
        return directory;
    }

    /** Returns the process id of turnserver. */
    public long pid() {
        return process.pid();
    }

    /** Returns whether the turnserver process is alive. */
    public boolean isRunning() {
        return process.isAlive();
    }

    /**
     * Returns how many TURN allocations coturn holds now, as its CLI command {@code ps} reports them.
     *
     * @throws IllegalStateException if this coturn is closed
     * @throws CoturnException if the CLI does not answer as expected
     */
    public int allocationCount() {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("allocationCount: this coturn is closed");
            }
        }
        try {
            return cli.totalSessions();
        } catch (CoturnException e) {
            throw new CoturnException(e.getMessage() + logSuffix(), e);
        }
    }

    /**
     * Returns once {@link #allocationCount()} equals {@code expected}, polling because coturn removes deleted
     * allocations asynchronously.
     *
     * @throws IllegalArgumentException if {@code expected} is negative or {@code timeout} is negative
     * @throws CoturnException if the count is still different after {@code timeout}; the message has the last
     *         count
     */
    public void awaitAllocationCount(int expected, Duration timeout) {
        if (expected < 0) {
            throw new IllegalArgumentException("expected allocation count is negative: " + expected);
        }
        if (Objects.requireNonNull(timeout, "timeout").isNegative()) {
            throw new IllegalArgumentException("timeout is negative: " + timeout);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            int actual = allocationCount();
            if (actual == expected) {
                return;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new CoturnException("coturn still reports " + actual + " allocation(s) after "
                        + timeout.toMillis() + " ms, expected " + expected);
            }
            LockSupport.parkNanos(POLL_PAUSE.toNanos() * 2);
        }
    }

    /**
     * Returns the last {@code lines} lines of coturn's log, followed by anything turnserver wrote to stdout or
     * stderr (such as a config error before the log opened); after {@link #close()}, the lines kept at close.
     *
     * @throws IllegalArgumentException if {@code lines} is negative
     */
    public String logTail(int lines) {
        if (lines < 0) {
            throw new IllegalArgumentException("lines is negative: " + lines);
        }
        List<String> all;
        synchronized (this) {
            all = closed ? logAtClose : readLog();
        }
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /**
     * Stops coturn: SIGTERM, SIGKILL if it has not exited after 5 s, waits for the exit and deletes the temporary
     * directory. Does nothing if already closed.
     *
     * @throws CoturnException if the process survives SIGKILL for 5 s
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stop();
        } finally {
            List<String> log = readLog();
            logAtClose = List.copyOf(log.subList(Math.max(0, log.size() - CACHED_LOG_LINES), log.size()));
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shutdownInProgress) {
                // The JVM is exiting: the hook runs anyway and finds the process already gone.
            }
            deleteRecursively(directory);
        }
    }

    /** Returns the pid, listener ports and relay range; never a password. */
    @Override
    public String toString() {
        return "Coturn[pid=" + process.pid() + ", " + address() + (tlsEnabled() ? ", tls " + tlsPort : "")
                + ", cli " + cliPort + ", relay " + relayRange.min() + "-" + relayRange.max() + "]";
    }

    private void stop() {
        if (waitForExit(process.toHandle()::destroy)) {
            return;
        }
        if (waitForExit(process.toHandle()::destroyForcibly)) {
            return;
        }
        throw new CoturnException("turnserver pid " + process.pid() + " survived SIGTERM and SIGKILL");
    }

    private boolean waitForExit(Runnable signal) {
        signal.run();
        try {
            return process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.toHandle().destroyForcibly();
            throw new CoturnException("interrupted while waiting for turnserver pid " + process.pid() + " to exit", e);
        }
    }

    private static void killAtExit(Process process, Path directory) {
        process.toHandle().destroyForcibly();
        try {
            if (process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                deleteRecursively(directory);
            }
        } catch (InterruptedException | UncheckedIOException e) {
            System.err.println("coturn fixture: could not clean up turnserver pid " + process.pid() + " in "
                    + directory + ": " + e);
        }
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean udp = false;
        boolean tcp = false;
        boolean tls = !tlsEnabled();
        boolean cliUp = false;
        while (true) {
            if (!process.isAlive()) {
                throw new CoturnException("turnserver exited with status " + process.exitValue()
                        + " while starting" + logSuffix());
            }
            udp = udp || answersBinding();
            tcp = tcp || acceptsTcp(port);
            tls = tls || acceptsTcp(tlsPort);
            cliUp = cliUp || acceptsTcp(cliPort);
            if (udp && tcp && tls && cliUp) {
                return;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new CoturnException("turnserver was not ready after " + timeout.toMillis() + " ms (UDP Binding "
                        + answered(udp) + ", TCP " + answered(tcp) + ", TLS " + answered(tls) + ", CLI "
                        + answered(cliUp) + ")" + logSuffix());
            }
            LockSupport.parkNanos(POLL_PAUSE.toNanos());
        }
    }

    private static String answered(boolean ready) {
        return ready ? "ready" : "not answering";
    }

    private boolean answersBinding() {
        byte[] tid = HandStun.newTransactionId();
        byte[] request = HandStun.encode(HandStun.BINDING_REQUEST, tid, List.of());
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(
                namespace == null ? FreePorts.LOOPBACK : namespace.hostAddress(), 0))) {
            socket.setSoTimeout(Math.toIntExact(PROBE_TIMEOUT.toMillis()));
            socket.send(new DatagramPacket(request, request.length, address()));
            byte[] buffer = new byte[1500];
            DatagramPacket answer = new DatagramPacket(buffer, buffer.length);
            socket.receive(answer);
            HandStun.Message message = HandStun.decode(buffer, answer.getLength());
            return message.type() == HandStun.BINDING_SUCCESS && Arrays.equals(message.transactionId(), tid);
        } catch (SocketTimeoutException | IllegalArgumentException notYet) {
            return false;
        } catch (IOException notYet) {
            LockSupport.parkNanos(POLL_PAUSE.toNanos());
            return false;
        }
    }

    private boolean acceptsTcp(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(ip, port), Math.toIntExact(PROBE_TIMEOUT.toMillis()));
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    private List<String> configLines(Builder builder, String cliPassword) {
        List<String> lines = new ArrayList<>(List.of(
                "listening-ip=" + ip,
                "relay-ip=" + ip,
                "listening-port=" + port,
                "min-port=" + relayRange.min(),
                "max-port=" + relayRange.max(),
                "realm=" + realm,
                "lt-cred-mech",
                "fingerprint",
                "allow-loopback-peers",
                "no-multicast-peers",
                "no-dtls",
                "no-rfc5780",
                "log-file=" + logFile,
                "no-stdout-log",
                "simple-log",
                "pidfile=" + directory.resolve("turnserver.pid"),
                "userdb=" + directory.resolve("turndb"),
                "cli-ip=" + ip,
                "cli-port=" + cliPort,
                "cli-password=" + cliPassword));
        users.forEach((name, password) -> lines.add("user=" + name + ":" + password));
        if (certificate != null) {
            lines.add("tls-listening-port=" + tlsPort);
            lines.add("cert=" + certificatePem);
            lines.add("pkey=" + privateKeyPem);
        } else {
            lines.add("no-tls");
        }
        builder.authSecret.ifPresent(secret -> {
            lines.add("use-auth-secret");
            lines.add("static-auth-secret=" + secret);
        });
        builder.userQuota.ifPresent(quota -> lines.add("user-quota=" + quota));
        builder.staleNonce.ifPresent(nonce -> lines.add("stale-nonce=" + nonce.toSeconds()));
        builder.alternateServer.ifPresent(server -> lines.add("alternate-server="
                + server.getAddress().getHostAddress() + ":" + server.getPort()));
        return lines;
    }

    private synchronized String logSuffix() {
        List<String> log = closed ? logAtClose : readLog();
        List<String> tail = log.subList(Math.max(0, log.size() - 40), log.size());
        return "\n--- last " + tail.size() + " line(s) of coturn's log (" + directory + ") ---\n"
                + String.join("\n", tail);
    }

    private List<String> readLog() {
        List<String> lines = new ArrayList<>(readLines(logFile));
        List<String> console = readLines(consoleFile);
        if (!console.isEmpty()) {
            lines.add("--- turnserver stdout/stderr ---");
            lines.addAll(console);
        }
        return lines;
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.exists(file)
                    ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList()
                    : List.of();
        } catch (IOException e) {
            return List.of("(could not read " + file + ": " + e + ")");
        }
    }

    private void requireTls(String what) {
        if (certificate == null) {
            throw new IllegalStateException(what + ": TLS is switched off for this coturn");
        }
    }

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete coturn's directory " + root, e);
        }
    }

    /**
     * Configures and starts a {@link Coturn}. Not thread-safe; a builder may start several instances, each with
     * its own ports and directory.
     */
    public static final class Builder {

        private String realm = DEFAULT_REALM;
        private final Map<String, String> users = new LinkedHashMap<>(Map.of(DEFAULT_USERNAME, DEFAULT_PASSWORD));
        private boolean defaultUsers = true;
        private Optional<Integer> userQuota = Optional.empty();
        private Optional<String> authSecret = Optional.empty();
        private Optional<Duration> staleNonce = Optional.empty();
        private Optional<InetSocketAddress> alternateServer = Optional.empty();
        private boolean tls = true;
        private int relayPorts = FreePorts.RELAY_BLOCK;
        private Duration startupTimeout = Duration.ofSeconds(10);
        private Path executable = TURNSERVER;
        private NetworkNamespace namespace;

        private Builder() {
        }

        /**
         * Sets the realm (coturn {@code --realm}).
         *
         * @throws IllegalArgumentException if the realm is empty or has whitespace, a control character or '#'
         * @throws NullPointerException if {@code realm} is null
         */
        public Builder realm(String realm) {
            this.realm = checkToken(Objects.requireNonNull(realm, "realm"), "realm", false);
            return this;
        }

        /**
         * Adds a user (coturn {@code --user name:password}); the first call replaces the default user alice. The
         * first user added is the one {@link Coturn#username()} returns.
         *
         * @throws IllegalArgumentException if the name is empty or has ':', whitespace, a control character or
         *         '#'; if the password is empty, has whitespace, a control character or '#', or starts with
         *         {@code 0x} (coturn would read it as a hex key)
         * @throws NullPointerException if an argument is null
         */
        public Builder user(String name, String password) {
            checkToken(Objects.requireNonNull(name, "name"), "user name", true);
            checkToken(Objects.requireNonNull(password, "password"), "password of user " + name, false);
            if (password.regionMatches(true, 0, "0x", 0, 2)) {
                throw new IllegalArgumentException("password of user " + name
                        + " starts with 0x, which coturn reads as a hex key, not a password");
            }
            if (defaultUsers) {
                users.clear();
                defaultUsers = false;
            }
            users.put(name, password);
            return this;
        }

        /**
         * Switches on the TURN REST API (coturn {@code use-auth-secret} and {@code static-auth-secret}): coturn then
         * accepts usernames {@code <expiry>[:<user>]} with the password {@code base64(HMAC-SHA1(secret, username))}
         * until the expiry, and answers 401 to expired or wrongly signed ones.
         *
         * @throws IllegalArgumentException if the secret is empty or has whitespace, a control character or '#'
         * @throws NullPointerException if {@code secret} is null
         */
        public Builder authSecret(String secret) {
            this.authSecret = Optional.of(checkToken(Objects.requireNonNull(secret, "secret"), "auth secret", false));
            return this;
        }

        /**
         * Replaces all users with {@code users} (name to password), in its iteration order.
         *
         * @throws IllegalArgumentException if {@code users} is empty or an entry is rejected as by
         *         {@link #user(String, String)}
         * @throws NullPointerException if {@code users} or an entry is null
         */
        public Builder users(Map<String, String> users) {
            if (Objects.requireNonNull(users, "users").isEmpty()) {
                throw new IllegalArgumentException("users is empty; coturn needs at least one user");
            }
            Map<String, String> previous = new LinkedHashMap<>(this.users);
            boolean previousDefault = defaultUsers;
            this.users.clear();
            defaultUsers = false;
            try {
                users.forEach(this::user);
            } catch (RuntimeException e) {
                this.users.clear();
                this.users.putAll(previous);
                defaultUsers = previousDefault;
                throw e;
            }
            return this;
        }

        /**
         * Limits how many allocations one user may hold at a time (coturn {@code --user-quota}); 0 means no limit.
         *
         * @throws IllegalArgumentException if {@code quota} is negative
         */
        public Builder userQuota(int quota) {
            if (quota < 0) {
                throw new IllegalArgumentException("user quota is negative: " + quota);
            }
            this.userQuota = Optional.of(quota);
            return this;
        }

        /**
         * Makes nonces expire after {@code lifetime} (coturn {@code --stale-nonce=<seconds>}), so requests signed
         * with an older nonce get 438 Stale Nonce.
         *
         * @throws IllegalArgumentException if {@code lifetime} is shorter than a second or not whole seconds
         * @throws NullPointerException if {@code lifetime} is null
         */
        public Builder staleNonce(Duration lifetime) {
            Objects.requireNonNull(lifetime, "lifetime");
            if (lifetime.toSeconds() < 1 || lifetime.toNanos() % 1_000_000_000L != 0) {
                throw new IllegalArgumentException("stale nonce lifetime must be whole seconds, at least 1: "
                        + lifetime);
            }
            this.staleNonce = Optional.of(lifetime);
            return this;
        }

        /**
         * Makes coturn answer every Allocate over UDP or TCP with 300 Try Alternate naming {@code server}
         * (coturn {@code --alternate-server}).
         *
         * @throws IllegalArgumentException if {@code server} is unresolved or not IPv4
         * @throws NullPointerException if {@code server} is null
         */
        public Builder alternateServer(InetSocketAddress server) {
            Objects.requireNonNull(server, "server");
            if (server.isUnresolved() || server.getAddress().getAddress().length != 4) {
                throw new IllegalArgumentException("alternate server must be a resolved IPv4 address: " + server);
            }
            this.alternateServer = Optional.of(server);
            return this;
        }

        /**
         * Sets how many relay ports coturn may use (default 48); a soak with many
         * allocations at once needs more.
         *
         * @throws IllegalArgumentException if {@code count} is less than 1
         */
        public Builder relayPorts(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("relay port count must be at least 1: " + count);
            }
            this.relayPorts = count;
            return this;
        }

        /** Switches the TLS listener and its certificate on (the default) or off. */
        public Builder tls(boolean enabled) {
            this.tls = enabled;
            return this;
        }

        /**
         * Sets how long {@link #start()} waits for coturn to answer (default 10 s).
         *
         * @throws IllegalArgumentException if {@code timeout} is zero or negative
         * @throws NullPointerException if {@code timeout} is null
         */
        public Builder startupTimeout(Duration timeout) {
            if (Objects.requireNonNull(timeout, "timeout").isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("startup timeout must be positive: " + timeout);
            }
            this.startupTimeout = timeout;
            return this;
        }

        /**
         * Runs coturn inside {@code namespace} ({@code ip netns exec}), listening and relaying on its
         * {@link NetworkNamespace#nsAddress()} instead of 127.0.0.1; {@link #address()} and the URLs then name that
         * address. The namespace stays the caller's to close (after this coturn).
         */
        public Builder inNamespace(NetworkNamespace namespace) {
            this.namespace = Objects.requireNonNull(namespace, "namespace");
            return this;
        }

        /** Runs {@code executable} instead of {@link #TURNSERVER}; for the fixture's own failure tests. */
        Builder executable(Path executable) {
            this.executable = Objects.requireNonNull(executable, "executable");
            return this;
        }

        /**
         * Starts coturn and returns once it answers on every listener.
         *
         * @throws CoturnException if turnserver cannot be launched, exits, or is not ready in time; the message
         *         ends with coturn's log. Nothing is left running or on disk then.
         */
        public Coturn start() {
            Path directory;
            try {
                directory = Files.createTempDirectory("iceflux-coturn-");
            } catch (IOException e) {
                throw new UncheckedIOException("could not create a temporary directory for coturn", e);
            }
            Coturn coturn;
            try {
                coturn = new Coturn(this, directory);
            } catch (RuntimeException e) {
                deleteRecursively(directory);
                throw e;
            }
            try {
                coturn.awaitReady(startupTimeout);
                return coturn;
            } catch (RuntimeException e) {
                try {
                    coturn.close();
                } catch (RuntimeException closeFailure) {
                    e.addSuppressed(closeFailure);
                }
                throw e;
            }
        }

        private static String checkToken(String value, String what, boolean name) {
            if (value.isEmpty()) {
                throw new IllegalArgumentException(what + " is empty");
            }
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (Character.isWhitespace(c) || Character.isISOControl(c) || c == '#' || (name && c == ':')) {
                    throw new IllegalArgumentException(what + " has a forbidden character at index " + i
                            + " (whitespace, control, '#'" + (name ? " or ':'" : "") + ")");
                }
            }
            return value;
        }
    }
}
