/**
 * IceFlux testkit: {@link io.iceflux.testkit.TestTurnServer}, an embeddable fault-injecting STUN/TURN server on
 * Netty for tests (not a production TURN server), its JUnit 5 extension
 * {@link io.iceflux.testkit.TestTurnServerExtension}, and {@link io.iceflux.testkit.NettyLeakDetectionExtension},
 * which fails tests that leak Netty buffers.
 */
package io.iceflux.testkit;
