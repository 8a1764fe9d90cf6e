package io.iceflux.netty.internal.turn;

import static org.assertj.core.api.Assertions.assertThat;

import io.iceflux.ServerTransport;
import io.iceflux.netty.internal.transport.StunTransportException;
import io.iceflux.netty.internal.turn.ScriptedTransport.Sent;
import io.iceflux.netty.stun.StunAttribute;
import io.iceflux.netty.stun.StunAttribute.AddressErrorCode;
import io.iceflux.netty.stun.StunAttribute.AdditionalAddressFamily;
import io.iceflux.netty.stun.StunAttribute.Lifetime;
import io.iceflux.netty.stun.StunAttribute.RequestedAddressFamily;
import io.iceflux.netty.stun.StunAttribute.RequestedTransport;
import io.iceflux.netty.stun.StunAttribute.Software;
import io.iceflux.netty.stun.StunAttribute.Unknown;
import io.iceflux.netty.stun.StunAttribute.XorMappedAddress;
import io.iceflux.netty.stun.StunAttribute.XorRelayedAddress;
import io.iceflux.netty.stun.StunMessage;
import io.iceflux.netty.stun.StunMethod;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/**
 * The address families of an Allocate ({@link RelayFamilies}), against a scripted server: what each policy sends,
 * which relayed addresses it keeps, its fallbacks (440 to an IPv6 request, 400/440 to a dual one) and what stays a
 * failure. The same behaviour against coturn is in {@code GathererIpv6CoturnTest}.
 */
class TurnClientAddressFamilyTest extends TurnFixture {

    static final InetSocketAddress RELAYED6 = new InetSocketAddress("2001:db8::7", 49_200);
    static final InetSocketAddress HOST6 = new InetSocketAddress("::1", 50_000);
    static final InetSocketAddress SERVER6 = new InetSocketAddress("::1", 3478);
    static final InetSocketAddress MAPPED6 = new InetSocketAddress("::1", 50_000);

    final ScriptedTransport udp6 = new ScriptedTransport(script, HOST6, ServerTransport.UDP);

    TurnRequest request(RelayFamilies families) {
        return new TurnRequest(udp, false, SERVER, HOST_NAME, ServerTransport.UDP, udpRequest().credentials(), null,
                SOFTWARE, TIMERS, factory, scheduler, families);
    }

    TurnRequest request6(RelayFamilies families) {
        return new TurnRequest(udp6, false, SERVER6, HOST_NAME, ServerTransport.UDP, udpRequest().credentials(),
                null, SOFTWARE, TIMERS, factory, scheduler, families);
    }

    static StunMessage unauthorized(StunMessage r) {
        return Script.unauthorized(r, REALM, "nonce-1");
    }

    static List<StunAttribute> leading(Sent sent) {
        return sent.request().attributes().stream()
                .filter(a -> !(a instanceof io.iceflux.netty.stun.StunAttribute.Username
                        || a instanceof io.iceflux.netty.stun.StunAttribute.Realm
                        || a instanceof io.iceflux.netty.stun.StunAttribute.Nonce))
                .toList();
    }

    @Test
    void thePolicyFollowsTheHostSocketsFamily() throws Exception {
        assertThat(RelayFamilies.forHost(java.net.InetAddress.getByName("127.0.0.1")))
                .isEqualTo(RelayFamilies.IPV4_AND_IPV6);
        assertThat(RelayFamilies.forHost(java.net.InetAddress.getByName("::1"))).isEqualTo(RelayFamilies.IPV6);
    }

    @Test
    void anIpv6RequestCarriesRequestedAddressFamilyAndKeepsTheIpv6Relay() {
        script.respond(TurnClientAddressFamilyTest::unauthorized)
                .respond(r -> Script.success(r, new XorRelayedAddress(RELAYED6), new XorMappedAddress(MAPPED6),
                        new Lifetime(600)));

        StepVerifier.create(new TurnClient(request6(RelayFamilies.IPV6)).allocate()).assertNext(allocation -> {
            assertThat(allocation.relayedAddress()).isEqualTo(RELAYED6);
            assertThat(allocation.additionalRelayedAddresses()).isEmpty();
        }).verifyComplete();

        assertThat(udp6.sent()).allSatisfy(s -> assertThat(leading(s)).containsExactly(
                new RequestedTransport(17), new RequestedAddressFamily(2), new Software(SOFTWARE)));
    }

    @Test
    void anIpv6RequestAnswered440AsksAgainWithoutTheFamilyAndKeepsTheIpv4Relay() {
        script.respond(TurnClientAddressFamilyTest::unauthorized)
                .respond(r -> Script.error(r, 440, "Address Family not Supported"))
                .respond(r -> Script.success(r, new XorRelayedAddress(RELAYED), new XorMappedAddress(MAPPED6),
                        new Lifetime(600)));

        StepVerifier.create(new TurnClient(request6(RelayFamilies.IPV6)).allocate())
                .assertNext(allocation -> assertThat(allocation.relayedAddress()).isEqualTo(RELAYED))
                .verifyComplete();

        List<Sent> sent = udp6.sent();
        assertThat(sent).hasSize(3);
        assertThat(leading(sent.get(1))).contains(new RequestedAddressFamily(2));
        assertThat(leading(sent.get(2))).containsExactly(new RequestedTransport(17), new Software(SOFTWARE));
        assertSigned(sent.get(2), md5Key(), false);
        assertThat(sent.get(2).destination()).isEqualTo(SERVER6);
    }

    @Test
    void anIpv6RequestAnsweredWithAnIpv4RelayIsRefusedAndDeleted() {
        script.respond(TurnClientAddressFamilyTest::unauthorized)
                .respond(r -> Script.success(r, new XorRelayedAddress(RELAYED), new XorMappedAddress(MAPPED6)))
                .respond(r -> Script.success(r, new Lifetime(0)));

        StepVerifier.create(new TurnClient(request6(RelayFamilies.IPV6)).allocate())
                .expectErrorSatisfies(e -> assertThat(e)
                        .isInstanceOf(StunTransportException.UnusableAddress.class)
                        .hasMessage("TURN allocate response with an unusable relayed address 127.0.0.1:49152 "
                                + "(IPv4, not the IPv6 that was requested)."))
                .verify();
        assertThat(udp6.sent()).last().satisfies(s -> assertThat(s.request().method()).isEqualTo(StunMethod.REFRESH));
    }

    @Test
    void aDualRequestKeepsBothRelaysOfOneAllocation() {
        script.respond(TurnClientAddressFamilyTest::unauthorized)
                .respond(r -> Script.success(r, new XorRelayedAddress(RELAYED6), new XorRelayedAddress(RELAYED),
                        new XorMappedAddress(MAPPED), new Lifetime(600)))
                .respond(r -> Script.success(r, new Lifetime(0)));

        TurnAllocation allocation = new TurnClient(request(RelayFamilies.IPV4_AND_IPV6)).allocate().block();

        assertThat(allocation.relayedAddress()).as("the IPv4 relay first, wherever it is").isEqualTo(RELAYED);
        assertThat(allocation.additionalRelayedAddresses()).containsExactly(RELAYED6);
        assertThat(udp.sent()).allSatisfy(s -> assertThat(leading(s)).containsExactly(
                new RequestedTransport(17), new AdditionalAddressFamily(2), new Software(SOFTWARE)));

        StepVerifier.create(allocation.release()).verifyComplete();
        assertThat(udp.sent()).hasSize(3).last().satisfies(s -> {
            assertThat(s.request().method()).isEqualTo(StunMethod.REFRESH);
            assertThat(s.request().attribute(Lifetime.class)).contains(new Lifetime(0));
        });
    }

    @Test
    void coturnIsAlsoAskedWithItsDraftAttributeAndItsPlaceholderIsDropped() {
        Software coturn = new Software("Coturn-4.6.1 'Gorst'");
        script.respond(r -> Script.unauthorized(r, REALM, "nonce-1", coturn))
                .respond(r -> Script.success(r, new XorRelayedAddress(RELAYED),
                        new XorRelayedAddress(new InetSocketAddress("0.0.0.0", 0)), new XorMappedAddress(MAPPED),
                        new Lifetime(600), new Unknown(TurnClient.COTURN_ADDRESS_ERROR_CODE,
                                new byte[] {2, 0, 4, 40, 'n', 'o'}), coturn));

        StepVerifier.create(new TurnClient(request(RelayFamilies.IPV4_AND_IPV6)).allocate())
                .assertNext(allocation -> {
                    assertThat(allocation.relayedAddress()).isEqualTo(RELAYED);
                    assertThat(allocation.additionalRelayedAddresses()).isEmpty();
                }).verifyComplete();

        List<Sent> sent = udp.sent();
        assertThat(leading(sent.get(0))).containsExactly(new RequestedTransport(17), new AdditionalAddressFamily(2),
                new Software(SOFTWARE));
        assertThat(leading(sent.get(1))).containsExactly(new RequestedTransport(17), new AdditionalAddressFamily(2),
                new Unknown(0x8032, new byte[] {2, 0, 0, 0}), new Software(SOFTWARE));
    }

    @Test
    void aDualAllocationHalfGrantedWithAddressErrorCodeKeepsTheIpv4Relay() {
        script.respond(TurnClientAddressFamilyTest::unauthorized)
                .respond(r -> Script.success(r, new XorRelayedAddress(RELAYED), new XorMappedAddress(MAPPED),
                        new Lifetime(600), new AddressErrorCode(2, 440, "Address Family not Supported")));

        StepVerifier.create(new TurnClient(request(RelayFamilies.IPV4_AND_IPV6)).allocate())
                .assertNext(allocation -> {
                    assertThat(allocation.relayedAddress()).isEqualTo(RELAYED);
                    assertThat(allocation.additionalRelayedAddresses()).isEmpty();
                }).verifyComplete();
    }

    @Test
    void anIpv4AdditionalRelayIsNotWhatWasAskedForAndIsDropped() {
        InetSocketAddress other = new InetSocketAddress("192.0.2.9", 49_300);
        script.respond(r -> Script.success(r, new XorRelayedAddress(RELAYED), new XorRelayedAddress(other)));

        StepVerifier.create(new TurnClient(request(RelayFamilies.IPV4_AND_IPV6)).allocate())
                .assertNext(allocation -> assertThat(allocation.additionalRelayedAddresses()).isEmpty())
                .verifyComplete();
    }

    @Test
    void aDualRequestAnswered400Or440IsAskedAgainPlainOnce() {
        for (int code : new int[] {400, 440}) {
            ScriptedTransport socket = new ScriptedTransport(script, HOST, ServerTransport.UDP);
            TurnRequest request = new TurnRequest(socket, false, SERVER, HOST_NAME, ServerTransport.UDP,
                    udpRequest().credentials(), null, SOFTWARE, TIMERS, factory, scheduler,
                    RelayFamilies.IPV4_AND_IPV6);
            script.respond(TurnClientAddressFamilyTest::unauthorized)
                    .respond(r -> Script.error(r, code, "no dual allocation here"))
                    .respond(TurnFixture::allocated);

            StepVerifier.create(new TurnClient(request).allocate())
                    .assertNext(allocation -> assertThat(allocation.relayedAddress()).isEqualTo(RELAYED))
                    .verifyComplete();

            assertThat(socket.sent()).hasSize(3);
            assertThat(leading(socket.sent().get(2))).containsExactly(new RequestedTransport(17),
                    new Software(SOFTWARE));
        }
    }

    @Test
    void aPlainRequestAnswered440AgainFailsWith440() {
        script.respond(TurnClientAddressFamilyTest::unauthorized)
                .respond(r -> Script.error(r, 440, "Address Family not Supported"))
                .respond(r -> Script.error(r, 440, "Address Family not Supported"));

        StepVerifier.create(new TurnClient(request6(RelayFamilies.IPV6)).allocate())
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(StunTransportException.ErrorResponse.class);
                    assertThat(((StunTransportException.ErrorResponse) e).code()).isEqualTo(440);
                    assertThat(((StunTransportException.ErrorResponse) e).reason())
                            .isEqualTo("Address Family not Supported");
                })
                .verify();
        assertThat(udp6.sent()).hasSize(3);
    }

    @Test
    void a443IsAnErrorResponseLikeAnyOther() {
        script.respond(TurnClientAddressFamilyTest::unauthorized)
                .respond(r -> Script.error(r, 443, "Peer Address Family Mismatch"));

        StepVerifier.create(new TurnClient(request(RelayFamilies.IPV4_AND_IPV6)).allocate())
                .expectErrorSatisfies(e -> assertThat(e).hasMessage("443 Peer Address Family Mismatch"))
                .verify();
        assertThat(udp.sent()).hasSize(2);
    }
}
