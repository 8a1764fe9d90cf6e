package io.iceflux.netty.stun;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A STUN message, immutable: class, method, transaction id and attributes in wire order. Build one with
 * {@link #builder(StunClass, int)}; {@link StunCodec#decode} returns one that also carries its
 * {@link WireLayout}, where the integrity and fingerprint attributes were in the buffer it came from. Equality
 * compares class, method, transaction id and attributes, never the layout.
 */
public final class StunMessage {

    private final StunClass messageClass;
    private final int method;
    private final TransactionId transactionId;
    private final List<StunAttribute> attributes;
    private final WireLayout wireLayout;

    private StunMessage(StunClass messageClass, int method, TransactionId transactionId,
            List<StunAttribute> attributes, WireLayout wireLayout) {
        this.messageClass = messageClass;
        this.method = method;
        this.transactionId = transactionId;
        this.attributes = attributes;
        this.wireLayout = wireLayout;
    }

    /**
     * Start a message of this class and method, with a random transaction id and no attributes.
     *
     * @throws IllegalArgumentException if {@code method} is outside 0 to 0xFFF
     * @throws NullPointerException if {@code messageClass} is null
     */
    public static Builder builder(StunClass messageClass, int method) {
        return new Builder(messageClass, method);
    }

    /** Return a decoded message that takes over {@code attributes}, a list nobody else holds, without copying it. */
    static StunMessage decoded(StunClass messageClass, int method, TransactionId transactionId,
            List<StunAttribute> attributes, WireLayout wireLayout) {
        return new StunMessage(messageClass, method, transactionId, Collections.unmodifiableList(attributes),
                wireLayout);
    }

    /** Return a builder holding this message's class, method, transaction id and attributes (not its layout). */
    public Builder toBuilder() {
        return new Builder(messageClass, method).transactionId(transactionId).addAll(attributes);
    }

    /** Return the message class. */
    public StunClass messageClass() {
        return messageClass;
    }

    /** Return the 12-bit method (see {@link StunMethod}). */
    public int method() {
        return method;
    }

    /** Return the 14-bit message type that encodes class and method. */
    public int messageType() {
        return StunMethod.messageType(messageClass, method);
    }

    /** Return the transaction id. */
    public TransactionId transactionId() {
        return transactionId;
    }

    /**
     * Return the attributes in wire order, unmodifiable. For a decoded message these are the attributes the codec
     * kept: everything up to MESSAGE-INTEGRITY, then MESSAGE-INTEGRITY-SHA256 and FINGERPRINT if present.
     */
    public List<StunAttribute> attributes() {
        return attributes;
    }

    /** Return the first attribute of this record type, or empty if there is none. */
    public <T extends StunAttribute> Optional<T> attribute(Class<T> type) {
        Objects.requireNonNull(type, "type");
        for (StunAttribute a : attributes) {
            if (type.isInstance(a)) {
                return Optional.of(type.cast(a));
            }
        }
        return Optional.empty();
    }

    /** Return every attribute of this record type, in wire order (empty if there is none). */
    public <T extends StunAttribute> List<T> attributes(Class<T> type) {
        Objects.requireNonNull(type, "type");
        List<T> found = new ArrayList<>();
        for (StunAttribute a : attributes) {
            if (type.isInstance(a)) {
                found.add(type.cast(a));
            }
        }
        return List.copyOf(found);
    }

    /**
     * Return where the decoder found the integrity and fingerprint attributes in the buffer this message was
     * decoded from, or empty for a message that was built.
     */
    public Optional<WireLayout> wireLayout() {
        return Optional.ofNullable(wireLayout);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StunMessage other
                && messageClass == other.messageClass
                && method == other.method
                && transactionId.equals(other.transactionId)
                && attributes.equals(other.attributes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(messageClass, method, transactionId, attributes);
    }

    /** Return e.g. {@code "Binding SUCCESS_RESPONSE tid=b7e7a701bc34d686fa87dfae [Software[value=...], ...]"}. */
    @Override
    public String toString() {
        return StunMethod.name(method) + " " + messageClass + " tid=" + transactionId + " " + attributes;
    }

    /**
     * Where a decoded message's integrity and fingerprint attributes start, as byte offsets from the first byte of
     * the message (its header); -1 when the attribute is absent. {@code length} is the whole message, header
     * included. {@link StunCodec#verifyIntegrity} uses it to hash the original bytes without copying them.
     */
    public record WireLayout(int length, int messageIntegrityOffset, int messageIntegritySha256Offset,
            int fingerprintOffset) {

        /** Check the length is at least a header and each offset is -1 or inside the message after the header. */
        public WireLayout {
            if (length < StunCodec.HEADER_LENGTH) {
                throw new IllegalArgumentException("message length must be at least 20, got " + length);
            }
            checkOffset("messageIntegrityOffset", messageIntegrityOffset, length);
            checkOffset("messageIntegritySha256Offset", messageIntegritySha256Offset, length);
            checkOffset("fingerprintOffset", fingerprintOffset, length);
        }

        private static void checkOffset(String what, int offset, int length) {
            if (offset != -1 && (offset < StunCodec.HEADER_LENGTH || offset > length - 4)) {
                throw new IllegalArgumentException(what + " must be -1 or 20 to " + (length - 4) + ", got " + offset);
            }
        }

        /** Return whether the message holds MESSAGE-INTEGRITY. */
        public boolean hasMessageIntegrity() {
            return messageIntegrityOffset >= 0;
        }

        /** Return whether the message holds MESSAGE-INTEGRITY-SHA256. */
        public boolean hasMessageIntegritySha256() {
            return messageIntegritySha256Offset >= 0;
        }

        /** Return whether the message holds FINGERPRINT (which the decoder has verified). */
        public boolean hasFingerprint() {
            return fingerprintOffset >= 0;
        }
    }

    /** Collects the parts of a {@link StunMessage}; not thread-safe. */
    public static final class Builder {
        private final StunClass messageClass;
        private final int method;
        private TransactionId transactionId;
        private final List<StunAttribute> attributes = new ArrayList<>();

        private Builder(StunClass messageClass, int method) {
            this.messageClass = Objects.requireNonNull(messageClass, "messageClass");
            StunMethod.checkMethod(method);
            this.method = method;
        }

        /**
         * Use this transaction id instead of a random one.
         *
         * @throws NullPointerException if {@code id} is null
         */
        public Builder transactionId(TransactionId id) {
            this.transactionId = Objects.requireNonNull(id, "transactionId");
            return this;
        }

        /**
         * Append an attribute.
         *
         * @throws NullPointerException if {@code attribute} is null
         */
        public Builder add(StunAttribute attribute) {
            attributes.add(Objects.requireNonNull(attribute, "attribute"));
            return this;
        }

        /**
         * Append attributes in order.
         *
         * @throws NullPointerException if the list or one of its elements is null
         */
        public Builder addAll(List<? extends StunAttribute> more) {
            for (StunAttribute a : more) {
                add(a);
            }
            return this;
        }

        /** Remove every attribute of this record type (e.g. to re-sign a decoded message). */
        public Builder removeAll(Class<? extends StunAttribute> type) {
            attributes.removeIf(type::isInstance);
            return this;
        }

        /** Return the message; draws a random transaction id if none was set. */
        public StunMessage build() {
            TransactionId id = transactionId != null ? transactionId : TransactionId.random();
            return new StunMessage(messageClass, method, id, List.copyOf(attributes), null);
        }
    }
}
