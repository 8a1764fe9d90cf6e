package io.iceflux.examples.web;

import io.iceflux.HostInterfaces;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The settings of the diagnostics application, under {@code iceflux.diagnostics.*}.
 *
 * @param demo                    start an embedded STUN/TURN server on loopback and prefill the page with its URLs
 * @param maxConcurrentGatherings gatherings that may run at once; a request beyond them gets HTTP 429
 * @param hostInterfaces          which local addresses the gatherings use
 * @param interfaceNames          only these interfaces (plus loopback where {@code hostInterfaces} adds it); empty
 *                                for every interface: what narrows a host with more addresses than a gathering
 *                                may use ({@code NettyIceGatherer.MAX_HOST_ADDRESSES})
 * @param ipv4Only                gather on IPv4 addresses only
 * @param maxDeadline             the longest {@code deadlineMillis} a request may ask for
 * @param allow                   the servers the page may probe, rules as {@link Allowlist} reads them
 *                                ({@code turn.example.org:3478}, {@code 10.1.0.0/16:3478-3479},
 *                                {@code [2001:db8::/32]:443}); empty for none, which only a page listening on loopback
 *                                may have (it then probes anything)
 * @param passwordFile            a file whose first line is the password the page asks for (HTTP Basic, any user
 *                                name); {@code null} for none, or the environment variable
 *                                {@code ICEFLUX_DIAGNOSTICS_PASSWORD}
 */
@ConfigurationProperties("iceflux.diagnostics")
public record DiagnosticsProperties(
        @DefaultValue("false") boolean demo,
        @DefaultValue("4") int maxConcurrentGatherings,
        @DefaultValue("auto") Interfaces hostInterfaces,
        @DefaultValue List<String> interfaceNames,
        @DefaultValue("false") boolean ipv4Only,
        @DefaultValue("60s") Duration maxDeadline,
        @DefaultValue List<String> allow,
        Path passwordFile) {

    /** Which local addresses a gathering uses. */
    public enum Interfaces {
        /** The machine's interfaces without loopback, plus loopback in demo mode (the demo server is there). */
        AUTO,
        /** Every interface that is up, without loopback and link-local addresses. */
        DEFAULT,
        /** Every interface that is up, loopback included. */
        WITH_LOOPBACK,
        /** Loopback addresses only. */
        LOOPBACK_ONLY
    }

    /**
     * Check the values.
     *
     * @throws IllegalArgumentException when {@code maxConcurrentGatherings} is below 1, {@code maxDeadline} is not
     *                                  positive, {@code interfaceNames} are given with {@code loopback-only}, or a
     *                                  rule of {@code allow} is not one (naming the rule and what is wrong)
     */
    public DiagnosticsProperties {
        if (maxConcurrentGatherings < 1) {
            throw new IllegalArgumentException("iceflux.diagnostics.max-concurrent-gatherings must be at least 1, not "
                    + maxConcurrentGatherings);
        }
        if (hostInterfaces == null) {
            hostInterfaces = Interfaces.AUTO;
        }
        interfaceNames = interfaceNames == null ? List.of() : List.copyOf(interfaceNames);
        if (!interfaceNames.isEmpty() && hostInterfaces == Interfaces.LOOPBACK_ONLY) {
            throw new IllegalArgumentException("iceflux.diagnostics.interface-names " + interfaceNames
                    + " cannot be combined with iceflux.diagnostics.host-interfaces=loopback-only");
        }
        if (maxDeadline == null || maxDeadline.isZero() || maxDeadline.isNegative()) {
            throw new IllegalArgumentException("iceflux.diagnostics.max-deadline must be positive, not " + maxDeadline);
        }
        allow = allow == null ? List.of() : List.copyOf(allow);
        Allowlist.parse(allow);
    }

    /** The rules of {@code allow}. */
    Allowlist allowlist() {
        return Allowlist.parse(allow);
    }

    /** The local addresses the gatherings use, as configured. */
    public HostInterfaces resolvedHostInterfaces() {
        HostInterfaces chosen = switch (hostInterfaces) {
            case AUTO -> demo ? named(true) : named(false);
            case DEFAULT -> named(false);
            case WITH_LOOPBACK -> named(true);
            case LOOPBACK_ONLY -> HostInterfaces.loopbackOnly();
        };
        return ipv4Only ? chosen.ipv4Only() : chosen;
    }

    /**
     * Every interface, or the named ones as {@link HostInterfaces#only} takes them; with {@code loopback} the loopback
     * interface too.
     */
    private HostInterfaces named(boolean loopback) {
        if (interfaceNames.isEmpty()) {
            return loopback ? HostInterfaces.defaults().withLoopback() : HostInterfaces.defaults();
        }
        HostInterfaces named = HostInterfaces.only(interfaceNames.toArray(String[]::new));
        return loopback ? named.withLoopbackInterfaces() : named;
    }
}
