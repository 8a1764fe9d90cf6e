package io.iceflux.examples.common;

import io.iceflux.IceConfiguration;
import io.iceflux.IceEvent;
import io.iceflux.IceServer;
import io.iceflux.RelayCheck;
import io.iceflux.TurnRestCredentials;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Tracks, for every URL of a configuration, what the URL promises, what the gathering gave and the verdict; the
 * probe and the diagnostics web application share it. Not thread-safe: feed it the events of one gathering in
 * order.
 */
public final class ServerChecks {

    /** The probe's exit status (and the summary's {@code exitCode}) when every URL gave what it promises. */
    public static final int EXIT_OK = 0;
    /** The probe's exit status (and the summary's {@code exitCode}) when at least one URL did not. */
    public static final int EXIT_SOME_FAILED = 1;
    /**
     * The probe's exit status (and the summary's {@code exitCode}) for a usage error: bad usage, a bad option value,
     * an unusable configuration or one past a limit; nothing was probed.
     */
    public static final int EXIT_USAGE = 2;

    private final List<ServerCheck> checks = new ArrayList<>();

    /**
     * Start tracking every URL of the configuration, in configuration order.
     *
     * @throws NullPointerException when {@code configuration} is null
     */
    public ServerChecks(IceConfiguration configuration) {
        for (IceServer server : configuration.servers()) {
            // a TURN REST server: when the credentials minted for this gathering expire (same clock as the gatherer)
            Instant restExpiry = server.usesSharedSecret()
                    ? TurnRestCredentials.expiryOf(server.withCredentialsAt(configuration.clock()).username()
                            .orElseThrow()).orElseThrow()
                    : null;
            for (int i = 0; i < server.urls().size(); i++) {
                checks.add(new ServerCheck(server.urls().get(i), server.parsedUrls().get(i),
                        configuration.transportPolicy(), restExpiry));
            }
        }
    }

    /**
     * Record an event that happened {@code t} ms after gathering started; events other than candidates and
     * candidate errors change nothing.
     *
     * @throws NullPointerException when {@code event} is null
     */
    public void offer(IceEvent event, long t) {
        if (event instanceof IceEvent.CandidateGathered c) {
            checks.forEach(check -> check.offer(c.candidate(), t));
        } else if (event instanceof IceEvent.CandidateError e) {
            checks.forEach(check -> check.offer(e.error()));
        }
    }

    /**
     * Record the relay data-path check of a {@code turn:}/{@code turns:} URL, on every check of that URL (as
     * configured) that obtained a relayed candidate.
     *
     * @throws NullPointerException when {@code check} is null
     */
    public void relayChecked(RelayCheck check) {
        checks.stream().filter(c -> c.url().equals(check.url()) && c.relayObtained())
                .forEach(c -> c.relayCheck(check));
    }

    /** Whether every URL gave what it promises. */
    public boolean ok() {
        return checks.stream().allMatch(ServerCheck::ok);
    }

    /** The probe's exit status for what was recorded: 0 when every URL gave what it promises, else 1. */
    public int exitCode() {
        return ok() ? EXIT_OK : EXIT_SOME_FAILED;
    }

    /** The check of every URL, in configuration order. */
    public List<ServerCheck> checks() {
        return List.copyOf(checks);
    }
}
