/**
 * The STUN (RFC 8489) and TURN (RFC 8656) wire codec: messages and attributes, MESSAGE-INTEGRITY,
 * MESSAGE-INTEGRITY-SHA256 and FINGERPRINT, long-term and short-term keys, ChannelData, and framing of STUN over
 * TCP/TLS. Everything that reads bytes from the network fails with one exception type,
 * {@link io.iceflux.netty.stun.StunCodecException}, that names the problem.
 */
package io.iceflux.netty.stun;
