package io.iceflux.examples.web;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 requests written on a plain socket and then reset: the client closes with {@code SO_LINGER} 0, so the
 * server sees a TCP RST instead of an orderly close, as when a browser tab or a proxy goes away.
 */
final class RawHttpClient {

    private RawHttpClient() {
    }

    /**
     * Send the headers of {@code POST path} with a {@code Content-Length} of all of {@code body}, then the first
     * {@code bodyBytesSent} bytes of the body, then reset the connection without reading anything.
     */
    static void postThenReset(int port, String path, String body, int bodyBytesSent) {
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        String head = "POST " + path + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + port + "\r\n"
                + "Content-Type: application/json\r\n"
                + "Accept: text/event-stream\r\n"
                + "Content-Length: " + content.length + "\r\n"
                + "\r\n";
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoLinger(true, 0);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(content, 0, Math.min(bodyBytesSent, content.length));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("request to 127.0.0.1:" + port + " failed", e);
        }
    }
}
