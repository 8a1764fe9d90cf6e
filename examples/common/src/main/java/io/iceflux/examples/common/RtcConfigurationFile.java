package io.iceflux.examples.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iceflux.IceServer;
import io.iceflux.IceTransportPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads an {@code RTCConfiguration}-shaped JSON object: {@code {"iceServers":[{"urls":"…" or […],
 * "username":…,"credential":…}],"iceTransportPolicy":"all"|"relay"}}. Other members are ignored, as a browser
 * ignores them. The probe reads it from a file ({@code --config}); the diagnostics web application from a request
 * body.
 */
public final class RtcConfigurationFile {

    /**
     * What the configuration holds.
     *
     * @param servers         the ICE servers in configuration order
     * @param transportPolicy the {@code iceTransportPolicy}, when given
     */
    public record Content(List<IceServer> servers, Optional<IceTransportPolicy> transportPolicy) {
        /** Keep an unmodifiable copy of the servers. */
        public Content {
            servers = List.copyOf(servers);
        }
    }

    /** The configuration cannot be used; the message says where (which file or body) and why. */
    public static final class BadConfigurationException extends Exception {
        BadConfigurationException(String message) {
            super(message);
        }
    }

    private RtcConfigurationFile() {
    }

    /**
     * Read and validate the file.
     *
     * @throws BadConfigurationException for a missing or unreadable file, JSON that is not an object, or a member
     *                                   of the wrong JSON type
     * @throws io.iceflux.InvalidIceServerException for an invalid URL or missing TURN credentials
     */
    public static Content read(Path file, ObjectMapper mapper) throws BadConfigurationException {
        JsonNode root;
        try {
            root = mapper.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new BadConfigurationException("--config " + file + ": no such file");
        } catch (JsonProcessingException e) {
            throw new BadConfigurationException("--config " + file + ": not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadConfigurationException("--config " + file + ": cannot be read: " + e.getMessage());
        }
        return parse(root, "--config " + file);
    }

    /**
     * Validate a parsed {@code RTCConfiguration} object; {@code where} starts every message (e.g. {@code "request
     * body"}). Messages name the member that is wrong, never a credential's value.
     *
     * @throws BadConfigurationException when {@code root} is not an object, or a member is of the wrong JSON type
     * @throws io.iceflux.InvalidIceServerException for an invalid URL or missing TURN credentials
     */
    public static Content parse(JsonNode root, String where) throws BadConfigurationException {
        if (root == null || !root.isObject()) {
            throw new BadConfigurationException(where + ": must hold a JSON object (an RTCConfiguration)");
        }
        JsonNode iceServers = root.path("iceServers");
        if (!iceServers.isArray()) {
            throw new BadConfigurationException(where + ": \"iceServers\" must be an array");
        }
        List<IceServer> servers = new ArrayList<>();
        for (int i = 0; i < iceServers.size(); i++) {
            servers.add(server(where, i, iceServers.get(i)));
        }
        Optional<IceTransportPolicy> policy = Optional.empty();
        JsonNode policyNode = root.get("iceTransportPolicy");
        if (policyNode != null && !policyNode.isNull()) {
            if (!policyNode.isTextual()) {
                throw new BadConfigurationException(where + ": \"iceTransportPolicy\" must be a string");
            }
            try {
                policy = Optional.of(IceTransportPolicy.fromW3cName(policyNode.asText()));
            } catch (IllegalArgumentException e) {
                throw new BadConfigurationException(where + ": " + e.getMessage());
            }
        }
        return new Content(servers, policy);
    }

    private static IceServer server(String source, int index, JsonNode node) throws BadConfigurationException {
        String where = source + ": iceServers[" + index + "]";
        if (!node.isObject()) {
            throw new BadConfigurationException(where + " must be an object");
        }
        JsonNode urlsNode = node.get("urls");
        List<String> urls = new ArrayList<>();
        if (urlsNode != null && urlsNode.isTextual()) {
            urls.add(urlsNode.asText());
        } else if (urlsNode != null && urlsNode.isArray()) {
            for (JsonNode url : urlsNode) {
                if (!url.isTextual()) {
                    throw new BadConfigurationException(where + ".urls must hold strings only");
                }
                urls.add(url.asText());
            }
        } else {
            throw new BadConfigurationException(where + ".urls must be a string or an array of strings");
        }
        return IceServer.of(urls, text(where, node, "username"), text(where, node, "credential"));
    }

    private static String text(String where, JsonNode server, String member) throws BadConfigurationException {
        JsonNode node = server.get(member);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new BadConfigurationException(where + "." + member + " must be a string");
        }
        return node.asText();
    }
}
