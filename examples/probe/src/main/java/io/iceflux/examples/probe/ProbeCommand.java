package io.iceflux.examples.probe;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.iceflux.HostInterfaces;
import io.iceflux.IceConfiguration;
import io.iceflux.IceEvent;
import io.iceflux.IceGatherer;
import io.iceflux.IceGatheringState;
import io.iceflux.IceLimitExceededException;
import io.iceflux.IceServer;
import io.iceflux.IceServerUrl;
import io.iceflux.IceTransportPolicy;
import io.iceflux.InvalidIceServerException;
import io.iceflux.RelayCheck;
import io.iceflux.RelayCheckOptions;
import io.iceflux.StunTimers;
import io.iceflux.TurnRestCredentials;
import io.iceflux.examples.common.DiagnosisRules;
import io.iceflux.examples.common.RtcConfigurationFile;
import io.iceflux.examples.common.ServerCheck;
import io.iceflux.examples.common.ServerChecks;
import io.iceflux.examples.common.TerminalText;
import io.iceflux.netty.DropReason;
import io.iceflux.netty.DroppedPackets;
import io.iceflux.testkit.TestTurnServer;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.reactivestreams.Subscription;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * The {@code iceflux-probe} command: gather candidates from the STUN/TURN servers given as URLs or in an
 * {@code RTCConfiguration} JSON file, print every event as it happens and then a verdict per server URL.
 *
 * <p>Without servers it starts an embedded {@link TestTurnServer} on loopback and probes a working STUN URL, a
 * working TURN URL, a TURN URL with a wrong password and a URL where nothing answers. Exit status: 0 when every
 * server gave what its URL promises ({@code stun:} a server-reflexive candidate, {@code turn(s):} a relayed one),
 * 1 when some did not, 2 for a usage error (bad usage, a bad option value, an unusable {@code --config} file, an
 * invalid server URL or one past a limit): one line on stderr and, with {@code --json}, the summary line; never a
 * stack trace.
 */
@Command(name = "iceflux-probe", mixinStandardHelpOptions = true, version = "iceflux-probe 0.1.0",
        sortOptions = false,
        description = {"Gathers ICE candidates from STUN/TURN servers and says, per server URL, whether it gave "
                + "what the URL promises (stun: a server-reflexive candidate, turn:/turns: a relayed one).",
                "Without servers: probes an embedded STUN/TURN server on loopback (a working STUN URL, a working "
                        + "TURN URL, a wrong password and a URL where nothing answers)."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:every server gave what its URL promises", "1:some server did not",
                "2:bad usage, a bad option value, an unusable --config file, an invalid server URL or one past a "
                        + "limit (64 servers, 256 URLs, 16 local addresses, a 1 MB --config file)"})
public final class ProbeCommand implements Callable<Integer> {

    /** Exit status when every server gave what its URL promises. */
    public static final int OK = ServerChecks.EXIT_OK;
    /** Exit status when at least one server did not give what its URL promises. */
    public static final int SOME_FAILED = ServerChecks.EXIT_SOME_FAILED;
    /** Exit status for bad usage, a bad option value, an unusable configuration or one past a limit. */
    public static final int USAGE = ServerChecks.EXIT_USAGE;

    private static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(10);
    private static final Duration DEMO_RTO = Duration.ofMillis(100);
    private static final int DEMO_MAX_REQUESTS = 3;
    private static final Duration DEMO_DEADLINE = Duration.ofSeconds(3);
    private static final String DEMO_WRONG_PASSWORD = "not-the-password";
    /** How long Ctrl-C or SIGTERM waits for the gatherer to release what the running gathering held. */
    private static final Duration RELEASE_ON_SIGNAL = Duration.ofSeconds(3);

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "URL", arity = "0..*",
            description = "STUN/TURN server URLs: stun:host[:port], turn:host[:port][?transport=udp|tcp], "
                    + "turns:host[:port] ...")
    private List<String> urls = new ArrayList<>();

    @Option(names = {"-u", "--username", "--user"}, description = "TURN username, for every turn:/turns: URL "
            + "given; with --auth-secret-file or " + SECRET_ENV + " the TURN REST user id (may be omitted)")
    private String username;

    @Option(names = "--auth-secret-file", paramLabel = "FILE",
            description = "TURN REST shared secret (coturn static-auth-secret), first line of FILE: fresh credentials "
                    + "<expiry>:<user> are minted for every turn:/turns: URL given; also from the environment "
                    + "variable " + SECRET_ENV + ". Never printed")
    private Path authSecretFile;

    @Option(names = "--ttl", paramLabel = "SECONDS",
            description = "lifetime of the TURN REST credentials minted (default 86400, one day)")
    private Long ttlSeconds;

    @Option(names = {"-p", "--password"}, paramLabel = "VALUE", arity = "0..1", fallbackValue = ASK,
            description = "TURN password (credential), for every turn:/turns: URL given. Without VALUE: asked for on "
                    + "the terminal, not echoed. With VALUE it is UNSAFE: other users see it in ps and it stays in "
                    + "your shell history; prefer --password-file or the environment variable " + PASSWORD_ENV)
    private String password;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "TURN password, first line of FILE; also from the environment variable " + PASSWORD_ENV
                    + ". Never printed")
    private Path passwordFile;

    @Option(names = "--config", paramLabel = "FILE",
            description = "RTCConfiguration JSON, - for standard input: {\"iceServers\":[{\"urls\":...,"
                    + "\"username\":...,\"credential\":...}],\"iceTransportPolicy\":\"all\"|\"relay\"}")
    private Path config;

    @Option(names = "--rto", paramLabel = "MILLIS",
            description = "initial STUN retransmission timeout (default 500; 100 in the demo)")
    private Integer rtoMillis;

    @Option(names = "--max-requests", paramLabel = "N",
            description = "STUN requests sent over UDP before giving up, Rc (default 7; 3 in the demo)")
    private Integer maxRequests;

    @Option(names = "--deadline", paramLabel = "MILLIS",
            description = "overall gathering deadline; what is still pending becomes a 701 (default 10000; 3000 in "
                    + "the demo)")
    private Integer deadlineMillis;

    @Option(names = "--relay-only", description = "transport policy relay: only relayed candidates, STUN URLs are "
            + "skipped")
    private boolean relayOnly;

    @Option(names = "--loopback", description = "also gather on loopback addresses")
    private boolean loopback;

    @Option(names = "--loopback-only", description = "gather on loopback addresses only")
    private boolean loopbackOnly;

    @Option(names = "--interface", paramLabel = "NAME", description = "gather on this interface only (repeatable)")
    private List<String> interfaces = new ArrayList<>();

    @Option(names = "--insecure", description = "trust every TLS certificate (turns:/stuns: URLs); for tests only")
    private boolean insecure;

    @Option(names = "--no-relay-check", description = "skip the relay check: by default, every turn:/turns: URL "
            + "that gave a relayed candidate is checked for relayed data that flows (two allocations on the server "
            + "send each other 10 packets, and 10 go from this host to a relayed address; after the last generation "
            + "with --restarts), and FAILs if none does")
    private boolean noRelayCheck;

    @Option(names = "--json", description = "write one JSON object per line (see the README for the contract)")
    private boolean json;

    @Option(names = "--restarts", paramLabel = "N",
            description = "after each generation completes, restart ICE gathering (a new generation), N times: "
                    + "every generation gets its events and its verdicts (default 0, at most " + MAX_RESTARTS + ")")
    private String restarts;

    /** The most ICE restarts one run makes ({@code --restarts}). */
    public static final int MAX_RESTARTS = 10;

    /** The environment variable the TURN REST shared secret is read from when no --auth-secret-file is given. */
    public static final String SECRET_ENV = "ICEFLUX_TURN_SECRET";
    /** The environment variable the TURN password is read from when neither --password nor --password-file is given. */
    public static final String PASSWORD_ENV = "ICEFLUX_TURN_PASSWORD";

    /** The line on stderr of a run given {@code --password VALUE}. */
    static final String PASSWORD_ON_THE_COMMAND_LINE = "iceflux-probe: warning: --password VALUE shows the password"
            + " to every user of this machine (ps) and leaves it in your shell history; use --password-file FILE, the"
            + " environment variable " + PASSWORD_ENV + ", or --password without a value to be asked for it";

    /** What picocli puts in {@link #password} for {@code --password} without a value: no argument can hold a NUL. */
    private static final String ASK = "\u0000ask";

    private final ProbeGatherers gatherers;
    private final Clock clock;
    private final Function<String, String> environment;
    private final InputStream stdin;
    private final Function<String, char[]> passwordPrompt;

    /** Create the command with every option at its default; picocli fills the fields. */
    public ProbeCommand() {
        this(ProbeGatherers.netty());
    }

    /** Create the command with the gatherers its runs use (tests give their own). */
    ProbeCommand(ProbeGatherers gatherers) {
        this(gatherers, Clock.systemUTC(), System::getenv);
    }

    /** Create the command with its gatherers, the clock TURN REST credentials are minted with, and its environment. */
    ProbeCommand(ProbeGatherers gatherers, Clock clock, Function<String, String> environment) {
        this(gatherers, clock, environment, System.in, ProbeCommand::askOnTheConsole);
    }

    /**
     * Create the command with, besides the above, the standard input {@code --config -} reads and the prompt that
     * asks for the password of {@code --password} without a value ({@code null} when there is no terminal or nothing
     * was typed).
     */
    ProbeCommand(ProbeGatherers gatherers, Clock clock, Function<String, String> environment, InputStream stdin,
            Function<String, char[]> passwordPrompt) {
        this.gatherers = gatherers;
        this.clock = clock;
        this.environment = environment;
        this.stdin = stdin;
        this.passwordPrompt = passwordPrompt;
    }

    /** Ask on the terminal, echo off; {@code null} without a terminal. */
    private static char[] askOnTheConsole(String prompt) {
        Console console = System.console();
        return console == null ? null : console.readPassword("%s", prompt);
    }

    /**
     * Run the probe and exit the JVM with its exit status.
     *
     * @param args the command line; bad arguments give exit status 2 and a usage message
     */
    public static void main(String[] args) {
        System.exit(commandLine(new ProbeCommand()).execute(args));
    }

    /**
     * The command line of {@code command}, as {@link #main} runs it: a command line picocli cannot parse is a usage
     * error (exit status 2, picocli's message and the usage on stderr) and, with {@code --json}, the summary line.
     */
    static CommandLine commandLine(ProbeCommand command) {
        CommandLine commandLine = new CommandLine(command);
        CommandLine.IParameterExceptionHandler picocliHandler = commandLine.getParameterExceptionHandler();
        commandLine.setParameterExceptionHandler((e, args) -> {
            int exitCode = picocliHandler.handleParseException(e, args);
            if (List.of(args).contains("--json")) {
                new ProbeOutput.Json(e.getCommandLine().getOut(), new ObjectMapper())
                        .usageError(TerminalText.line(e.getMessage()));
            }
            return exitCode;
        });
        return commandLine;
    }

    /**
     * Run the probe, writing to the command line's out and err writers.
     *
     * @return 0 when every server gave what its URL promises, 1 when some did not, 2 for an invalid server URL,
     *         bad credentials for a TURN URL, an unusable {@code --config} file, a bad option value or one past a
     *         limit (servers, URLs, host addresses)
     */
    @Override
    public Integer call() {
        ObjectMapper mapper = new ObjectMapper();
        try {
            validateOptions();
            if (urls.isEmpty() && config == null) {
                return demo(mapper);
            }
            List<IceServer> servers = new ArrayList<>();
            Optional<IceTransportPolicy> policy = Optional.empty();
            if (config != null) {
                RtcConfigurationFile.Content content = readConfig(mapper);
                servers.addAll(content.servers());
                policy = content.transportPolicy();
            }
            String credential = turnPassword();
            String secret = sharedSecret(credential != null);
            for (String url : urls) {
                IceServerUrl parsed = IceServerUrl.parse(url);
                if (!parsed.scheme().isTurn()) {
                    servers.add(IceServer.of(url));
                } else if (secret != null) {
                    servers.add(IceServer.withSharedSecret(List.of(url), secret, username == null ? "" : username,
                            ttlSeconds == null ? TurnRestCredentials.DEFAULT_TTL : Duration.ofSeconds(ttlSeconds)));
                } else {
                    servers.add(IceServer.of(List.of(url), username, credential));
                }
            }
            if (relayOnly) {
                policy = Optional.of(IceTransportPolicy.RELAY);
            }
            IceConfiguration configuration = IceConfiguration.builder().servers(servers)
                    .transportPolicy(policy.orElse(IceTransportPolicy.ALL))
                    .stunTimers(timers(StunTimers.rfc8489()))
                    .gatheringDeadline(deadlineMillis == null ? DEFAULT_DEADLINE : Duration.ofMillis(deadlineMillis))
                    .hostInterfaces(hostInterfaces(HostInterfaces.defaults()))
                    .clock(clock)
                    .build();
            warnOfAPasswordOnTheCommandLine();
            try (ProbeGatherers.Gatherer gatherer = gatherers.open(insecure)) {
                return probe(gatherer, configuration, mapper);
            }
        } catch (InvalidIceServerException e) {
            return usageError(mapper, TerminalText.line(e.getMessage()) + " (wrong part: " + e.part() + ")");
        } catch (RtcConfigurationFile.BadConfigurationException | UsageException e) {
            return usageError(mapper, TerminalText.line(e.getMessage()));
        } catch (IceLimitExceededException e) {
            // servers or URLs: when the configuration is built; host addresses: when the gathering starts
            return usageError(mapper, limitExceeded(e));
        } catch (IllegalArgumentException e) {
            // a TURN REST user id or TTL that makes unusable credentials; the message never holds the secret
            return usageError(mapper, TerminalText.line(e.getMessage()));
        }
    }

    /** Write the one line of a usage error on stderr and, with {@code --json}, the summary carrying it; return 2. */
    private int usageError(ObjectMapper mapper, String message) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("iceflux-probe: " + message);
        err.flush();
        if (json) {
            new ProbeOutput.Json(spec.commandLine().getOut(), mapper).usageError(message);
        }
        return USAGE;
    }

    /** The usage error of a limit: the count, the limit, its name in the API and the option that helps. */
    private static String limitExceeded(IceLimitExceededException e) {
        return switch (e.limit()) {
            case SERVERS_PER_CONFIGURATION -> e.actual() + " ICE servers given, more than the " + e.maximum()
                    + " one run takes (IceConfiguration.MAX_SERVERS): probe them in several runs";
            case URLS_PER_CONFIGURATION -> e.actual() + " ICE server URLs given, more than the " + e.maximum()
                    + " one run takes (IceConfiguration.MAX_URLS): probe them in several runs";
            case HOST_ADDRESSES_PER_GATHERING -> e.actual() + " usable local addresses, more than the " + e.maximum()
                    + " one gathering takes (NettyIceGatherer.MAX_HOST_ADDRESSES): choose the interfaces with "
                    + "--interface NAME (repeatable), or use --loopback-only";
        };
    }

    private int demo(ObjectMapper mapper) throws UsageException {
        try (TestTurnServer server = TestTurnServer.builder().bindAddress(InetAddress.getLoopbackAddress()).start();
             ProbeGatherers.Gatherer gatherer = gatherers.open(insecure)) {
            String deadUrl = "stun:127.0.0.1:" + closedUdpPort();
            PrintWriter out = spec.commandLine().getOut();
            if (!json) {
                out.println("No servers given: probing an embedded STUN/TURN server on loopback "
                        + "(expect candidates, a 401 and a 701):");
                out.println("  " + server.stunUrl() + "  working STUN");
                out.println("  " + server.turnUdpUrl() + "  working TURN, user " + server.username());
                out.println("  " + server.turnTcpUrl() + "  TURN with a wrong password");
                out.println("  " + deadUrl + "  nothing answers there");
                out.flush();
            }
            IceConfiguration configuration = IceConfiguration.builder()
                    .server(IceServer.of(server.stunUrl()))
                    .server(IceServer.of(List.of(server.turnUdpUrl()), server.username(), server.password()))
                    .server(IceServer.of(List.of(server.turnTcpUrl()), server.username(), DEMO_WRONG_PASSWORD))
                    .server(IceServer.of(deadUrl))
                    .transportPolicy(relayOnly ? IceTransportPolicy.RELAY : IceTransportPolicy.ALL)
                    .stunTimers(timers(StunTimers.rfc8489().withInitialRto(DEMO_RTO)
                            .withMaxRequests(DEMO_MAX_REQUESTS)))
                    .gatheringDeadline(deadlineMillis == null ? DEMO_DEADLINE : Duration.ofMillis(deadlineMillis))
                    .hostInterfaces(interfaces.isEmpty() ? HostInterfaces.loopbackOnly()
                            : hostInterfaces(HostInterfaces.loopbackOnly()))
                    .build();
            return probe(gatherer, configuration, mapper);
        }
    }

    /**
     * Gather, write every event as it comes and, when each generation completes, its verdicts; with
     * {@code --restarts N}, signal an ICE restart after each of the first N generations completes and stop after
     * the last one. Returns 1 when any generation had a URL that did not give what it promises, else 0.
     */
    private int probe(ProbeGatherers.Gatherer gatherer, IceConfiguration configuration, ObjectMapper mapper)
            throws UsageException {
        PrintWriter out = spec.commandLine().getOut();
        int restartCount = restartCount();
        ProbeOutput output = json ? new ProbeOutput.Json(out, mapper) : new ProbeOutput.Human(out, restartCount > 0);
        long[] start = new long[1];
        AtomicReference<Subscription> gathering = new AtomicReference<>();
        Sinks.Many<Integer> restartSignals = Sinks.many().unicast().onBackpressureBuffer();
        Flux<IceEvent> flux = restartCount == 0 ? gatherer.gather(configuration)
                : gatherer.gather(configuration, restartSignals.asFlux());
        Iterable<IceEvent> events = flux
                .doOnSubscribe(s -> start[0] = System.nanoTime())
                .doOnSubscribe(gathering::set)
                .toIterable();
        Thread releaseOnSignal = releaseOnSignal(gathering, gatherer);
        int exitCode = OK;
        Generation generation = new Generation(configuration, 0, 0, gatherer);
        try {
            for (IceEvent event : events) {
                long t = elapsedMillis(start[0]);
                if (event.generation() > 0 && event instanceof IceEvent.GatheringStateChanged began
                        && began.state() == IceGatheringState.GATHERING) {
                    generation.startMillis = t; // a restarted generation's obtainedMs count from its own start
                }
                generation.checks.offer(event, t - generation.startMillis);
                output.event(event, t);
                if (restartCount > 0 && event instanceof IceEvent.GatheringStateChanged changed
                        && changed.state() == IceGatheringState.COMPLETE) {
                    if (changed.generation() >= restartCount) {
                        break; // the last generation is summarized below, after the relay check
                    }
                    exitCode = Math.max(exitCode, generation.summarize(output, gatherer, elapsedMillis(start[0])));
                    generation = new Generation(configuration, changed.generation() + 1, elapsedMillis(start[0]),
                            gatherer);
                    restartSignals.emitNext(changed.generation() + 1, Sinks.EmitFailureHandler.FAIL_FAST);
                }
            }
            Subscription session = gathering.get();
            if (restartCount > 0 && session != null) {
                // session style never completes: cancelling releases its allocations before the relay check runs
                session.cancel();
            }
            if (!noRelayCheck) {
                checkRelays(gatherer, configuration, generation.checks, output, start[0], gathering);
            }
        } finally {
            Subscription running = gathering.get();
            if (restartCount > 0 && running != null) {
                // session style never completes: cancelling releases the allocations (closing the gatherer waits)
                running.cancel();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(releaseOnSignal);
            } catch (IllegalStateException exiting) {
                // the JVM is exiting: the hook is running or has run
            }
        }
        if (!generation.summarized) {
            // without restarts: the stream completed, its resources released; with restarts: it ended early
            exitCode = Math.max(exitCode, generation.summarize(output, gatherer, elapsedMillis(start[0])));
        }
        return exitCode;
    }

    /** The checks of one gathering generation: its events, its dropped packets, its verdicts. */
    private static final class Generation {
        final ServerChecks checks;
        long startMillis;
        final Optional<DroppedPackets> droppedAtStart;
        final int challengesAtStart;
        boolean summarized;

        Generation(IceConfiguration configuration, int generation, long startMillis,
                ProbeGatherers.Gatherer gatherer) {
            this.checks = new ServerChecks(configuration, generation, DiagnosisRules.DEFAULTS);
            this.startMillis = startMillis;
            this.droppedAtStart = gatherer.droppedPackets();
            this.challengesAtStart = gatherer.unansweredChallenges().map(List::size).orElse(0);
        }

        /** Write the verdicts of the generation; return its exit status. */
        int summarize(ProbeOutput output, ProbeGatherers.Gatherer gatherer, long t) {
            summarized = true;
            Optional<DroppedPackets> now = gatherer.droppedPackets();
            if (now.isPresent() && droppedAtStart.isPresent()) {
                checks.responsesFromWrongAddress(now.get().since(droppedAtStart.get()).count(DropReason.WRONG_SOURCE));
            }
            gatherer.unansweredChallenges().ifPresent(all -> {
                Map<String, String> byServer = new HashMap<>();
                all.subList(challengesAtStart, all.size()).forEach(c -> byServer.put(c.server(), c.reason()));
                checks.unansweredChallenges(byServer);
            });
            int exitCode = checks.exitCode();
            output.summary(checks.checks(), exitCode, checks.generation(), t);
            return exitCode;
        }
    }

    /**
     * The relay data-path check, after the gathering, of every {@code turn:}/{@code turns:} URL that gave a relayed
     * candidate (a URL that did not would only fail again, the same way, and cost its timers once more), with the
     * configuration's timers, credentials and host interfaces; each server's check is bounded by the gathering
     * deadline. Each outcome is recorded on its URL's check and written as it ends; {@code running} holds the
     * subscription for Ctrl-C to cancel, which deletes the check's allocations.
     */
    private static void checkRelays(IceGatherer gatherer, IceConfiguration configuration,
            ServerChecks checks, ProbeOutput output, long startNanos, AtomicReference<Subscription> running) {
        if (!(gatherer instanceof ProbeGatherers.Gatherer probeGatherer)) {
            return;
        }
        java.util.Set<String> relayed = new java.util.HashSet<>();
        checks.checks().stream().filter(ServerCheck::relayObtained).forEach(c -> relayed.add(c.url()));
        List<IceServer> servers = new ArrayList<>();
        for (IceServer server : configuration.servers()) {
            List<String> urls = server.urls().stream().filter(relayed::contains).toList();
            if (!urls.isEmpty()) {
                IceServer minted = server.usesSharedSecret() ? server.withCredentialsAt(configuration.clock()) : server;
                servers.add(IceServer.of(urls, minted.username().orElseThrow(), minted.credential().orElseThrow())
                        .withTimers(configuration.timersFor(server)));
            }
        }
        if (servers.isEmpty()) {
            return;
        }
        IceConfiguration relays = IceConfiguration.builder().servers(servers)
                .stunTimers(configuration.stunTimers())
                .hostInterfaces(configuration.hostInterfaces())
                .clock(configuration.clock())
                .build();
        RelayCheckOptions options = RelayCheckOptions.defaults()
                .withDeadline(configuration.gatheringDeadline().orElse(DEFAULT_DEADLINE));
        for (RelayCheck check : probeGatherer.checkRelays(relays, options).doOnSubscribe(running::set)
                .toIterable()) {
            checks.relayChecked(check);
            output.relayCheck(check, elapsedMillis(startNanos));
        }
    }

    /**
     * Ctrl-C (SIGINT) or SIGTERM makes the JVM run its shutdown hooks and exit with status 130 or 143. Register one
     * that cancels the running gathering and closes the gatherer, which waits until the cancelled gathering has
     * released what it held (its TURN allocations deleted on the servers instead of living on until their lifetime
     * ends); the hook waits for that at most {@link #RELEASE_ON_SIGNAL}.
     *
     * @param gatherer closed by the hook if it is {@link AutoCloseable}, as the probe's gatherers are
     */
    private static Thread releaseOnSignal(AtomicReference<Subscription> gathering, io.iceflux.IceGatherer gatherer) {
        Thread hook = new Thread(() -> {
            Subscription running = gathering.get();
            if (running != null) {
                running.cancel();
            }
            if (gatherer instanceof AutoCloseable closeable) {
                Thread closing = new Thread(() -> {
                    try {
                        closeable.close();
                    } catch (Exception e) {
                        // exiting anyway
                    }
                }, "iceflux-probe-close-on-signal");
                closing.setDaemon(true);
                closing.start();
                try {
                    closing.join(RELEASE_ON_SIGNAL.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "iceflux-probe-release-on-signal");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    private static long elapsedMillis(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
    }

    private StunTimers timers(StunTimers base) {
        StunTimers timers = base;
        if (rtoMillis != null) {
            timers = timers.withInitialRto(Duration.ofMillis(rtoMillis));
        }
        if (maxRequests != null) {
            timers = timers.withMaxRequests(maxRequests);
        }
        return timers;
    }

    private HostInterfaces hostInterfaces(HostInterfaces base) {
        if (loopbackOnly) {
            return HostInterfaces.loopbackOnly();
        }
        HostInterfaces chosen = interfaces.isEmpty() ? base : HostInterfaces.only(interfaces.toArray(String[]::new));
        return loopback ? chosen.withLoopback() : chosen;
    }

    private void validateOptions() throws UsageException {
        if (rtoMillis != null && rtoMillis < 1) {
            throw new UsageException("--rto must be at least 1 ms, not " + rtoMillis);
        }
        if (maxRequests != null && maxRequests < 1) {
            throw new UsageException("--max-requests must be at least 1, not " + maxRequests);
        }
        if (deadlineMillis != null && deadlineMillis < 1) {
            throw new UsageException("--deadline must be at least 1 ms, not " + deadlineMillis);
        }
        if (interfaces.stream().anyMatch(String::isBlank)) {
            throw new UsageException("--interface needs the name of a network interface, not a blank one");
        }
        if (ttlSeconds != null && (ttlSeconds < 1 || ttlSeconds > 10L * 365 * 86400)) {
            throw new UsageException("--ttl must be 1 to 315360000 seconds, not " + ttlSeconds);
        }
        if (loopbackOnly && !interfaces.isEmpty()) {
            throw new UsageException("--loopback-only and --interface exclude each other");
        }
        restartCount();
    }

    /** The value of {@code --restarts}: 0 to {@value #MAX_RESTARTS}, 0 when not given. */
    private int restartCount() throws UsageException {
        if (restarts == null) {
            return 0;
        }
        String value = restarts.strip();
        if (!value.matches("[+-]?\\d+")) {
            throw new UsageException("--restarts must be a whole number from 0 to " + MAX_RESTARTS + ", not "
                    + quoted(restarts));
        }
        java.math.BigInteger n = new java.math.BigInteger(value);
        if (n.signum() < 0 || n.compareTo(java.math.BigInteger.valueOf(MAX_RESTARTS)) > 0) {
            throw new UsageException("--restarts must be 0 to " + MAX_RESTARTS + " (each restart is a whole new "
                    + "gathering), not " + quoted(value));
        }
        return n.intValueExact();
    }

    /** {@code value} in quotes, escaped for the terminal and cut after 40 characters. */
    private static String quoted(String value) {
        return "\"" + TerminalText.escape(value.length() > 40 ? value.substring(0, 40) + "…" : value) + "\"";
    }

    /**
     * The TURN REST shared secret: the first line of --auth-secret-file, else the environment variable
     * {@value #SECRET_ENV} unless a password is given ({@code withPassword}), else {@code null}. No message ever
     * contains the secret.
     */
    private String sharedSecret(boolean withPassword) throws UsageException {
        if (authSecretFile != null) {
            String content;
            try {
                content = Files.readString(authSecretFile, StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                throw new UsageException("--auth-secret-file " + authSecretFile + ": cannot read it ("
                        + e.getClass().getSimpleName() + ")");
            }
            String secret = firstLine(content);
            if (secret.isEmpty()) {
                throw new UsageException("--auth-secret-file " + authSecretFile + ": the secret is empty");
            }
            return secret;
        }
        if (withPassword) {
            return null;
        }
        String fromEnvironment = environment.apply(SECRET_ENV);
        if (fromEnvironment == null) {
            return null;
        }
        String secret = firstLine(fromEnvironment);
        if (secret.isEmpty()) {
            throw new UsageException(SECRET_ENV + " is set but empty");
        }
        return secret;
    }

    /**
     * The TURN password for the URLs given as arguments: --password's value, or typed at its prompt; the first line
     * of --password-file; else the environment variable {@value #PASSWORD_ENV} unless --auth-secret-file is given;
     * else {@code null}. The three options exclude each other and --auth-secret-file. No message ever contains the
     * password.
     */
    private String turnPassword() throws UsageException {
        if (password != null && passwordFile != null) {
            throw new UsageException("--password and --password-file exclude each other");
        }
        if (authSecretFile != null && password != null) {
            throw new UsageException("--auth-secret-file and --password exclude each other");
        }
        if (authSecretFile != null && passwordFile != null) {
            throw new UsageException("--auth-secret-file and --password-file exclude each other");
        }
        if (ASK.equals(password)) {
            char[] typed = passwordPrompt.apply("TURN password: ");
            if (typed == null) {
                throw new UsageException("--password without a value asks for the password on a terminal, and there"
                        + " is none (or nothing was typed): use --password-file FILE or the environment variable "
                        + PASSWORD_ENV);
            }
            String asked = new String(typed);
            Arrays.fill(typed, '\0');
            if (asked.isEmpty()) {
                throw new UsageException("--password: the password typed is empty");
            }
            return asked;
        }
        if (password != null) {
            return password;
        }
        if (passwordFile != null) {
            String content;
            try {
                content = Files.readString(passwordFile, StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                throw new UsageException("--password-file " + passwordFile + ": cannot read it ("
                        + e.getClass().getSimpleName() + ")");
            }
            String fromFile = firstLine(content);
            if (fromFile.isEmpty()) {
                throw new UsageException("--password-file " + passwordFile + ": the password is empty");
            }
            return fromFile;
        }
        String fromEnvironment = environment.apply(PASSWORD_ENV);
        if (fromEnvironment == null || authSecretFile != null) {
            return null;
        }
        String fromVariable = firstLine(fromEnvironment);
        if (fromVariable.isEmpty()) {
            throw new UsageException(PASSWORD_ENV + " is set but empty");
        }
        if (environment.apply(SECRET_ENV) != null) {
            throw new UsageException(PASSWORD_ENV + " and " + SECRET_ENV + " are both set: unset one, or choose with "
                    + "--password-file or --auth-secret-file");
        }
        return fromVariable;
    }

    /** {@code --password VALUE}: say on stderr, once the run is going ahead, why that is unsafe and what to use. */
    private void warnOfAPasswordOnTheCommandLine() {
        if (password == null || ASK.equals(password)) {
            return;
        }
        PrintWriter err = spec.commandLine().getErr();
        err.println(PASSWORD_ON_THE_COMMAND_LINE);
        err.flush();
    }

    /** The --config file, or standard input for {@code --config -}, at most {@link RtcConfigurationFile#MAX_BYTES}. */
    private RtcConfigurationFile.Content readConfig(ObjectMapper mapper)
            throws RtcConfigurationFile.BadConfigurationException, UsageException {
        if (!config.toString().equals("-")) {
            return RtcConfigurationFile.read(config, mapper);
        }
        byte[] bytes;
        try {
            bytes = stdin.readNBytes(RtcConfigurationFile.MAX_BYTES + 1);
        } catch (IOException e) {
            throw new UsageException("--config -: cannot read standard input (" + e.getClass().getSimpleName() + ")");
        }
        if (bytes.length == 0) {
            throw new UsageException("--config -: standard input is empty; pipe the RTCConfiguration JSON in");
        }
        return RtcConfigurationFile.parse(bytes, "--config -", mapper);
    }

    private static String firstLine(String content) {
        int end = content.indexOf('\n');
        String line = end < 0 ? content : content.substring(0, end);
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    private static int closedUdpPort() throws UsageException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            return socket.getLocalPort();
        } catch (SocketException e) {
            throw new UsageException("cannot find a closed UDP port on 127.0.0.1: " + e.getMessage());
        }
    }

    /** A bad option value; the message names the option. */
    private static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }
}
