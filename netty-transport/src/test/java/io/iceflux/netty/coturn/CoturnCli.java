package io.iceflux.netty.coturn;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Talks to coturn's telnet CLI: connects, answers the password prompt and runs {@code ps}, whose output ends
 * with {@code "  Total sessions: N"} followed by the {@code "> "} prompt (coturn 4.6.1). Every call uses a fresh
 * connection, closed afterwards.
 */
final class CoturnCli {

    private static final Pattern TOTAL_SESSIONS = Pattern.compile("Total sessions: (\\d+)\\s*\\r?\\n[\\s\\S]*> ");
    private static final String PASSWORD_PROMPT = "Enter password:";
    private static final String PROMPT = "> ";

    private final InetSocketAddress address;
    private final String password;
    private final Duration timeout;

    CoturnCli(InetSocketAddress address, String password, Duration timeout) {
        this.address = address;
        this.password = password;
        this.timeout = timeout;
    }

    /**
     * Returns the number coturn prints after {@code Total sessions:} for {@code ps}: the TURN allocations alive.
     *
     * @throws CoturnException if the CLI cannot be reached, rejects the password or prints something else
     */
    int totalSessions() {
        try (Socket socket = new Socket()) {
            int millis = Math.toIntExact(timeout.toMillis());
            socket.connect(address, millis);
            socket.setSoTimeout(millis);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            StringBuilder seen = new StringBuilder();
            readUntil(in, seen, s -> s.contains(PASSWORD_PROMPT), "the password prompt");
            send(out, password);
            seen.setLength(0);
            readUntil(in, seen, s -> s.endsWith(PROMPT) || s.contains(PASSWORD_PROMPT), "the prompt after login");
            if (!seen.toString().endsWith(PROMPT)) {
                throw new CoturnException("coturn's CLI at " + address + " rejected the password; it printed: "
                        + seen.toString().strip());
            }
            send(out, "ps");
            seen.setLength(0);
            readUntil(in, seen, s -> TOTAL_SESSIONS.matcher(s).find(), "'Total sessions: N' after ps");
            Matcher matcher = TOTAL_SESSIONS.matcher(seen);
            if (!matcher.find()) {
                throw new IllegalStateException("readUntil returned without a match");
            }
            send(out, "quit");
            return Integer.parseInt(matcher.group(1));
        } catch (IOException e) {
            throw new CoturnException("coturn's CLI at " + address + " failed: " + e, e);
        }
    }

    private interface Done {
        boolean test(String seen);
    }

    private void readUntil(InputStream in, StringBuilder seen, Done done, String what) throws IOException {
        byte[] buffer = new byte[4096];
        while (!done.test(seen.toString())) {
            int n;
            try {
                n = in.read(buffer);
            } catch (SocketTimeoutException e) {
                throw new CoturnException("coturn's CLI at " + address + " did not print " + what + " within "
                        + timeout.toMillis() + " ms; it printed: " + seen.toString().strip(), e);
            }
            if (n < 0) {
                throw new CoturnException("coturn's CLI at " + address + " closed the connection before " + what
                        + "; it printed: " + seen.toString().strip());
            }
            seen.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
        }
    }

    private static void send(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }
}
