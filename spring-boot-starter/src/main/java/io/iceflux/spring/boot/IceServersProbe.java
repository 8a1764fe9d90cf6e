package io.iceflux.spring.boot;

import io.iceflux.IceCandidate;
import io.iceflux.IceCandidateError;
import io.iceflux.IceConfiguration;
import io.iceflux.IceEvent;
import io.iceflux.IceGatherer;
import io.iceflux.IceServer;
import io.iceflux.IceServerUrl;
import io.iceflux.IceTransportPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Gathers from the configured ICE servers on a schedule and keeps the last result, which the health indicators of
 * both Spring Boot generations report: a health request reads the cache and never waits for a gathering.
 *
 * <p>The first probe starts with the context; each next one {@code interval} after the previous one ended. Per
 * configured URL: {@code UP} when it gave what it promises (a {@code stun:} URL a server-reflexive candidate, a
 * {@code turn:}/{@code turns:} URL a relayed one, a {@code stuns:} URL no error), else {@code DOWN}, with the time to
 * the candidate and every candidate error's W3C fields. The whole is {@code DOWN} when any URL is (an application
 * that lists a server depends on it), {@code UNKNOWN} until the first probe ended or when no server is configured.
 * URLs carry no credentials, and neither does anything else reported. A URL configured more than once is reported
 * once per entry, the second as {@code "<url> #2"}.
 */
final class IceServersProbe implements SmartLifecycle {

    /** Stops before the shared event loops' gatherer is closed ({@link SharedEventLoops#PHASE}). */
    static final int PHASE = SharedEventLoops.PHASE + 1;

    /** What a health indicator reports: a status code ({@code UP}, {@code DOWN}, {@code UNKNOWN}) and details. */
    record Report(String status, Map<String, Object> details) {
    }

    private final IceGatherer gatherer;
    private final IceConfiguration configuration;
    private final Duration interval;
    private final Scheduler scheduler;
    private final Clock clock;
    private final AtomicReference<Report> last = new AtomicReference<>();
    private volatile boolean probing;
    private volatile Disposable schedule;

    IceServersProbe(IceGatherer gatherer, IceConfiguration configuration, Duration interval, Scheduler scheduler,
            Clock clock) {
        this.gatherer = gatherer;
        this.configuration = configuration;
        this.interval = interval;
        this.scheduler = scheduler;
        this.clock = clock;
    }

    /** The last probe's result (with whether a probe is running now); never waits. */
    Report current() {
        Report report = last.get();
        if (report == null) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("probing", probing);
            details.put("servers", configuration.servers().isEmpty()
                    ? "none configured (iceflux.servers)" : "first probe not finished");
            return new Report("UNKNOWN", details);
        }
        Map<String, Object> details = new LinkedHashMap<>(report.details());
        details.put("probing", probing);
        return new Report(report.status(), details);
    }

    @Override
    public void start() {
        if (schedule != null || configuration.servers().isEmpty()) {
            return;
        }
        schedule = Mono.defer(this::probeOnce)
                .repeatWhen(ended -> ended.delayElements(interval, scheduler))
                .subscribe();
    }

    @Override
    public void stop() {
        Disposable s = schedule;
        schedule = null;
        if (s != null) {
            s.dispose();
        }
        probing = false;
    }

    @Override
    public boolean isRunning() {
        return schedule != null;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    private Mono<Void> probeOnce() {
        long start = System.nanoTime();
        String startedAt = clock.instant().toString();
        List<UrlCheck> checks = new ArrayList<>();
        for (IceServer server : configuration.servers()) {
            for (int i = 0; i < server.urls().size(); i++) {
                checks.add(new UrlCheck(server.urls().get(i), server.parsedUrls().get(i),
                        configuration.transportPolicy()));
            }
        }
        return gatherer.gather(configuration)
                .doOnSubscribe(s -> probing = true)
                .doOnNext(event -> checks.forEach(check -> check.offer(event, millisSince(start))))
                .then(Mono.fromSupplier(() -> report(checks, startedAt, millisSince(start), null)))
                .onErrorResume(e -> Mono.just(report(checks, startedAt, millisSince(start), e)))
                .doOnNext(report -> {
                    last.set(report);
                    probing = false;
                })
                .then();
    }

    private Report report(List<UrlCheck> checks, String startedAt, long tookMs, Throwable failure) {
        Map<String, Object> servers = new LinkedHashMap<>();
        boolean down = failure != null;
        for (UrlCheck check : checks) {
            // a URL configured twice (e.g. with two sets of credentials) is reported once per entry
            String key = check.url;
            for (int n = 2; servers.containsKey(key); n++) {
                key = check.url + " #" + n;
            }
            servers.put(key, check.details());
            down |= !check.ok();
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("servers", servers);
        if (failure != null) {
            // the library's messages never hold a credential or a secret
            details.put("error", failure.getClass().getSimpleName() + ": " + failure.getMessage());
        }
        details.put("lastProbe", startedAt);
        details.put("probeMs", tookMs);
        details.put("interval", interval.toString());
        return new Report(down ? "DOWN" : "UP", details);
    }

    private static long millisSince(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
    }

    /** What one configured URL promised and gave during one probe. */
    private static final class UrlCheck {
        private final String url;
        private final String canonical;
        private final IceCandidate.Type promised;
        private final boolean skipped;
        private final List<IceCandidateError> errors = new ArrayList<>();
        private Long candidateMs;

        UrlCheck(String url, IceServerUrl parsed, IceTransportPolicy policy) {
            this.url = url;
            this.canonical = parsed.canonical();
            boolean turn = parsed.scheme().isTurn();
            this.skipped = !turn && policy == IceTransportPolicy.RELAY;
            this.promised = turn ? IceCandidate.Type.RELAY : parsed.scheme().isSecure() ? null : IceCandidate.Type.SRFLX;
        }

        void offer(IceEvent event, long atMillis) {
            if (event instanceof IceEvent.CandidateGathered c && candidateMs == null && promised != null
                    && c.candidate().type() == promised && sameUrl(c.candidate().url())) {
                candidateMs = atMillis;
            } else if (event instanceof IceEvent.CandidateError e && sameUrl(e.error().url())) {
                errors.add(e.error());
            }
        }

        private boolean sameUrl(String reported) {
            if (reported == null) {
                return false;
            }
            if (reported.equals(url)) {
                return true;
            }
            try {
                return IceServerUrl.parse(reported).canonical().equals(canonical);
            } catch (IllegalArgumentException e) {
                return false;
            }
        }

        boolean ok() {
            return skipped || (promised == null ? errors.isEmpty() : candidateMs != null);
        }

        Map<String, Object> details() {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("status", skipped ? "SKIPPED" : ok() ? "UP" : "DOWN");
            if (candidateMs != null) {
                details.put("candidateMs", candidateMs);
            }
            if (!errors.isEmpty()) {
                List<Map<String, Object>> list = new ArrayList<>();
                for (IceCandidateError error : errors) {
                    Map<String, Object> fields = new LinkedHashMap<>();
                    fields.put("errorCode", error.errorCode());
                    fields.put("errorText", error.errorText());
                    fields.put("address", error.address());
                    fields.put("port", error.port());
                    list.add(fields);
                }
                details.put("errors", list);
            }
            return details;
        }
    }
}
