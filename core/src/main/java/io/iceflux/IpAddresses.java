package io.iceflux;

import java.net.InetAddress;
import java.util.Objects;

/**
 * The text form of an IP address that candidates, errors and canonical server URLs use, the form browsers write.
 *
 * <pre>{@code
 * IpAddresses.format(InetAddress.getByName("2001:DB8:0:0:0:0:0:1"));  // "2001:db8::1"
 * }</pre>
 */
public final class IpAddresses {

    private IpAddresses() {
    }

    /**
     * Format an address without a name lookup: IPv4 as a dotted quad ({@code 192.0.2.1}); IPv6 in the RFC 5952
     * form: lower-case hex without leading zeros, the longest run of two or more zero groups as {@code ::} (the
     * first one when two runs are as long), no zone id, and an IPv4-mapped address as {@code ::ffff:192.0.2.1}
     * (RFC 5952 §5).
     *
     * @throws NullPointerException if {@code address} is {@code null}
     */
    public static String format(InetAddress address) {
        Objects.requireNonNull(address, "address must not be null");
        byte[] bytes = address.getAddress();
        return bytes.length == 4 ? ipv4(bytes, 0) : ipv6(bytes);
    }

    /** Format the 16 bytes of an IPv6 address as {@link #format(InetAddress)} does. */
    static String ipv6(byte[] bytes) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        if (groups[0] == 0 && groups[1] == 0 && groups[2] == 0 && groups[3] == 0 && groups[4] == 0
                && groups[5] == 0xffff) {
            return "::ffff:" + ipv4(bytes, 12);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int end = i;
            while (end < 8 && groups[end] == 0) {
                end++;
            }
            if (end - i > bestLength) {
                bestStart = i;
                bestLength = end - i;
            }
            i = end;
        }
        StringBuilder out = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }

    /** Format the four bytes from {@code offset} as a dotted quad. */
    private static String ipv4(byte[] bytes, int offset) {
        return (bytes[offset] & 0xff) + "." + (bytes[offset + 1] & 0xff) + "." + (bytes[offset + 2] & 0xff) + "."
                + (bytes[offset + 3] & 0xff);
    }
}
