package io.iceflux;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What to gather from: the ICE servers (W3C {@code RTCConfiguration.iceServers}), the transport policy, the STUN
 * timers and an optional overall deadline. Immutable; build one with {@link #builder()}.
 *
 * <pre>{@code
 * IceConfiguration config = IceConfiguration.builder()
 *         .server(IceServer.of("stun:stun.example.org"))
 *         .server(IceServer.of(List.of("turn:turn.example.org?transport=tcp"), "alice", "secret"))
 *         .gatheringDeadline(Duration.ofSeconds(5))
 *         .build();
 * }</pre>
 */
public final class IceConfiguration {

    /**
     * The most servers one configuration takes. The W3C requires at least 32; a configuration with more is
     * rejected with an {@link IceLimitExceededException} (an {@link IllegalArgumentException}) rather than
     * silently truncated.
     */
    public static final int MAX_SERVERS = 64;

    /**
     * The most URLs all the servers of one configuration have together (four per server at
     * {@link #MAX_SERVERS}); a configuration with more is rejected with an {@link IceLimitExceededException}.
     * With at most this many URLs, one gathering runs at most two transactions per URL and host address.
     */
    public static final int MAX_URLS = 256;

    private final List<IceServer> servers;
    private final IceTransportPolicy transportPolicy;
    private final StunTimers stunTimers;
    private final Duration gatheringDeadline;
    private final HostInterfaces hostInterfaces;
    private final Clock clock;

    private IceConfiguration(Builder b) {
        this.clock = b.clock;
        this.servers = List.copyOf(b.servers);
        this.transportPolicy = b.transportPolicy;
        this.stunTimers = b.stunTimers;
        this.gatheringDeadline = b.gatheringDeadline;
        this.hostInterfaces = b.hostInterfaces;
    }

    /** A new builder: no servers, policy {@code all}, RFC 8489 timers, no deadline. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.servers.addAll(servers);
        b.transportPolicy = transportPolicy;
        b.stunTimers = stunTimers;
        b.gatheringDeadline = gatheringDeadline;
        b.hostInterfaces = hostInterfaces;
        b.clock = clock;
        return b;
    }

    /**
     * The clock TURN REST credentials are minted with ({@link IceServer#withSharedSecret}); UTC system time by
     * default. It is not part of {@link #equals(Object)}.
     */
    public Clock clock() {
        return clock;
    }

    /**
     * Return this configuration with fresh TURN REST credentials, minted now by {@link #clock()}, for every server
     * made with {@link IceServer#withSharedSecret}; this configuration itself when there is none. The gatherer calls
     * it when each gathering (each generation of a session) starts.
     */
    public IceConfiguration withFreshCredentials() {
        if (servers.stream().noneMatch(IceServer::usesSharedSecret)) {
            return this;
        }
        Builder b = toBuilder();
        b.servers.clear();
        servers.forEach(s -> b.servers.add(s.withCredentialsAt(clock)));
        return new IceConfiguration(b);
    }

    /** The servers, in the order given. */
    public List<IceServer> servers() {
        return servers;
    }

    /** Which candidates are handed to the application. */
    public IceTransportPolicy transportPolicy() {
        return transportPolicy;
    }

    /** The STUN timers for servers that do not set their own ({@link IceServer#timers()}). */
    public StunTimers stunTimers() {
        return stunTimers;
    }

    /** The timers that apply to {@code server}: its own if it has them, else {@link #stunTimers()}. */
    public StunTimers timersFor(IceServer server) {
        return server.timers().orElse(stunTimers);
    }

    /**
     * The overall gathering deadline, if any: when it passes, every server still pending gets a 701 and the
     * gathering completes.
     */
    public Optional<Duration> gatheringDeadline() {
        return Optional.ofNullable(gatheringDeadline);
    }

    /** Which local addresses become host candidates ({@link HostInterfaces#defaults()} unless set). */
    public HostInterfaces hostInterfaces() {
        return hostInterfaces;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IceConfiguration c
                && servers.equals(c.servers)
                && transportPolicy == c.transportPolicy
                && stunTimers.equals(c.stunTimers)
                && Objects.equals(gatheringDeadline, c.gatheringDeadline)
                && hostInterfaces.equals(c.hostInterfaces);
    }

    @Override
    public int hashCode() {
        return Objects.hash(servers, transportPolicy, stunTimers, gatheringDeadline, hostInterfaces);
    }

    @Override
    public String toString() {
        return "IceConfiguration[servers=" + servers + ", transportPolicy=" + transportPolicy.w3cName()
                + ", stunTimers=" + stunTimers + ", gatheringDeadline=" + gatheringDeadline
                + ", hostInterfaces=" + hostInterfaces + "]";
    }

    /** Builds an {@link IceConfiguration}. Not thread-safe. */
    public static final class Builder {
        private final List<IceServer> servers = new ArrayList<>();
        private Clock clock = Clock.systemUTC();
        private IceTransportPolicy transportPolicy = IceTransportPolicy.ALL;
        private StunTimers stunTimers = StunTimers.rfc8489();
        private Duration gatheringDeadline;
        private HostInterfaces hostInterfaces = HostInterfaces.defaults();

        private Builder() {
        }

        /** Add a server. */
        public Builder server(IceServer server) {
            servers.add(Objects.requireNonNull(server, "server"));
            return this;
        }

        /** Replace the servers. */
        public Builder servers(List<IceServer> servers) {
            Objects.requireNonNull(servers, "servers");
            this.servers.clear();
            servers.forEach(this::server);
            return this;
        }

        /** Set the transport policy ({@code all} by default). */
        public Builder transportPolicy(IceTransportPolicy policy) {
            this.transportPolicy = Objects.requireNonNull(policy, "transportPolicy");
            return this;
        }

        /** Set the default STUN timers (RFC 8489 by default). */
        public Builder stunTimers(StunTimers timers) {
            this.stunTimers = Objects.requireNonNull(timers, "stunTimers");
            return this;
        }

        /** Set an overall gathering deadline; {@code null} for none (the default). */
        public Builder gatheringDeadline(Duration deadline) {
            if (deadline != null && (deadline.isNegative() || deadline.isZero())) {
                throw new IllegalArgumentException("gatheringDeadline must be positive, not " + deadline);
            }
            this.gatheringDeadline = deadline;
            return this;
        }

        /** Choose which local addresses become host candidates. */
        public Builder hostInterfaces(HostInterfaces hostInterfaces) {
            this.hostInterfaces = Objects.requireNonNull(hostInterfaces, "hostInterfaces");
            return this;
        }

        /** The clock TURN REST credentials are minted with (tests inject a fixed one); UTC system time by default. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Build the configuration.
         *
         * @throws IceLimitExceededException with more than {@link #MAX_SERVERS} servers or more than
         *     {@link #MAX_URLS} URLs in all
         */
        public IceConfiguration build() {
            if (servers.size() > MAX_SERVERS) {
                throw new IceLimitExceededException(IceLimitExceededException.Limit.SERVERS_PER_CONFIGURATION,
                        MAX_SERVERS, servers.size(), "a configuration takes at most " + MAX_SERVERS
                        + " ICE servers, not " + servers.size());
            }
            int urls = servers.stream().mapToInt(s -> s.urls().size()).sum();
            if (urls > MAX_URLS) {
                throw new IceLimitExceededException(IceLimitExceededException.Limit.URLS_PER_CONFIGURATION,
                        MAX_URLS, urls, "a configuration takes at most " + MAX_URLS
                        + " ICE server URLs in all (IceConfiguration.MAX_URLS), not " + urls);
            }
            return new IceConfiguration(this);
        }
    }
}
