package io.iceflux.spring.boot;

import io.iceflux.HostInterfaces;
import io.iceflux.IceConfiguration;
import io.iceflux.IceServer;
import io.iceflux.IceTransportPolicy;
import io.iceflux.InvalidIceServerException;
import io.iceflux.StunTimers;
import io.iceflux.TurnRestCredentials;
import io.iceflux.netty.NettyIceGatherer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.BindingResult;
import org.springframework.validation.Errors;
import org.springframework.validation.FieldError;
import org.springframework.validation.Validator;

/**
 * The {@code iceflux.*} properties: the ICE servers (shaped like a W3C {@code RTCConfiguration}'s {@code iceServers}),
 * the STUN timers, the gathering deadline, the transport policy, the host interfaces, the event loops and the health
 * probe.
 *
 * <pre>
 * iceflux.servers[0].urls=stun:stun.example.org
 * iceflux.servers[1].urls=turn:turn.example.org?transport=tcp,turns:turn.example.org
 * iceflux.servers[1].auth-secret-file=/run/secrets/turn-secret
 * iceflux.servers[1].user=my-service
 * iceflux.timers.rto=200ms
 * iceflux.gathering-deadline=5s
 * </pre>
 *
 * <p>A JavaBean, as Spring Boot binds it: mutable, read by the auto-configuration once when the context starts. It is
 * its own {@link Validator}, so a bad value stops the start with Boot's binding failure report, whose every reason
 * starts with the property (e.g. {@code iceflux.servers[0].ttl must be positive, not PT-1H}). No reason and no
 * reported value ever contains a credential or a shared secret: those values are reported as {@code ******}.
 */
@ConfigurationProperties(prefix = IceFluxProperties.PREFIX)
public class IceFluxProperties implements Validator {

    /** The prefix of every property. */
    public static final String PREFIX = "iceflux";

    private static final String HIDDEN = "******";

    private List<Server> servers = new ArrayList<>();
    private IceTransportPolicy transportPolicy = IceTransportPolicy.ALL;
    private Duration gatheringDeadline;
    private final Timers timers = new Timers();
    private final Interfaces interfaces = new Interfaces();
    private EventLoops eventLoops = EventLoops.SHARED;
    private int threads = Runtime.getRuntime().availableProcessors();
    private Duration closeTimeout = Duration.ofSeconds(NettyIceGatherer.DEFAULT_CLOSE_TIMEOUT_SECONDS);
    private final Health health = new Health();

    /** Create the properties with their defaults; Spring Boot binds them. */
    public IceFluxProperties() {
    }

    /** Which event loops the auto-configured gatherer runs on. */
    public enum EventLoops {
        /**
         * The application's reactor-netty loops (Boot's {@code ReactorResourceFactory}, the client loops that
         * WebClient uses) when the application has them, else the gatherer's own.
         */
        SHARED,
        /** Loops of the gatherer's own ({@code iceflux.threads} threads named {@code iceflux-io}). */
        OWN
    }

    /** {@code iceflux.servers}: the ICE servers, in order. */
    public List<Server> getServers() {
        return servers;
    }

    /** Set {@code iceflux.servers}. */
    public void setServers(List<Server> servers) {
        this.servers = servers;
    }

    /** {@code iceflux.transport-policy}: {@code all} (the default) or {@code relay}. */
    public IceTransportPolicy getTransportPolicy() {
        return transportPolicy;
    }

    /** Set {@code iceflux.transport-policy}. */
    public void setTransportPolicy(IceTransportPolicy transportPolicy) {
        this.transportPolicy = transportPolicy;
    }

    /** {@code iceflux.gathering-deadline}: an overall deadline for a gathering; none by default. */
    public Duration getGatheringDeadline() {
        return gatheringDeadline;
    }

    /** Set {@code iceflux.gathering-deadline}. */
    public void setGatheringDeadline(Duration gatheringDeadline) {
        this.gatheringDeadline = gatheringDeadline;
    }

    /** {@code iceflux.timers.*}: the STUN timers of every server. */
    public Timers getTimers() {
        return timers;
    }

    /** {@code iceflux.interfaces.*}: which local addresses become host candidates. */
    public Interfaces getInterfaces() {
        return interfaces;
    }

    /** {@code iceflux.event-loops}: {@code shared} (the default) or {@code own}. */
    public EventLoops getEventLoops() {
        return eventLoops;
    }

    /** Set {@code iceflux.event-loops}. */
    public void setEventLoops(EventLoops eventLoops) {
        this.eventLoops = eventLoops;
    }

    /** {@code iceflux.threads}: how many threads the gatherer's own loops have (default: one per core). */
    public int getThreads() {
        return threads;
    }

    /** Set {@code iceflux.threads}. */
    public void setThreads(int threads) {
        this.threads = threads;
    }

    /** {@code iceflux.close-timeout}: how long closing the gatherer waits for releases (default 5 s). */
    public Duration getCloseTimeout() {
        return closeTimeout;
    }

    /** Set {@code iceflux.close-timeout}. */
    public void setCloseTimeout(Duration closeTimeout) {
        this.closeTimeout = closeTimeout;
    }

    /** {@code iceflux.health.*}: the health probe of the configured servers. */
    public Health getHealth() {
        return health;
    }

    /**
     * One ICE server, as a W3C {@code RTCIceServer}: {@code urls} with a {@code username} and {@code credential}, or
     * TURN REST credentials minted for each gathering from a shared secret ({@code auth-secret} or
     * {@code auth-secret-file}, {@code user}, {@code ttl}).
     */
    public static class Server {
        private List<String> urls = new ArrayList<>();
        private String username;
        private String credential;
        private String authSecret;
        private Path authSecretFile;
        private String user = "";
        private Duration ttl = TurnRestCredentials.DEFAULT_TTL;

        /** Create an empty server; Spring Boot binds it. */
        public Server() {
        }

        /** {@code urls}: one URL or a list (a comma-separated string binds as a list). */
        public List<String> getUrls() {
            return urls;
        }

        /** Set {@code urls}. */
        public void setUrls(List<String> urls) {
            this.urls = urls;
        }

        /** {@code username}: the long-term username of a TURN server. */
        public String getUsername() {
            return username;
        }

        /** Set {@code username}. */
        public void setUsername(String username) {
            this.username = username;
        }

        /** {@code credential}: the long-term password of a TURN server. */
        public String getCredential() {
            return credential;
        }

        /** Set {@code credential}. */
        public void setCredential(String credential) {
            this.credential = credential;
        }

        /** {@code auth-secret}: the TURN REST shared secret (coturn's {@code static-auth-secret}). */
        public String getAuthSecret() {
            return authSecret;
        }

        /** Set {@code auth-secret}. */
        public void setAuthSecret(String authSecret) {
            this.authSecret = authSecret;
        }

        /** {@code auth-secret-file}: a file holding the TURN REST shared secret (one line). */
        public Path getAuthSecretFile() {
            return authSecretFile;
        }

        /** Set {@code auth-secret-file}. */
        public void setAuthSecretFile(Path authSecretFile) {
            this.authSecretFile = authSecretFile;
        }

        /** {@code user}: the TURN REST user id after the expiry in the minted username; may be empty. */
        public String getUser() {
            return user;
        }

        /** Set {@code user}. */
        public void setUser(String user) {
            this.user = user;
        }

        /** {@code ttl}: how long each minted TURN REST credential is valid (default one day). */
        public Duration getTtl() {
            return ttl;
        }

        /** Set {@code ttl}. */
        public void setTtl(Duration ttl) {
            this.ttl = ttl;
        }
    }

    /** The STUN timers ({@link StunTimers}); RFC 8489's by default. */
    public static class Timers {
        private Duration rto = StunTimers.rfc8489().initialRto();
        private int maxRequests = StunTimers.rfc8489().maxRequests();
        private int lastWaitMultiplier = StunTimers.rfc8489().lastWaitMultiplier();
        private Duration reliableTimeout = StunTimers.rfc8489().reliableTimeout();

        /** Create RFC 8489's timers; Spring Boot binds them. */
        public Timers() {
        }

        /** {@code rto}: the first retransmission interval over UDP (default 500 ms). */
        public Duration getRto() {
            return rto;
        }

        /** Set {@code rto}. */
        public void setRto(Duration rto) {
            this.rto = rto;
        }

        /** {@code max-requests}: Rc, the requests sent over UDP in all (default 7). */
        public int getMaxRequests() {
            return maxRequests;
        }

        /** Set {@code max-requests}. */
        public void setMaxRequests(int maxRequests) {
            this.maxRequests = maxRequests;
        }

        /** {@code last-wait-multiplier}: Rm, the wait after the last request in RTOs (default 16). */
        public int getLastWaitMultiplier() {
            return lastWaitMultiplier;
        }

        /** Set {@code last-wait-multiplier}. */
        public void setLastWaitMultiplier(int lastWaitMultiplier) {
            this.lastWaitMultiplier = lastWaitMultiplier;
        }

        /** {@code reliable-timeout}: Ti, the transaction timeout over TCP and TLS (default 39.5 s). */
        public Duration getReliableTimeout() {
            return reliableTimeout;
        }

        /** Set {@code reliable-timeout}. */
        public void setReliableTimeout(Duration reliableTimeout) {
            this.reliableTimeout = reliableTimeout;
        }
    }

    /**
     * Which local addresses become host candidates ({@link HostInterfaces}): by default every interface that is up,
     * without loopback and link-local addresses.
     */
    public static class Interfaces {
        private List<String> only = new ArrayList<>();
        private boolean loopback;
        private boolean loopbackOnly;
        private boolean linkLocal;
        private boolean ipv4Only;
        private boolean ipv6Only;

        /** Create the default selection; Spring Boot binds it. */
        public Interfaces() {
        }

        /** {@code only}: use only these interfaces (by name). */
        public List<String> getOnly() {
            return only;
        }

        /** Set {@code only}. */
        public void setOnly(List<String> only) {
            this.only = only;
        }

        /** {@code loopback}: use loopback addresses too (and, with {@code only}, the loopback interfaces). */
        public boolean isLoopback() {
            return loopback;
        }

        /** Set {@code loopback}. */
        public void setLoopback(boolean loopback) {
            this.loopback = loopback;
        }

        /** {@code loopback-only}: use only the loopback interfaces (tests against a server on this machine). */
        public boolean isLoopbackOnly() {
            return loopbackOnly;
        }

        /** Set {@code loopback-only}. */
        public void setLoopbackOnly(boolean loopbackOnly) {
            this.loopbackOnly = loopbackOnly;
        }

        /** {@code link-local}: use link-local addresses too. */
        public boolean isLinkLocal() {
            return linkLocal;
        }

        /** Set {@code link-local}. */
        public void setLinkLocal(boolean linkLocal) {
            this.linkLocal = linkLocal;
        }

        /** {@code ipv4-only}: use IPv4 addresses only. */
        public boolean isIpv4Only() {
            return ipv4Only;
        }

        /** Set {@code ipv4-only}. */
        public void setIpv4Only(boolean ipv4Only) {
            this.ipv4Only = ipv4Only;
        }

        /** {@code ipv6-only}: use IPv6 addresses only. */
        public boolean isIpv6Only() {
            return ipv6Only;
        }

        /** Set {@code ipv6-only}. */
        public void setIpv6Only(boolean ipv6Only) {
            this.ipv6Only = ipv6Only;
        }
    }

    /** The health probe: how often the configured servers are gathered from. */
    public static class Health {
        private Duration interval = Duration.ofSeconds(60);

        /** Create the defaults; Spring Boot binds them. */
        public Health() {
        }

        /**
         * {@code interval}: the pause between the end of one probe and the start of the next (default 60 s); the
         * first probe starts with the application.
         */
        public Duration getInterval() {
            return interval;
        }

        /** Set {@code interval}. */
        public void setInterval(Duration interval) {
            this.interval = interval;
        }
    }

    /**
     * The gathering configuration these properties describe.
     *
     * @throws IllegalArgumentException if a value is bad (Spring Boot has reported it through {@link #validate}
     *     before this is called)
     */
    public IceConfiguration toConfiguration() {
        IceConfiguration.Builder builder = IceConfiguration.builder()
                .transportPolicy(transportPolicy)
                .stunTimers(new StunTimers(timers.rto, timers.maxRequests, timers.lastWaitMultiplier,
                        timers.reliableTimeout))
                .gatheringDeadline(gatheringDeadline)
                .hostInterfaces(hostInterfaces());
        for (Server server : servers) {
            builder.server(iceServer(server));
        }
        return builder.build();
    }

    private HostInterfaces hostInterfaces() {
        HostInterfaces selected;
        if (!interfaces.only.isEmpty()) {
            selected = HostInterfaces.only(interfaces.only.toArray(String[]::new));
            if (interfaces.loopback || interfaces.loopbackOnly) {
                selected = selected.withLoopbackInterfaces();
            }
        } else if (interfaces.loopbackOnly) {
            selected = HostInterfaces.loopbackOnly();
        } else {
            selected = interfaces.loopback ? HostInterfaces.defaults().withLoopback() : HostInterfaces.defaults();
        }
        if (interfaces.linkLocal) {
            selected = selected.withLinkLocal();
        }
        if (interfaces.ipv4Only) {
            selected = selected.ipv4Only();
        }
        if (interfaces.ipv6Only) {
            selected = selected.ipv6Only();
        }
        return selected;
    }

    private static IceServer iceServer(Server server) {
        if (server.authSecret == null && server.authSecretFile == null) {
            return IceServer.of(server.urls, server.username, server.credential);
        }
        String secret = server.authSecret != null ? server.authSecret : readSecret(server.authSecretFile);
        return IceServer.withSharedSecret(server.urls, secret, server.user, server.ttl);
    }

    /** The first line of the file, without its line break; the file must exist and be readable. */
    private static String readSecret(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            int end = text.indexOf('\n');
            String line = end < 0 ? text : text.substring(0, end);
            return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no such file: " + file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Validates only {@link IceFluxProperties} (itself). */
    @Override
    public boolean supports(Class<?> type) {
        return IceFluxProperties.class.isAssignableFrom(type);
    }

    /**
     * Check every value; each problem is a field error whose message starts with the property's name and says what is
     * wrong. Secrets are never part of a message or a reported value.
     */
    @Override
    public void validate(Object target, Errors errors) {
        IceFluxProperties p = (IceFluxProperties) target;
        for (int i = 0; i < p.servers.size(); i++) {
            validateServer(p.servers.get(i), "servers[" + i + "]", errors);
        }
        if (p.gatheringDeadline != null && !positive(p.gatheringDeadline)) {
            reject(errors, "gatheringDeadline", "gathering-deadline", "must be positive, not " + p.gatheringDeadline,
                    p.gatheringDeadline);
        }
        validateTimers(p.timers, errors);
        validateInterfaces(p.interfaces, errors);
        if (p.threads < 1) {
            reject(errors, "threads", "threads", "must be at least 1, not " + p.threads, p.threads);
        }
        if (p.closeTimeout == null || p.closeTimeout.isNegative()) {
            reject(errors, "closeTimeout", "close-timeout", "must not be negative, not " + p.closeTimeout,
                    p.closeTimeout);
        }
        if (p.health.interval == null || !positive(p.health.interval)) {
            reject(errors, "health.interval", "health.interval", "must be positive, not " + p.health.interval,
                    p.health.interval);
        }
        if (!errors.hasErrors()) {
            try {
                p.toConfiguration();
            } catch (IllegalArgumentException e) {
                // the limits of a whole configuration (servers, URLs); the library's messages hold no credential
                reject(errors, "servers", "servers", e.getMessage(), p.servers.size() + " servers");
            }
        }
    }

    private static void validateServer(Server s, String path, Errors errors) {
        if (s.urls == null || s.urls.isEmpty()) {
            reject(errors, path + ".urls", path + ".urls", "is missing: give one ICE server URL or a list", null);
            return;
        }
        boolean rest = s.authSecret != null || s.authSecretFile != null;
        if (s.authSecret != null && s.authSecretFile != null) {
            reject(errors, path + ".authSecretFile", path + ".auth-secret-file",
                    "and " + PREFIX + "." + path + ".auth-secret are both set; set one of them", s.authSecretFile);
            return;
        }
        if (rest && (s.username != null || s.credential != null)) {
            reject(errors, path + ".username", path + ".username", "and " + PREFIX + "." + path
                    + ".credential cannot be set with a TURN REST auth-secret: the credentials are minted from the "
                    + "secret (set " + PREFIX + "." + path + ".user for the user id)", HIDDEN);
            return;
        }
        if (rest && (s.ttl == null || !positive(s.ttl))) {
            reject(errors, path + ".ttl", path + ".ttl", "must be positive, not " + s.ttl, s.ttl);
            return;
        }
        if (rest && s.user == null) {
            reject(errors, path + ".user", path + ".user", "must not be null (leave it empty for no user id)", null);
            return;
        }
        String secret = s.authSecret;
        if (s.authSecretFile != null) {
            try {
                secret = readSecret(s.authSecretFile);
            } catch (IllegalArgumentException e) {
                reject(errors, path + ".authSecretFile", path + ".auth-secret-file", "cannot be read: " + e.getMessage(),
                        s.authSecretFile);
                return;
            }
            if (secret.isEmpty()) {
                reject(errors, path + ".authSecretFile", path + ".auth-secret-file",
                        "holds no secret: its first line is empty", s.authSecretFile);
                return;
            }
        } else if (rest && secret.isEmpty()) {
            reject(errors, path + ".authSecret", path + ".auth-secret", "is empty", HIDDEN);
            return;
        }
        try {
            if (rest) {
                IceServer.withSharedSecret(s.urls, secret, s.user, s.ttl);
            } else {
                IceServer.of(s.urls, s.username, s.credential);
            }
        } catch (InvalidIceServerException e) {
            switch (e.part()) {
                case USERNAME -> reject(errors, path + ".username", path + ".username", "is not usable: "
                        + e.getMessage(), HIDDEN);
                case CREDENTIAL -> reject(errors, path + ".credential", path + ".credential", "is not usable: "
                        + e.getMessage(), HIDDEN);
                default -> reject(errors, path + ".urls", path + ".urls", "is not usable: " + e.getMessage(),
                        safeUrls(s.urls));
            }
        } catch (IllegalArgumentException e) {
            // TURN REST: an unusable user id (the library's messages never hold the secret)
            reject(errors, path + ".user", path + ".user", "is not usable: " + e.getMessage(), HIDDEN);
        }
    }

    private static void validateTimers(Timers t, Errors errors) {
        if (t.rto == null || !positive(t.rto)) {
            reject(errors, "timers.rto", "timers.rto", "must be positive, not " + t.rto, t.rto);
        }
        if (t.maxRequests < 1) {
            reject(errors, "timers.maxRequests", "timers.max-requests", "must be at least 1, not " + t.maxRequests,
                    t.maxRequests);
        }
        if (t.lastWaitMultiplier < 1) {
            reject(errors, "timers.lastWaitMultiplier", "timers.last-wait-multiplier", "must be at least 1, not "
                    + t.lastWaitMultiplier, t.lastWaitMultiplier);
        }
        if (t.reliableTimeout == null || !positive(t.reliableTimeout)) {
            reject(errors, "timers.reliableTimeout", "timers.reliable-timeout", "must be positive, not "
                    + t.reliableTimeout, t.reliableTimeout);
        }
    }

    private static void validateInterfaces(Interfaces i, Errors errors) {
        if (i.ipv4Only && i.ipv6Only) {
            reject(errors, "interfaces.ipv6Only", "interfaces.ipv6-only", "and " + PREFIX
                    + ".interfaces.ipv4-only are both true; set at most one", true);
        }
        for (int n = 0; n < i.only.size(); n++) {
            String name = i.only.get(n);
            if (name == null || name.isBlank()) {
                reject(errors, "interfaces.only", "interfaces.only[" + n + "]", "is blank; name an interface",
                        i.only);
            }
        }
    }

    private static boolean positive(Duration d) {
        return !d.isNegative() && !d.isZero();
    }

    /** The URLs as given, each URL with user info (which may hold a password) shown up to its host. */
    private static List<String> safeUrls(List<String> urls) {
        return urls.stream().map(u -> u == null || u.indexOf('@') < 0 ? u
                : u.substring(0, Math.max(0, u.indexOf(':') + 1)) + "***" + u.substring(u.lastIndexOf('@')))
                .toList();
    }

    /**
     * Report a problem with {@code field}: the message names the property ({@code iceflux.} + {@code property}) and
     * the reported value is {@code shownValue}, never the field's own value (which may be a secret).
     */
    private static void reject(Errors errors, String field, String property, String what, Object shownValue) {
        String message = PREFIX + "." + property + " " + what;
        if (errors instanceof BindingResult result) {
            result.addError(new FieldError(result.getObjectName(), result.getNestedPath() + field, shownValue, false,
                    result.resolveMessageCodes("invalid", field), null, message));
        } else {
            errors.reject("invalid", message);
        }
    }
}
