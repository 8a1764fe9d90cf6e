/**
 * Micrometer metrics for the Netty gatherer: {@link io.iceflux.netty.micrometer.MicrometerGathererMetrics}.
 * Needs {@code io.micrometer:micrometer-core} on the class path (an optional dependency of this module); nothing
 * outside this package refers to Micrometer.
 */
package io.iceflux.netty.micrometer;
