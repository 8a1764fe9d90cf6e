package io.iceflux.netty.stun;

import static org.assertj.core.api.Assertions.assertThat;

import io.iceflux.netty.stun.StunAttribute.AddressErrorCode;
import io.iceflux.netty.stun.StunAttribute.AdditionalAddressFamily;
import io.iceflux.netty.stun.StunAttribute.RequestedAddressFamily;
import io.iceflux.netty.stun.StunAttribute.RequestedTransport;
import io.iceflux.netty.stun.StunAttribute.XorMappedAddress;
import io.iceflux.netty.stun.StunAttribute.XorRelayedAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/**
 * The RFC 8656 address-family attributes in whole messages: an Allocate asking for an IPv6 relay or a dual
 * allocation, and the success of a dual allocation with two XOR-RELAYED-ADDRESS (or one and ADDRESS-ERROR-CODE),
 * encoded and decoded back with every attribute in order. Malformed values are in
 * {@link StunCodecHostileInputTest}.
 */
class AddressFamilyAttributesTest {

    private static StunMessage roundTrip(StunMessage message) {
        ByteBuf wire = StunCodec.encode(message, ByteBufAllocator.DEFAULT,
                StunEncodeOptions.defaults().fingerprint(true));
        try {
            return StunCodec.decode(wire);
        } finally {
            wire.release();
        }
    }

    @Test
    void anAllocateForAnIpv6RelayKeepsItsFamily() {
        StunMessage allocate = StunMessage.builder(StunClass.REQUEST, StunMethod.ALLOCATE)
                .add(new RequestedTransport(RequestedTransport.UDP))
                .add(new RequestedAddressFamily(0x02)).build();

        StunMessage decoded = roundTrip(allocate);

        assertThat(decoded.attributes()).startsWith(new RequestedTransport(17), new RequestedAddressFamily(2))
                .hasSize(3); // and FINGERPRINT
    }

    @Test
    void anAllocateForADualAllocationKeepsItsAdditionalFamily() {
        StunMessage allocate = StunMessage.builder(StunClass.REQUEST, StunMethod.ALLOCATE)
                .add(new RequestedTransport(RequestedTransport.UDP))
                .add(new AdditionalAddressFamily(0x02)).build();

        assertThat(roundTrip(allocate).attribute(AdditionalAddressFamily.class))
                .contains(new AdditionalAddressFamily(2));
    }

    @Test
    void aDualAllocationSuccessHasBothRelayedAddressesInOrder() {
        InetSocketAddress v4 = new InetSocketAddress("192.0.2.15", 50_000);
        InetSocketAddress v6 = new InetSocketAddress("2001:db8::15", 50_002);
        StunMessage success = StunMessage.builder(StunClass.SUCCESS_RESPONSE, StunMethod.ALLOCATE)
                .add(new XorRelayedAddress(v4)).add(new XorRelayedAddress(v6))
                .add(new XorMappedAddress(new InetSocketAddress("198.51.100.2", 40_000))).build();

        StunMessage decoded = roundTrip(success);

        assertThat(decoded.attributes(XorRelayedAddress.class)).extracting(XorRelayedAddress::address)
                .containsExactly(v4, v6);
    }

    @Test
    void aHalfGrantedDualAllocationCarriesTheAddressErrorOfTheMissingFamily() {
        StunMessage success = StunMessage.builder(StunClass.SUCCESS_RESPONSE, StunMethod.ALLOCATE)
                .add(new XorRelayedAddress(new InetSocketAddress("192.0.2.15", 50_000)))
                .add(new AddressErrorCode(0x02, 440, "Address Family not Supported")).build();

        StunMessage decoded = roundTrip(success);

        assertThat(decoded.attributes(XorRelayedAddress.class)).hasSize(1);
        assertThat(decoded.attribute(AddressErrorCode.class))
                .contains(new AddressErrorCode(2, 440, "Address Family not Supported"));
    }
}
