/**
 * Plain Reactor recipes around {@link io.iceflux.IceGatherer}: probing many servers with bounded concurrency
 * ({@link io.iceflux.examples.reactor.ProbeManyServers}), merging several gatherings into one tagged stream
 * ({@link io.iceflux.examples.reactor.MergeGatherings}) and retrying a gathering with exponential backoff while
 * a server is not reachable ({@link io.iceflux.examples.reactor.RetryOn701}).
 */
package io.iceflux.examples.reactor;
