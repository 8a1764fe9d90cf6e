package io.iceflux.benchmarks.jmh;

import java.nio.charset.StandardCharsets;
import org.ice4j.StunException;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.AttributeFactory;
import org.ice4j.attribute.ErrorCodeAttribute;
import org.ice4j.attribute.LifetimeAttribute;
import org.ice4j.attribute.MessageIntegrityAttribute;
import org.ice4j.attribute.NonceAttribute;
import org.ice4j.attribute.RealmAttribute;
import org.ice4j.attribute.UsernameAttribute;
import org.ice4j.attribute.XorMappedAddressAttribute;
import org.ice4j.attribute.XorRelayedAddressAttribute;
import org.ice4j.message.Message;
import org.ice4j.message.MessageFactory;
import org.ice4j.message.Request;
import org.ice4j.message.Response;
import org.ice4j.security.CredentialsAuthority;
import org.ice4j.stack.RawMessage;
import org.ice4j.stack.StunStack;

/**
 * ice4j's side of the codec benchmark: the same messages as {@link CodecFixtures}, built with ice4j's
 * {@code MessageFactory} and {@code AttributeFactory}, encoded and signed by {@code Message.encode(StunStack)}, decoded
 * by {@code Message.decode} (which checks FINGERPRINT) and verified by {@code StunStack.validateMessageIntegrity}, the
 * call ice4j's own TURN harvester makes. The stack's credentials authority hands out the precomputed long-term key,
 * so ice4j, like IceFlux, does not derive the key per message (its {@code LongTermCredentialSession} would run MD5 on
 * every call; that cost is left out in ice4j's favour).
 */
final class Ice4jCodec implements AutoCloseable {

    static final TransportAddress MAPPED = new TransportAddress(CodecFixtures.MAPPED, Transport.UDP);
    static final TransportAddress RELAYED = new TransportAddress(CodecFixtures.RELAYED, Transport.UDP);
    /** Where a received datagram came from and arrived: only carried along by {@link RawMessage}. */
    static final TransportAddress PEER = new TransportAddress(CodecFixtures.MAPPED, Transport.UDP);
    static final TransportAddress LOCAL = new TransportAddress(CodecFixtures.RELAYED, Transport.UDP);

    private static final byte[] USERNAME = CodecFixtures.USERNAME.getBytes(StandardCharsets.UTF_8);
    private static final byte[] REALM = CodecFixtures.REALM.getBytes(StandardCharsets.UTF_8);
    private static final byte[] NONCE = CodecFixtures.NONCE.getBytes(StandardCharsets.UTF_8);
    private static final byte UDP = 17;
    private static final String SOFTWARE_PROPERTY = "ice4j.software";

    static {
        // ice4j adds SOFTWARE "ice4j.org" to every message it encodes unless configured otherwise; IceFlux adds none,
        // so switch it off (before ice4j reads its configuration) to encode the same bytes.
        if (System.getProperty(SOFTWARE_PROPERTY) == null) {
            System.setProperty(SOFTWARE_PROPERTY, "");
        }
    }

    private final StunStack stack;
    private final Request transactionCarrier;

    Ice4jCodec() {
        stack = new StunStack();
        stack.getCredentialsManager().registerAuthority(new FixedKeyAuthority(CodecFixtures.LONG_TERM_KEY));
        transactionCarrier = withTransactionId(MessageFactory.createBindingRequest());
    }

    /** The stack whose credentials manager signs and verifies. */
    StunStack stack() {
        return stack;
    }

    @Override
    public void close() {
        stack.shutDown();
    }

    // ------------------------------------------------------------------------------------------------ building

    Request bindingRequest() {
        Request request = withTransactionId(MessageFactory.createBindingRequest());
        request.putAttribute(AttributeFactory.createFingerprintAttribute());
        return request;
    }

    Response bindingSuccess() {
        Response response = withTransactionId(MessageFactory.createBindingResponse(transactionCarrier, MAPPED));
        response.putAttribute(AttributeFactory.createFingerprintAttribute());
        return response;
    }

    Response allocateChallenge() {
        Response response = withTransactionId(
                MessageFactory.createAllocationErrorResponse((char) 401, CodecFixtures.REASON_401));
        response.putAttribute(AttributeFactory.createRealmAttribute(REALM));
        response.putAttribute(AttributeFactory.createNonceAttribute(NONCE));
        return response;
    }

    Request allocateRequest() {
        Request request = withTransactionId(MessageFactory.createAllocateRequest(UDP, false));
        request.putAttribute(AttributeFactory.createLifetimeAttribute((int) CodecFixtures.LIFETIME_SECONDS));
        try {
            MessageFactory.addLongTermCredentialAttributes(request, USERNAME, REALM, NONCE);
        } catch (StunException e) {
            throw new IllegalStateException("ice4j rejected the long-term credential attributes", e);
        }
        request.putAttribute(AttributeFactory.createFingerprintAttribute());
        return request;
    }

    Response allocateSuccess() {
        Response response = withTransactionId(MessageFactory.createAllocationResponse(transactionCarrier, MAPPED,
                RELAYED, (int) CodecFixtures.LIFETIME_SECONDS));
        response.putAttribute(AttributeFactory.createMessageIntegrityAttribute(CodecFixtures.USERNAME));
        response.putAttribute(AttributeFactory.createFingerprintAttribute());
        return response;
    }

    private static <M extends Message> M withTransactionId(M message) {
        try {
            message.setTransactionID(CodecFixtures.TRANSACTION_ID_BYTES);
        } catch (StunException e) {
            throw new IllegalStateException("ice4j rejected a 12-byte transaction id", e);
        }
        return message;
    }

    /** Encode, computing MESSAGE-INTEGRITY and FINGERPRINT where the message holds them. */
    byte[] encode(Message message) {
        return message.encode(stack);
    }

    // ------------------------------------------------------------------------------------------------ decoding

    /** Decode a datagram (checking FINGERPRINT if present), as ice4j's message processor does. */
    static Message decode(byte[] datagram) {
        try {
            return Message.decode(datagram, 0, datagram.length);
        } catch (StunException e) {
            throw new IllegalStateException("ice4j could not decode the message", e);
        }
    }

    /**
     * Check MESSAGE-INTEGRITY of {@code message}, decoded from {@code datagram}, with the long-term key for the
     * benchmark's username, through the same call ice4j's TURN harvester makes on a response.
     */
    boolean verifyLongTerm(byte[] datagram, Message message) {
        MessageIntegrityAttribute integrity =
                (MessageIntegrityAttribute) message.getAttribute(Attribute.MESSAGE_INTEGRITY);
        if (integrity == null) {
            return false;
        }
        RawMessage raw = RawMessage.build(datagram, datagram.length, PEER, LOCAL);
        return stack.validateMessageIntegrity(integrity, CodecFixtures.USERNAME, false, raw);
    }

    /** Return the XOR-MAPPED-ADDRESS of a decoded message with the XOR undone, as the harvester reads it. */
    static TransportAddress mappedAddress(Message message) {
        XorMappedAddressAttribute mapped =
                (XorMappedAddressAttribute) message.getAttribute(Attribute.XOR_MAPPED_ADDRESS);
        return mapped.getAddress(message.getTransactionID());
    }

    /** Return the XOR-RELAYED-ADDRESS of a decoded message with the XOR undone. */
    static TransportAddress relayedAddress(Message message) {
        XorRelayedAddressAttribute relayed =
                (XorRelayedAddressAttribute) message.getAttribute(Attribute.XOR_RELAYED_ADDRESS);
        return relayed.getAddress(message.getTransactionID());
    }

    static int lifetime(Message message) {
        return ((LifetimeAttribute) message.getAttribute(Attribute.LIFETIME)).getLifetime();
    }

    static int errorCode(Message message) {
        return ((ErrorCodeAttribute) message.getAttribute(Attribute.ERROR_CODE)).getErrorCode();
    }

    static byte[] realm(Message message) {
        return ((RealmAttribute) message.getAttribute(Attribute.REALM)).getRealm();
    }

    static byte[] nonce(Message message) {
        return ((NonceAttribute) message.getAttribute(Attribute.NONCE)).getNonce();
    }

    static byte[] username(Message message) {
        return ((UsernameAttribute) message.getAttribute(Attribute.USERNAME)).getUsername();
    }

    /** Hands out one precomputed key for every username, for both directions. */
    private static final class FixedKeyAuthority implements CredentialsAuthority {
        private final byte[] key;

        FixedKeyAuthority(byte[] key) {
            this.key = key.clone();
        }

        @Override
        public byte[] getLocalKey(String username) {
            return key;
        }

        @Override
        public byte[] getRemoteKey(String username, String media) {
            return key;
        }

        @Override
        public boolean checkLocalUserName(String username) {
            return true;
        }
    }
}
