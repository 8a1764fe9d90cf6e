package io.iceflux;

import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;

/**
 * Gathers ICE candidates. Implementations apply {@link IceOperators#w3cErrorSemantics()} to what they emit.
 */
public interface IceGatherer {

    /**
     * Gather once ("probe style"). The returned {@code Flux} is cold: nothing happens until it is subscribed,
     * and each subscription is a gathering of its own. It emits {@code gathering}, the candidates and errors as
     * they happen, {@link IceEvent.EndOfCandidates}, {@code complete}, and then completes, after releasing every
     * resource (TURN allocations deleted, sockets closed). Cancelling releases everything at any moment. Servers
     * made with {@link IceServer#withSharedSecret} get TURN REST credentials minted when each subscription starts
     * ({@link IceConfiguration#withFreshCredentials()}).
     *
     * @param configuration the servers, policy and timers
     * @return the events of one gathering
     */
    Flux<IceEvent> gather(IceConfiguration configuration);

    /**
     * Gather and keep the candidates alive ("session style"): TURN allocations are refreshed and sockets stay
     * open until the subscriber cancels, which releases everything. Each signal of {@code restarts} is an ICE
     * restart: a new generation gathers fresh candidates, the state goes back to {@code gathering} and the 701
     * de-duplication starts over. The {@code Flux} does not complete on its own: cancel it to release. TURN REST
     * credentials ({@link IceServer#withSharedSecret}) are minted when each generation starts.
     *
     * @param configuration the servers, policy and timers
     * @param restarts      one signal per ICE restart
     * @return the events of every generation
     */
    Flux<IceEvent> gather(IceConfiguration configuration, Publisher<?> restarts);
}
