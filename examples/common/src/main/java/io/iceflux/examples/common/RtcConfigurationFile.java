package io.iceflux.examples.common;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iceflux.IceServer;
import io.iceflux.IceTransportPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads an {@code RTCConfiguration}-shaped JSON object: {@code {"iceServers":[{"urls":"…" or […],
 * "username":…,"credential":…}],"iceTransportPolicy":"all"|"relay"}}. Other members are ignored, as a browser
 * ignores them. The probe reads it from a file ({@code --config}); the diagnostics web application from a request
 * body.
 */
public final class RtcConfigurationFile {

    /** The most bytes a configuration may have: 1 MB, where a real one has a few hundred. */
    public static final int MAX_BYTES = 1 << 20;

    private static final String EXPECTED_VALUE =
            "expected a value (a string in double quotes, a number, an object, an array, true, false or null)";

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
     * Read and validate the file. At most {@link #MAX_BYTES} bytes are read, whatever the file is (a huge file,
     * {@code /dev/zero}, a pipe that never ends); messages say which file and what is wrong with it, never what it
     * says (see {@link #parse(byte[], String, ObjectMapper)}).
     *
     * @throws BadConfigurationException for a missing, unreadable or too large file, or one that is not UTF-8, not
     *                                   JSON, not an object or has a member of the wrong JSON type
     * @throws io.iceflux.InvalidIceServerException for an invalid URL or missing TURN credentials
     */
    public static Content read(Path file, ObjectMapper mapper) throws BadConfigurationException {
        String where = "--config " + file;
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (NoSuchFileException e) {
            throw new BadConfigurationException(where + ": no such file");
        } catch (IOException e) {
            throw new BadConfigurationException(where + ": cannot be read: " + e.getMessage());
        }
        if (bytes.length > MAX_BYTES) {
            throw new BadConfigurationException(where + ": larger than 1 MB (" + MAX_BYTES
                    + " bytes), the most a configuration file may hold");
        }
        return parse(bytes, where, mapper);
    }

    /**
     * Decode UTF-8 JSON (a leading byte order mark is skipped) and validate it; {@code where} starts every message
     * (e.g. {@code "--config rtc.json"}). Messages say where the text is wrong (a byte offset, or a line and column)
     * and what was expected there, never the text itself: a credential next to a syntax error is not shown.
     *
     * @throws BadConfigurationException for more than {@link #MAX_BYTES} bytes, bytes that are not UTF-8, text that
     *                                   is not JSON, JSON that is not an object, or a member of the wrong JSON type
     * @throws io.iceflux.InvalidIceServerException for an invalid URL or missing TURN credentials
     */
    public static Content parse(byte[] json, String where, ObjectMapper mapper) throws BadConfigurationException {
        if (json.length > MAX_BYTES) {
            throw new BadConfigurationException(where + ": larger than 1 MB (" + MAX_BYTES
                    + " bytes), the most a configuration may hold");
        }
        String text = utf8(json, where);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        JsonNode root;
        try {
            root = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new BadConfigurationException(where + ": " + syntaxError(e));
        }
        return parse(root, where);
    }

    /**
     * What the JSON parser's messages say, by a phrase of the parser's own (never of the text: a token it quotes has
     * no space), and what we say instead. The first match counts.
     */
    private static final List<Map.Entry<String, String>> SYNTAX_ERRORS = List.of(
            Map.entry("Unrecognized token", EXPECTED_VALUE),
            Map.entry("expected a valid value", EXPECTED_VALUE),
            Map.entry("double-quote to start field name", "expected a member name in double quotes"),
            Map.entry("colon to separate field name and value", "expected ':' after a member name"),
            Map.entry("comma to separate Object entries", "expected ',' or '}' after a member's value"),
            Map.entry("comma to separate Array entries", "expected ',' or ']' after an array element"),
            Map.entry("Illegal unquoted character",
                    "a control character (such as a line break or a tab) in a string must be escaped"),
            Map.entry("character escape",
                    "a backslash in a string must start an escape: \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX"),
            Map.entry("Unexpected close marker", "a ']' or '}' that does not match the '[' or '{' it closes"),
            Map.entry("numeric value", "an invalid number"),
            Map.entry("Leading zeroes", "an invalid number"),
            Map.entry("Non-standard token", "an invalid number"),
            Map.entry("comment", "JSON has no comments"));

    /**
     * What is wrong with JSON the parser rejected: where (line and column) and what was expected there, in words of
     * our own. The parser's message is only matched, never shown: it quotes the offending token, which may be a
     * credential someone forgot to put in quotes.
     */
    private static String syntaxError(JsonProcessingException e) {
        String jackson = String.valueOf(e.getOriginalMessage());
        String what;
        if (e instanceof StreamConstraintsException) {
            what = jackson.contains("nesting depth") ? "nested too deeply"
                    : "a number or a string is longer than the parser allows";
        } else if (e instanceof JsonEOFException) {
            what = "the file ends before the JSON does (is a ']', '}' or '\"' missing?)";
        } else {
            what = SYNTAX_ERRORS.stream().filter(rule -> jackson.contains(rule.getKey())).map(Map.Entry::getValue)
                    .findFirst().orElse("not JSON here");
        }
        JsonLocation location = e.getLocation();
        return location == null || location.getLineNr() < 1 ? "not valid JSON: " + what
                : "not valid JSON at line " + location.getLineNr() + ", column " + location.getColumnNr() + ": " + what;
    }

    private static String utf8(byte[] bytes, String where) throws BadConfigurationException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int offset = in.position();
            int line = 1;
            for (int i = 0; i < offset; i++) {
                if (bytes[i] == '\n') {
                    line++;
                }
            }
            throw new BadConfigurationException(where + ": not UTF-8: invalid byte sequence at byte offset " + offset
                    + " (line " + line + "); save the file as UTF-8");
        }
        return out.flip().toString();
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
