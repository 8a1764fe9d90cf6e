package io.iceflux.examples.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iceflux.IceConfiguration;
import io.iceflux.IceTransportPolicy;
import io.iceflux.StunTimers;
import io.iceflux.examples.common.RtcConfigurationFile;
import java.time.Duration;

/**
 * Reads the body of {@code POST /api/gather}: an {@code RTCConfiguration} ({@code iceServers},
 * {@code iceTransportPolicy}, parsed by {@link RtcConfigurationFile} as the probe's {@code --config} file is) plus
 * three optional numbers: {@code rtoMillis} (initial STUN retransmission timeout, default 500), {@code maxRequests}
 * (STUN requests over UDP, default 7) and {@code deadlineMillis} (overall deadline, default 10000, at most the
 * configured maximum).
 */
final class GatherRequest {

    static final String WHERE = "request body";
    /** The largest body read; a longer one is answered 413. */
    static final int MAX_BODY_BYTES = 256 * 1024;
    static final int DEFAULT_RTO_MILLIS = 500;
    static final int DEFAULT_MAX_REQUESTS = 7;
    static final int DEFAULT_DEADLINE_MILLIS = 10_000;
    private static final int MAX_RTO_MILLIS = 10_000;
    private static final int MAX_REQUESTS = 20;

    /** The body cannot be used; the message names the member and why, never a credential's value. */
    static final class InvalidRequestException extends Exception {
        InvalidRequestException(String message) {
            super(message);
        }
    }

    private GatherRequest() {
    }

    /**
     * Parse and validate a body into the configuration to gather with.
     *
     * @throws InvalidRequestException for a body that is not a JSON object, a member of the wrong type or out of
     *                                 range
     * @throws io.iceflux.InvalidIceServerException for an invalid URL or missing TURN credentials
     * @throws io.iceflux.IceLimitExceededException for more than {@link IceConfiguration#MAX_SERVERS} servers or
     *                                              {@link IceConfiguration#MAX_URLS} URLs
     */
    static IceConfiguration parse(String body, ObjectMapper mapper, DiagnosticsProperties properties)
            throws InvalidRequestException {
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            // The parser's own message quotes the offending text, which may be a credential: say where only.
            String at = e.getLocation() == null ? ""
                    : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            throw new InvalidRequestException(WHERE + ": not valid JSON" + at);
        }
        RtcConfigurationFile.Content content;
        try {
            content = RtcConfigurationFile.parse(root, WHERE);
        } catch (RtcConfigurationFile.BadConfigurationException e) {
            throw new InvalidRequestException(e.getMessage());
        }
        if (content.servers().isEmpty()) {
            throw new InvalidRequestException(WHERE + ": \"iceServers\" must hold at least one server");
        }
        int rto = number(root, "rtoMillis", DEFAULT_RTO_MILLIS, 1, MAX_RTO_MILLIS);
        int maxRequests = number(root, "maxRequests", DEFAULT_MAX_REQUESTS, 1, MAX_REQUESTS);
        int deadline = number(root, "deadlineMillis", DEFAULT_DEADLINE_MILLIS, 1,
                (int) Math.min(Integer.MAX_VALUE, properties.maxDeadline().toMillis()));
        return IceConfiguration.builder()
                .servers(content.servers())
                .transportPolicy(content.transportPolicy().orElse(IceTransportPolicy.ALL))
                .stunTimers(StunTimers.rfc8489().withInitialRto(Duration.ofMillis(rto)).withMaxRequests(maxRequests))
                .gatheringDeadline(Duration.ofMillis(deadline))
                .hostInterfaces(properties.resolvedHostInterfaces())
                .build();
    }

    private static int number(JsonNode root, String member, int defaultValue, int min, int max)
            throws InvalidRequestException {
        JsonNode node = root.get(member);
        if (node == null || node.isNull()) {
            return defaultValue;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw new InvalidRequestException(WHERE + ": \"" + member + "\" must be a whole number");
        }
        int value = node.intValue();
        if (value < min || value > max) {
            throw new InvalidRequestException(WHERE + ": \"" + member + "\" must be " + min + "-" + max + ", not "
                    + value);
        }
        return value;
    }
}
