/**
 * What the tests of every IceFlux module share, in a module that depends on no other IceFlux module (so that
 * {@code netty-transport}'s own tests can use it): {@link io.iceflux.testsupport.LeakRecorder} and
 * {@link io.iceflux.testsupport.LeakFailingExtension}, which turn a {@code ByteBuf} leak that Netty's detector reports
 * into a failed test, and {@link io.iceflux.testsupport.TestCertificate}, a self-signed TLS certificate made on the
 * fly. {@code iceflux-testkit} depends on this module; its {@code NettyLeakDetectionExtension} delegates here.
 */
package io.iceflux.testsupport;
