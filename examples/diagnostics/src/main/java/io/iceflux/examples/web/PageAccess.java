package io.iceflux.examples.web;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may use the page and what it may probe, decided once at start-up from where it listens ({@code server.address},
 * 127.0.0.1 unless configured), {@code iceflux.diagnostics.allow} and the password.
 * <ul>
 * <li>Listening on loopback with no allowlist: it probes whatever a visitor asks for (only people on this machine
 * can ask).</li>
 * <li>With an allowlist — required when it listens on any other address (exposed) — it probes only what the rules
 * allow, plus, in demo mode, the embedded demo server's own ports on loopback.</li>
 * <li>Exposed with no rule at all (no allowlist, no demo mode) it refuses to start: such a page would make this
 * server a port scanner of its own network for anyone who reaches it.</li>
 * <li>With a password it asks for it on every request ({@link PasswordFilter}); exposed without one, a warning is
 * logged.</li>
 * </ul>
 *
 * @param listensOn where the page listens, as a person reads it
 * @param exposed   whether that is anything but loopback
 * @param allowlist the rules in force; empty when every server may be probed
 * @param password  the password asked for; empty when none is
 */
record PageAccess(String listensOn, boolean exposed, Optional<Allowlist> allowlist, Optional<PagePassword> password) {

    /** The property that says where the page listens (Spring Boot's). */
    static final String ADDRESS_PROPERTY = "server.address";

    private static final Logger log = LoggerFactory.getLogger(PageAccess.class);

    /**
     * Decide, and log what was decided.
     *
     * @param serverAddress   {@value #ADDRESS_PROPERTY}: {@code null} or blank for every interface
     * @param demo            the demo servers, {@code null} outside demo mode
     * @param fromEnvironment the value of {@value PagePassword#ENVIRONMENT}, {@code null} when unset
     * @throws IllegalArgumentException when the page would be exposed with no rule, or for an unusable password
     *                                  setting, naming the setting and what to do
     */
    static PageAccess decide(DiagnosticsProperties properties, String serverAddress, DemoServers demo,
            String fromEnvironment) {
        boolean everyInterface = serverAddress == null || serverAddress.isBlank();
        String listensOn = everyInterface ? "every interface" : serverAddress.trim();
        boolean exposed = everyInterface || !loopback(serverAddress.trim());
        Allowlist configured = properties.allowlist();
        Optional<Allowlist> inForce = Optional.empty();
        if (exposed || !configured.isEmpty()) {
            inForce = Optional.of(demo == null ? configured : configured.with(demo.address(), demo.ports()));
        }
        if (exposed && inForce.get().isEmpty()) {
            throw new IllegalArgumentException("The page would listen on " + listensOn + " (" + ADDRESS_PROPERTY
                    + "), not on loopback, and " + Allowlist.PROPERTY + " is empty: anyone who reaches it could make"
                    + " this server connect to any host and port of its network (a port scanner). Set "
                    + Allowlist.PROPERTY + " to the STUN/TURN servers it may probe (e.g. " + Allowlist.PROPERTY
                    + "=turn.example.org:3478,10.1.0.0/16:3478-3479) and a password (" + PagePassword.FILE_PROPERTY
                    + " or " + PagePassword.ENVIRONMENT + "), or listen on loopback only (" + ADDRESS_PROPERTY
                    + "=127.0.0.1, the default)");
        }
        Optional<PagePassword> password = PagePassword.load(properties.passwordFile(), fromEnvironment);
        PageAccess access = new PageAccess(listensOn, exposed, inForce, password);
        access.log();
        return access;
    }

    private static boolean loopback(String address) {
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(ADDRESS_PROPERTY + " " + address + ": not an address of this machine");
        }
    }

    private void log() {
        String rules = allowlist.map(a -> "it probes only " + a)
                .orElse("it probes any server a visitor names (set " + Allowlist.PROPERTY + " to restrict it)");
        log.info("The page listens on {}; {}; {}", listensOn, rules,
                password.isPresent() ? "it asks for a password" : "it asks for no password");
        if (exposed && password.isEmpty()) {
            log.warn("The page listens on {}, not on loopback, and asks for no password: anyone who reaches it can"
                    + " use it. Set {} or the environment variable {}", listensOn, PagePassword.FILE_PROPERTY,
                    PagePassword.ENVIRONMENT);
        }
    }
}
