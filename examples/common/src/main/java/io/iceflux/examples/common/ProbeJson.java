package io.iceflux.examples.common;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.iceflux.IceCandidate;
import io.iceflux.IceCandidateError;
import io.iceflux.IceEvent;
import io.iceflux.RelayCheck;
import java.util.List;
import java.util.Objects;

/**
 * Builds the JSON objects of the probe's {@code --json} contract (see the README): one per event and the final
 * summary. The diagnostics web application sends the same objects as Server-Sent Events.
 */
public final class ProbeJson {

    private ProbeJson() {
    }

    /**
     * Build the object of one event that happened {@code t} ms after gathering started; absent values are JSON
     * {@code null}, never left out. Every object has the {@code generation} of its event.
     *
     * @throws NullPointerException when {@code mapper} or {@code event} is null
     */
    public static ObjectNode event(ObjectMapper mapper, IceEvent event, long t) {
        ObjectNode node = mapper.createObjectNode();
        if (event instanceof IceEvent.GatheringStateChanged s) {
            node.put("type", "state");
            node.put("state", s.state().w3cName());
            node.put("generation", s.generation());
        } else if (event instanceof IceEvent.CandidateGathered c) {
            IceCandidate cand = c.candidate();
            node.put("type", "candidate");
            node.put("candidate", cand.toSdp());
            node.put("candidateType", cand.type().sdpName());
            node.put("protocol", cand.protocol().w3cName());
            node.put("address", cand.address());
            node.put("port", cand.port());
            node.put("relatedAddress", cand.relatedAddress());
            node.put("relatedPort", cand.relatedPort());
            node.put("url", cand.url());
            node.put("generation", c.generation());
        } else if (event instanceof IceEvent.CandidateError e) {
            IceCandidateError err = e.error();
            node.put("type", "error");
            node.put("url", err.url());
            node.put("errorCode", err.errorCode());
            node.put("errorText", err.errorText());
            node.put("address", err.address());
            node.put("port", err.port());
            node.put("generation", e.generation());
        } else {
            node.put("type", "end-of-candidates");
            node.put("generation", event.generation());
        }
        node.put("t", t);
        return node;
    }

    /**
     * Build the summary object at {@code t} ms: {@code ok}, {@code exitCode} and one entry per configured URL (the
     * diagnostics page's; the probe's has a {@code usageError} too, see {@link #probeSummary}).
     *
     * @throws NullPointerException when {@code mapper} or {@code checks} is null
     */
    public static ObjectNode summary(ObjectMapper mapper, ServerChecks checks, long t) {
        return summary(mapper, checks.checks(), checks.exitCode(), checks.generation(), t);
    }

    /**
     * Build the summary object of {@code generation} at {@code t} ms from the checks of every URL, in configuration
     * order, and the exit status they give.
     *
     * @throws NullPointerException when {@code mapper} or {@code checks} is null
     */
    public static ObjectNode summary(ObjectMapper mapper, List<ServerCheck> checks, int exitCode, int generation,
            long t) {
        ObjectNode node = summaryWithoutT(mapper, checks, exitCode);
        node.put("generation", generation);
        node.put("t", t);
        return node;
    }

    /**
     * Build the probe's summary object of {@code generation} at {@code t} ms:
     * {@link #summary(ObjectMapper, List, int, int, long)} with a {@code usageError} of {@code null} before
     * {@code generation}.
     *
     * @throws NullPointerException when {@code mapper} or {@code checks} is null
     */
    public static ObjectNode probeSummary(ObjectMapper mapper, List<ServerCheck> checks, int exitCode, int generation,
            long t) {
        ObjectNode node = summaryWithoutT(mapper, checks, exitCode);
        node.putNull("usageError");
        node.put("generation", generation);
        node.put("t", t);
        // each server's relayCheck (see addRelayChecks), last of its members
        addRelayChecks(mapper, node, checks);
        return node;
    }

    /**
     * Build the probe's summary of a run that probed nothing because of a usage error (exit status
     * {@link ServerChecks#EXIT_USAGE}): {@code servers} is empty, {@code usageError} the one-line message,
     * {@code generation} null (nothing was gathered), {@code t} 0.
     *
     * @throws NullPointerException when {@code mapper} or {@code usageError} is null
     */
    public static ObjectNode usageErrorSummary(ObjectMapper mapper, String usageError) {
        ObjectNode node = summaryWithoutT(mapper, List.of(), ServerChecks.EXIT_USAGE);
        node.put("usageError", Objects.requireNonNull(usageError, "usageError"));
        node.putNull("generation");
        node.put("t", 0);
        return node;
    }

    /**
     * Give each server of the probe's summary its {@code relayCheck}: the object of {@link #relayCheck} when the
     * relay data-path check ran for it (a {@code turn:}/{@code turns:} URL that gave a relayed candidate), else
     * {@code null}.
     */
    private static void addRelayChecks(ObjectMapper mapper, ObjectNode summary, List<ServerCheck> checks) {
        ArrayNode servers = (ArrayNode) summary.get("servers");
        for (int i = 0; i < checks.size(); i++) {
            ((ObjectNode) servers.get(i)).set("relayCheck", checks.get(i).relayCheck()
                    .<com.fasterxml.jackson.databind.JsonNode>map(relay -> relayCheck(mapper, relay))
                    .orElse(mapper.nullNode()));
        }
    }

    /**
     * Build the {@code relayCheck} member of a {@code turn:}/{@code turns:} server: {@code ok}, {@code rttMs} (median,
     * null when nothing came back), {@code lossPercent} (null when nothing was sent) and {@code detail}.
     *
     * @throws NullPointerException when an argument is null
     */
    public static ObjectNode relayCheck(ObjectMapper mapper, RelayCheck check) {
        ObjectNode node = mapper.createObjectNode();
        node.put("ok", check.ok());
        node.put("rttMs", check.rttMs());
        node.put("lossPercent", check.lossPercent());
        node.put("detail", check.detail());
        return node;
    }

    private static ObjectNode summaryWithoutT(ObjectMapper mapper, List<ServerCheck> checks, int exitCode) {
        ObjectNode node = mapper.createObjectNode();
        node.put("type", "summary");
        node.put("ok", exitCode == 0);
        node.put("exitCode", exitCode);
        ArrayNode servers = node.putArray("servers");
        for (ServerCheck check : checks) {
            ObjectNode server = servers.addObject();
            server.put("url", check.url());
            server.put("expected", check.expectation().jsonName());
            server.put("ok", check.ok());
            server.put("obtainedMs", check.obtainedAtMillis() < 0 ? null : check.obtainedAtMillis());
            ArrayNode errors = server.putArray("errors");
            for (IceCandidateError err : check.errors()) {
                ObjectNode error = errors.addObject();
                error.put("errorCode", err.errorCode());
                error.put("errorText", err.errorText());
            }
            server.put("verdict", check.verdict());
            ArrayNode diagnosis = server.putArray("diagnosis");
            for (Diagnosis d : check.diagnosis()) {
                diagnosis.addObject().put("rule", d.rule()).put("cause", d.cause()).put("evidence", d.evidence());
            }
        }
        return node;
    }
}
