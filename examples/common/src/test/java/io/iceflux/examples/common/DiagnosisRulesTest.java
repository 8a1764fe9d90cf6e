package io.iceflux.examples.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iceflux.IceCandidate;
import io.iceflux.IceCandidateError;
import io.iceflux.IceConfiguration;
import io.iceflux.IceEvent;
import io.iceflux.IceServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every default diagnosis rule, from events constructed as the gatherer emits them: the exact verdict, and the JSON
 * summary's {@code diagnosis} for one. Rules that need a real server's behaviour are also tested end to end in the
 * probe ({@code ProbeDiagnosisTest}).
 */
class DiagnosisRulesTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String STUN = "stun:stun.example.org";
    static final String STUN2 = "stun:stun2.example.org";
    static final String TURN = "turn:turn.example.org";
    static final String TURN_TCP = "turn:turn.example.org?transport=tcp";
    static final String TURNS = "turns:turn.example.org";

    /** The checks of {@code servers} fed {@code events}. */
    static ServerChecks checks(List<IceServer> servers, IceEvent... events) {
        return checks(IceConfiguration.builder().servers(servers).build(), events);
    }

    static ServerChecks checks(IceConfiguration configuration, IceEvent... events) {
        ServerChecks checks = new ServerChecks(configuration);
        long t = 0;
        for (IceEvent event : events) {
            checks.offer(event, t += 10);
        }
        return checks;
    }

    static IceServer turn(String... urls) {
        return IceServer.of(List.of(urls), "alice", "secret");
    }

    static ServerCheck check(ServerChecks checks, String url) {
        return checks.checks().stream().filter(c -> c.url().equals(url)).findFirst().orElseThrow();
    }

    static IceEvent candidate(String url, IceCandidate.Type type, String address, int port, String relatedAddress,
            Integer relatedPort) {
        String sdp = "candidate:1 1 udp 100 " + address + " " + port + " typ " + type.sdpName()
                + (relatedAddress == null ? "" : " raddr " + relatedAddress + " rport " + relatedPort);
        return new IceEvent.CandidateGathered(0, IceCandidate.parse(sdp).toBuilder().url(url).build());
    }

    static IceEvent host(String address, int port) {
        return candidate(null, IceCandidate.Type.HOST, address, port, null, null);
    }

    static IceEvent srflx(String url, String address, int port, String base, int basePort) {
        return candidate(url, IceCandidate.Type.SRFLX, address, port, base, basePort);
    }

    static IceEvent relay(String url, String address, int port, String base, int basePort) {
        return candidate(url, IceCandidate.Type.RELAY, address, port, base, basePort);
    }

    static IceEvent error(String url, int code, String text) {
        return new IceEvent.CandidateError(0, IceCandidateError.withoutAddress(url, code, text));
    }

    static List<String> rules(ServerCheck check) {
        return check.diagnosis().stream().map(Diagnosis::rule).toList();
    }

    @Test
    void noRuleAppliesToAWorkingServer() {
        ServerChecks checks = checks(List.of(IceServer.of(STUN), turn(TURN)), host("10.0.0.2", 50000),
                srflx(STUN, "198.51.100.4", 50000, "10.0.0.2", 50000),
                relay(TURN, "203.0.113.10", 49152, "198.51.100.4", 50000));

        assertThat(checks.checks()).allSatisfy(c -> assertThat(c.diagnosis()).isEmpty());
        assertThat(check(checks, TURN).verdict()).isEqualTo(
                "reachable; credentials accepted; relay 203.0.113.10:49152 obtained in 30 ms");
    }

    @Test
    void turnRestExpired() {
        IceServer rest = IceServer.withSharedSecret(List.of(TURN), "s3cret", "alice", Duration.ofHours(1));
        Clock minted = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
        ServerChecks checks = checks(IceConfiguration.builder().server(rest).clock(minted).build(),
                error(TURN, 401, "Unauthorized"));

        assertThat(check(checks, TURN).verdict()).isEqualTo("TURN server answered 401 Unauthorized — not fatal for "
                + "the other servers; likely cause: the TURN REST credentials had expired: check the clocks of this "
                + "machine and the server, and the TTL [turn-rest-expired: 401 Unauthorized to credentials whose TURN "
                + "REST username expired at 2026-01-01T01:00:00Z]");
    }

    @Test
    void wrongCredentials() {
        ServerChecks checks = checks(List.of(turn(TURN)), error(TURN, 401, "Unauthorized"));

        assertThat(check(checks, TURN).verdict()).isEqualTo("TURN server answered 401 Unauthorized — not fatal for "
                + "the other servers; likely cause: the username or password is wrong: check both "
                + "[wrong-credentials: the TURN Allocate ended with 401 Unauthorized]");
    }

    @Test
    void wrongCredentialsWhenTheGathererAnsweredTheChallenge() {
        ServerChecks checks = checks(List.of(turn(TURN)), error(TURN, 401, "Unauthorized"));
        checks.unansweredChallenges(Map.of());

        assertThat(check(checks, TURN).diagnosis()).singleElement().satisfies(d -> {
            assertThat(d.rule()).isEqualTo("wrong-credentials");
            assertThat(d.evidence()).isEqualTo("the server answered 401 Unauthorized to the TURN Allocate signed "
                    + "with the configured credentials, after its challenge (REALM and NONCE) had been answered");
        });
    }

    @Test
    void wrongCredentialsWhenTheConfiguredOnesCannotAnswerTheChallenge() {
        ServerChecks checks = checks(List.of(turn(TURN)), error(TURN, 401, "Unauthorized"));
        checks.unansweredChallenges(Map.of("turn:turn.example.org:3478?transport=udp", "cannot answer the 401 "
                + "challenge: the configured credentials cannot answer it: the username is empty"));

        assertThat(check(checks, TURN).diagnosis()).singleElement().satisfies(d -> {
            assertThat(d.rule()).isEqualTo("wrong-credentials");
            assertThat(d.evidence()).isEqualTo("the server's 401 Unauthorized could not be answered: cannot answer "
                    + "the 401 challenge: the configured credentials cannot answer it: the username is empty");
        });
    }

    @Test
    void challengeWithoutRealm() {
        ServerChecks checks = checks(List.of(turn(TURN)), error(TURN, 401, "Unauthorized"));
        checks.unansweredChallenges(Map.of("turn:turn.example.org:3478?transport=udp",
                "cannot answer the 401 challenge: it has no REALM"));

        assertThat(check(checks, TURN).verdict()).isEqualTo("TURN server answered 401 Unauthorized — not fatal for "
                + "the other servers; likely cause: the server's 401 is not a challenge a TURN client can answer (no "
                + "REALM or NONCE): no working TURN server listens there (a STUN-only server, or another service), or "
                + "its authentication is misconfigured [challenge-without-realm: the TURN Allocate's 401 Unauthorized "
                + "could not be answered: cannot answer the 401 challenge: it has no REALM]");
    }

    @Test
    void quotaReachedAlsoInTheJsonSummary() {
        ServerChecks checks = checks(List.of(turn(TURN)), error(TURN, 486, "Allocation Quota Reached"));

        assertThat(check(checks, TURN).verdict()).isEqualTo("TURN server answered 486 Allocation Quota Reached — not "
                + "fatal for the other servers; likely cause: the server's allocation quota is used up (too many "
                + "allocations alive for this user or in total): wait for them to expire, or raise the quota (coturn "
                + "user-quota, total-quota) [quota-reached: the TURN Allocate was answered 486 Allocation Quota "
                + "Reached]");
        JsonNode server = ProbeJson.summary(JSON, checks, 99).get("servers").get(0);
        assertThat(server.get("diagnosis").toString()).isEqualTo("[{\"rule\":\"quota-reached\",\"cause\":\"the "
                + "server's allocation quota is used up (too many allocations alive for this user or in total): wait "
                + "for them to expire, or raise the quota (coturn user-quota, total-quota)\",\"evidence\":\"the TURN "
                + "Allocate was answered 486 Allocation Quota Reached\"}]");
    }

    @Test
    void tlsExpired() {
        String text = "TLS handshake with turn.example.org failed: certificate not trusted (NotAfter: Mon Jan 01 "
                + "00:00:00 UTC 2024).";
        ServerChecks checks = checks(List.of(turn(TURNS)), error(TURNS, 701, text));

        assertThat(check(checks, TURNS).verdict()).isEqualTo("no answer (701: " + text + ") — not fatal for the "
                + "other servers; likely cause: the server's TLS certificate has expired: renew it [tls-expired: 701 "
                + text + "]");
    }

    @Test
    void tlsWrongName() {
        String text = "TLS handshake with turn.example.org failed: certificate does not match the host name (No "
                + "subject alternative DNS name matching turn.example.org found.).";
        ServerChecks checks = checks(List.of(turn(TURNS)), error(TURNS, 701, text));

        assertThat(rules(check(checks, TURNS))).containsExactly("tls-wrong-name");
        assertThat(check(checks, TURNS).verdict()).isEqualTo("no answer (701: " + text + ") — not fatal for the "
                + "other servers; likely cause: the server's TLS certificate is for another name than the URL's "
                + "host: use a name the certificate names, or give the server a certificate for this one "
                + "[tls-wrong-name: 701 " + text + "]");
    }

    @Test
    void tlsUntrusted() {
        String text = "TLS handshake with turn.example.org failed: certificate not trusted (unable to find valid "
                + "certification path to requested target).";
        ServerChecks checks = checks(List.of(turn(TURNS)), error(TURNS, 701, text));

        assertThat(check(checks, TURNS).verdict()).isEqualTo("no answer (701: " + text + ") — not fatal for the "
                + "other servers; likely cause: the server's TLS certificate is not trusted here (self-signed, from a "
                + "private CA, or sent without its intermediate certificates): add the CA to the trust store, or fix "
                + "the chain [tls-untrusted: 701 " + text + "]");
    }

    @Test
    void notTls() {
        String text = "TLS handshake with turn.example.org failed: the server does not speak TLS (not an SSL/TLS "
                + "record).";
        ServerChecks checks = checks(List.of(turn(TURNS)), error(TURNS, 701, text));

        assertThat(check(checks, TURNS).verdict()).isEqualTo("no answer (701: " + text + ") — not fatal for the "
                + "other servers; likely cause: the port does not speak TLS: a turns:/stuns: URL that points at a "
                + "plain TCP port (or another service) [not-tls: 701 " + text + "]");
    }

    @Test
    void dnsLookupFailed() {
        ServerChecks checks = checks(List.of(IceServer.of(STUN)), error(STUN, 701, "STUN host lookup received error."));

        assertThat(check(checks, STUN).verdict()).isEqualTo("no answer (701: STUN host lookup received error.) — not "
                + "fatal for the other servers; likely cause: the server's host name does not resolve (a typo, no A "
                + "or AAAA record, or no working DNS here) [dns-lookup-failed: 701 STUN host lookup received error. "
                + "for stun.example.org]");
    }

    @Test
    void dnsFamilyMismatchNamesTheLocalFamily() {
        ServerChecks checks = checks(List.of(IceServer.of(STUN)), host("fd00::2", 50000),
                error(STUN, 701, "STUN server address is incompatible."));

        assertThat(check(checks, STUN).verdict()).isEqualTo("no answer (701: STUN server address is incompatible.) — "
                + "not fatal for the other servers; likely cause: the server's name has addresses of one family only "
                + "(A records but no AAAA, or AAAA but no A), and this machine gathers on the other family only: add "
                + "the missing record, or gather on an address of that family [dns-family-mismatch: stun.example.org "
                + "resolved, to no address of the family of this machine's local addresses (IPv6 only: fd00::2) "
                + "(701 STUN server address is incompatible.)]");
    }

    @Test
    void dnsFamilyMismatchIsNotClaimedForAnAddressLiteral() {
        String url = "stun:192.0.2.1";
        ServerChecks checks = checks(List.of(IceServer.of(url)), host("fd00::2", 50000),
                error(url, 701, "STUN server address is incompatible."));

        assertThat(check(checks, url).diagnosis()).isEmpty();
    }

    @Test
    void udpBlockedWhenTcpToTheSameHostIsAnswered() {
        ServerChecks checks = checks(List.of(IceServer.of(STUN.replace("stun.", "turn.")), turn(TURN, TURN_TCP)),
                host("10.0.0.2", 50000), relay(TURN_TCP, "203.0.113.10", 49152, "10.0.0.2", 41000),
                error(TURN, 701, "TURN allocate request timed out."),
                error("stun:turn.example.org", 701, "STUN binding request timed out."));

        assertThat(check(checks, TURN).verdict()).isEqualTo("no answer (701: TURN allocate request timed out.) — not "
                + "fatal for the other servers; likely cause: UDP to the server is blocked (a firewall drops it on the "
                + "way, or the server does not listen on UDP): TURN over TCP or TLS (turn:…?transport=tcp, turns:) "
                + "gets through [udp-blocked: turn:turn.example.org?transport=tcp reached turn.example.org over TCP "
                + "(relay 203.0.113.10:49152), while no UDP request to turn.example.org was answered (701 TURN "
                + "allocate request timed out.)]");
        assertThat(rules(check(checks, "stun:turn.example.org"))).containsExactly("udp-blocked");
        assertThat(check(checks, TURN_TCP).diagnosis()).isEmpty();
    }

    @Test
    void udpBlockedCountsAnAnswerOverTcpThatIsAnError() {
        ServerChecks checks = checks(List.of(turn(TURN, TURN_TCP)), error(TURN_TCP, 401, "Unauthorized"),
                error(TURN, 701, "Gathering deadline of 10 s passed before the TURN allocate request completed."));

        assertThat(check(checks, TURN).diagnosis()).singleElement().satisfies(d -> assertThat(d.evidence())
                .isEqualTo("turn:turn.example.org?transport=tcp reached turn.example.org over TCP (it answered 401 "
                        + "Unauthorized), while no UDP request to turn.example.org was answered (701 Gathering "
                        + "deadline of 10 s passed before the TURN allocate request completed.)"));
    }

    @Test
    void udpIsNotBlockedWhenAUdpUrlOfTheHostWasAnswered() {
        ServerChecks checks = checks(List.of(IceServer.of("stun:turn.example.org"),
                        IceServer.of("stun:turn.example.org:3479"), turn(TURN_TCP)),
                srflx("stun:turn.example.org", "198.51.100.4", 50000, "10.0.0.2", 50000),
                relay(TURN_TCP, "203.0.113.10", 49152, "10.0.0.2", 41000),
                error("stun:turn.example.org:3479", 701, "STUN binding request timed out."));

        assertThat(check(checks, "stun:turn.example.org:3479").diagnosis()).isEmpty();
    }

    @Test
    void wrongSourceWhenTheGathererDroppedResponsesFromAnotherAddress() {
        ServerChecks checks = checks(List.of(IceServer.of(STUN)), error(STUN, 701, "STUN binding request timed out."));
        assertThat(check(checks, STUN).diagnosis()).as("unknown drops").isEmpty();

        checks.responsesFromWrongAddress(3);

        assertThat(check(checks, STUN).verdict()).isEqualTo("no answer (701: STUN binding request timed out.) — not "
                + "fatal for the other servers; likely cause: the server answers from another address or port than "
                + "the one it was asked at (a multihomed server without listening-ip, or a NAT in front of it), so "
                + "its answers are dropped [wrong-source: 3 response(s) in this gathering came from another address "
                + "than the one their request went to and were dropped (wrong-source), then the request timed out "
                + "(701 STUN binding request timed out.)]");
        checks.responsesFromWrongAddress(0);
        assertThat(check(checks, STUN).diagnosis()).isEmpty();
        assertThatThrownBy(() -> checks.responsesFromWrongAddress(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void privateRelayFromAServerAtAPublicAddress() {
        String url = "turn:203.0.113.10";
        ServerChecks checks = checks(List.of(turn(url)), host("192.168.1.20", 50000),
                relay(url, "10.0.0.5", 49152, "192.168.1.20", 50000));

        assertThat(check(checks, url).verdict()).isEqualTo("reachable; credentials accepted; relay 10.0.0.5:49152 "
                + "obtained in 20 ms; note: the server hands out relay addresses of a private network while it is "
                + "reached across the internet: its external address is probably not configured (coturn "
                + "external-ip), so peers cannot reach the relay [private-relay: relay 10.0.0.5:49152 is a private "
                + "address, while the server's address 203.0.113.10 is public]");
    }

    @Test
    void privateRelayFromANamedServerWhenThisMachineHasAPublicMapping() {
        ServerChecks checks = checks(List.of(IceServer.of(STUN), turn(TURN)),
                srflx(STUN, "198.51.100.4", 50000, "192.168.1.20", 50000),
                relay(TURN, "172.16.0.9", 49152, "198.51.100.4", 50000));

        assertThat(check(checks, TURN).diagnosis()).singleElement().satisfies(d -> {
            assertThat(d.rule()).isEqualTo("private-relay");
            assertThat(d.evidence()).isEqualTo("relay 172.16.0.9:49152 is a private address, while this machine's "
                    + "server-reflexive address 198.51.100.4 (from stun:stun.example.org) is public, so servers are "
                    + "reached across the internet");
        });
    }

    @Test
    void aPrivateRelayOfAPrivateServerIsFine() {
        String url = "turn:10.0.0.1";
        ServerChecks checks = checks(List.of(turn(url)), host("10.0.0.2", 50000),
                relay(url, "10.0.0.1", 49152, "10.0.0.2", 50000));

        assertThat(check(checks, url).diagnosis()).isEmpty();
    }

    @Test
    void symmetricNatWhenTwoServersSeeDifferentMappingsOfOneSocket() {
        ServerChecks checks = checks(List.of(IceServer.of(STUN), IceServer.of(STUN2)), host("10.0.0.2", 50000),
                srflx(STUN, "198.51.100.4", 61000, "10.0.0.2", 50000),
                srflx(STUN2, "198.51.100.4", 61001, "10.0.0.2", 50000));

        assertThat(check(checks, STUN).verdict()).isEqualTo("reachable; server-reflexive address 198.51.100.4:61000 "
                + "obtained in 20 ms; note: this machine is behind a symmetric NAT (each server sees another mapping "
                + "of the same local address): peers will need a TURN relay to reach it [symmetric-nat: from local "
                + "10.0.0.2:50000, stun:stun.example.org saw 198.51.100.4:61000 but stun:stun2.example.org saw "
                + "198.51.100.4:61001]");
        assertThat(rules(check(checks, STUN2))).containsExactly("symmetric-nat");
    }

    @Test
    void theSameMappingFromEveryServerIsNoSymmetricNat() {
        ServerChecks checks = checks(List.of(IceServer.of(STUN), IceServer.of(STUN2)),
                srflx(STUN, "198.51.100.4", 61000, "10.0.0.2", 50000),
                srflx(STUN2, "198.51.100.4", 61000, "10.0.0.2", 50000),
                srflx(STUN2, "198.51.100.4", 61002, "10.0.0.3", 50000));

        assertThat(checks.checks()).allSatisfy(c -> assertThat(c.diagnosis()).isEmpty());
    }

    @Test
    void theTerminalSeesEscapedEvidenceAndJsonTheVerbatimText() {
        ServerChecks checks = checks(List.of(turn(TURN)), error(TURN, 486, "Quota\u001B[2J"));

        ServerCheck check = check(checks, TURN);
        assertThat(check.verdict(TerminalText::field)).endsWith("[quota-reached: the TURN Allocate was answered 486 "
                + "Quota\\u001B[2J]");
        assertThat(check.diagnosis().get(0).evidence()).isEqualTo("the TURN Allocate was answered 486 Quota\u001B[2J");
    }

    @Test
    void portUnreachable() {
        ServerChecks checks = checks(List.of(IceServer.of(STUN)), error(STUN, 701,
                "STUN binding request failed: port unreachable (ICMP)."));

        assertThat(check(checks, STUN).verdict()).isEqualTo("unreachable (701: STUN binding request failed: port "
                + "unreachable (ICMP).) — not fatal for the other servers; likely cause: nothing listens on that UDP "
                + "port on the server's host (the server is not running, listens on another port, or only on TCP): "
                + "check the port and that the server runs [port-unreachable: the server's host answered the "
                + "request with ICMP port unreachable (701 STUN binding request failed: port unreachable (ICMP).)]");
        assertThat(rules(check(checks, STUN))).containsExactly("port-unreachable");
    }

    @Test
    void hostUnreachable() {
        ServerChecks checks = checks(List.of(turn(TURN)), error(TURN, 701,
                "TURN allocate request failed: host unreachable (ICMP)."));

        assertThat(rules(check(checks, TURN))).containsExactly("host-unreachable");
        assertThat(check(checks, TURN).diagnosis().get(0).evidence()).isEqualTo("the request was answered with "
                + "ICMP unreachable (701 TURN allocate request failed: host unreachable (ICMP).)");
        ServerChecks network = checks(List.of(turn(TURN)), error(TURN, 701,
                "TURN allocate request failed: network unreachable (ICMP)."));
        assertThat(rules(check(network, TURN))).containsExactly("host-unreachable");
    }

    @Test
    void rulesAreDataThatACallerExtends() {
        DiagnosisRule busy = new DiagnosisRule("server-busy", "the server is overloaded",
                f -> f.failedWith(508),
                (f, text) -> "508 " + text.apply(f.error().orElseThrow().errorText()));
        List<DiagnosisRule> rules = new ArrayList<>(DiagnosisRules.DEFAULTS);
        rules.add(busy);
        ServerChecks checks = new ServerChecks(IceConfiguration.builder().server(turn(TURN)).build(), 2, rules);
        checks.offer(new IceEvent.CandidateError(2, IceCandidateError.withoutAddress(TURN, 508,
                "Insufficient Capacity")), 5);

        assertThat(checks.generation()).isEqualTo(2);
        assertThat(rules(check(checks, TURN))).containsExactly("server-busy");
        assertThat(ProbeJson.summary(JSON, checks, 7).get("generation").asInt()).isEqualTo(2);
        assertThatThrownBy(() -> new DiagnosisRule("Bad Id", "c", f -> true, (f, t) -> ""))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(DiagnosisRules.DEFAULTS).extracting(DiagnosisRule::id).doesNotHaveDuplicates();
    }
}
